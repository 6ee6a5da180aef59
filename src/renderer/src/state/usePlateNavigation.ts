/**
 * Browser history for plates: opening a well pushes a history entry, so Back returns to the plate grid
 * (with its field and acquisition, kept in the URL), and Forward goes to the well again. The app keeps
 * replacing the current entry as the view changes (replaceState); only a well's opening adds one.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type LayerParams, type PlateParams, parseUrlState, serializeUrlState, type UrlState } from './urlState';

export interface PlateNavigation {
  /** The field (0-based) and acquisition the plate grid shows; acquisition undefined: the plate's first. */
  field: number;
  acquisition?: number;
  setField(field: number): void;
  /** A new acquisition starts at its first field. */
  setAcquisition(acquisition: number): void;
  /** Opens a well's image as a new history entry. */
  openWell(imagePath: string): void;
  /** What the URL keeps while the grid shows (for `serializeUrlState`). */
  params: PlateParams;
}

/** What the app does to show a URL's state (the same as for the URL it was loaded with). */
export interface NavigationTargets {
  /** Opens a source, replacing everything; resolves with the opened layer, if it is an image. */
  open(source: string, opts: { add?: boolean; params?: Partial<Omit<LayerParams, 'source'>> }): Promise<unknown>;
  /** Called with the first layer opened from a URL without a `view=` (to fit it), or with the URL's view. */
  showView(first: unknown, view: UrlState['view']): void;
}

export function usePlateNavigation(initial: UrlState, targets: NavigationTargets): PlateNavigation {
  const [field, setFieldState] = useState(initial.plate.field ?? 0);
  const [acquisition, setAcquisitionState] = useState(initial.plate.acquisition);
  const latest = useRef(targets);
  latest.current = targets;

  const openWell = useCallback(
    (imagePath: string) => {
      // A new entry now; the app's replaceState then fills in the well's view as it loads.
      window.history.pushState(
        null,
        '',
        serializeUrlState({ source: imagePath, layers: [], labels: {}, test: initial.test }),
      );
      const t = latest.current;
      void t.open(imagePath, {}).then((first) => first && t.showView(first, undefined));
    },
    [initial.test],
  );

  // Back / Forward: show the entry's state, the grid's field and acquisition included.
  useEffect(() => {
    let live: AbortController | undefined;
    const onPop = () => {
      live?.abort();
      const ctl = new AbortController();
      live = ctl;
      const u = parseUrlState(window.location.search);
      if (!u.source) return;
      const t = latest.current;
      void (async () => {
        const first = await t.open(u.source as string, { params: u });
        if (ctl.signal.aborted) return;
        // Only once the entry's source shows: earlier, the app would write the old view into this entry.
        setFieldState(u.plate.field ?? 0);
        setAcquisitionState(u.plate.acquisition);
        if (!first) return;
        t.showView(first, u.view);
        for (const l of u.layers) if (!ctl.signal.aborted) await t.open(l.source, { add: true, params: l });
      })();
    };
    window.addEventListener('popstate', onPop);
    return () => {
      window.removeEventListener('popstate', onPop);
      live?.abort();
    };
  }, []);

  const setAcquisition = useCallback((a: number) => {
    setAcquisitionState(a);
    setFieldState(0);
  }, []);
  const params = useMemo(() => ({ field, acquisition }), [field, acquisition]);
  return { field, acquisition, setField: setFieldState, setAcquisition, openWell, params };
}
