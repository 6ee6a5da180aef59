/**
 * The open layers (first = base, whose pixels are the world coordinates), the selected one, or a plate.
 * "Open" replaces everything and cancels loads in flight; "Add as layer" appends.
 */
import { useCallback, useRef, useState } from 'react';
import type { CatalogNode } from '../../../shared/catalog';
import { type Layer, loadSource } from './layers';
import type { LayerParams } from './urlState';

export interface OpenOptions {
  add?: boolean;
  params?: Partial<Omit<LayerParams, 'source'>>;
}

export function useLayers(onError: (msg: string) => void, onOpened: (source: string) => void) {
  const [layers, setLayers] = useState<Layer[]>([]);
  const [selectedId, setSelectedId] = useState<string>();
  const [plate, setPlate] = useState<{ node: CatalogNode; source: string }>();
  const [pending, setPending] = useState(0);
  const inFlight = useRef(new Set<AbortController>());
  const layersRef = useRef<Layer[]>([]);
  layersRef.current = layers;

  const abortAll = useCallback(() => {
    for (const c of inFlight.current) c.abort();
    inFlight.current.clear();
  }, []);

  const open = useCallback(
    async (source: string, opts: OpenOptions = {}): Promise<Layer | undefined> => {
      // A replacing open makes every earlier load moot (they would land on the wrong set of layers).
      if (!opts.add) abortAll();
      // Adding what is already open would draw it twice (layers add their light): select it instead.
      const existing = opts.add
        ? layersRef.current.find((l) => l.source === source || l.image.node.path === source)
        : undefined;
      if (existing) {
        setSelectedId(existing.id);
        onError(`${existing.image.node.name} is already open as a layer`);
        return existing;
      }
      const ctl = new AbortController();
      inFlight.current.add(ctl);
      setPending((n) => n + 1);
      try {
        const loaded = await loadSource(source, opts.params ?? {}, ctl.signal);
        if (ctl.signal.aborted) return undefined;
        if (loaded.kind === 'plate') {
          if (opts.add) throw new Error(`${loaded.source} is a plate: open it rather than adding it as a layer`);
          setLayers([]);
          setPlate({ node: loaded.plate, source: loaded.source });
          onOpened(loaded.source);
          return undefined;
        }
        setPlate(undefined);
        setLayers((ls) => (opts.add ? [...ls, loaded.layer] : [loaded.layer]));
        setSelectedId(loaded.layer.id);
        onOpened(loaded.layer.source);
        return loaded.layer;
      } catch (e) {
        if (!ctl.signal.aborted) onError((e as Error).message);
        return undefined;
      } finally {
        inFlight.current.delete(ctl);
        setPending((n) => n - 1);
      }
    },
    [abortAll, onError, onOpened],
  );

  const update = useCallback((id: string, patch: (l: Layer) => Partial<Layer>) => {
    setLayers((ls) => ls.map((l) => (l.id === id ? { ...l, ...patch(l) } : l)));
  }, []);

  const remove = useCallback((id: string) => {
    setLayers((ls) => {
      const rest = ls.filter((l) => l.id !== id);
      setSelectedId((sel) => (sel === id ? rest[0]?.id : sel));
      return rest;
    });
  }, []);

  const selected = layers.find((l) => l.id === selectedId) ?? layers[0];
  return { layers, selected, select: setSelectedId, plate, opening: pending > 0, open, update, remove, abortAll };
}
