/**
 * Keeps channel statistics current. A channel drawn without a window ('none': a layer just opened, or a
 * channel turned on) gets one from the tiles on screen once they have loaded: the same data the user sees,
 * at no extra request. Only when the screen cannot tell (its tiles hold nothing but fill, e.g. BossDB levels
 * below a non-zero coordinate frame, or the view is too far out to load any) is a bounded sample read,
 * which moves to finer levels past empty ones. Fill never sets a window (it would be 0–1). After each later
 * load of the view, the selected layer's drawn channels get histograms of what is on screen.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { ChannelState } from '../data/imageModel';
import { channelFromSample, statsUpdate } from '../data/openImage';
import { isIntegerDtype } from '../data/pixelSource';
import { hasData } from '../data/sample';
import { awaitingWindow, drawnChannels } from '../viewer/imageLayers';
import { overBudgetLayers, screenValues } from '../viewer/screenTiles';
import type { Layer } from './layers';

type Update = (id: string, patch: (l: Layer) => Partial<Layer>) => void;

function channelSelection(layer: Layer, c: number): Record<string, number> {
  const axis = layer.image.channelAxis;
  return axis ? { ...layer.selection, [axis]: c } : layer.selection;
}

/** A window may still come from data: none yet, or only fill seen so far. */
const wantsWindow = (ch: ChannelState) => ch.limitsFrom === 'none' || ch.limitsFrom === 'default';

export function useChannelStats(layers: Layer[], selected: Layer | undefined, update: Update, loads: number) {
  // Samples in flight, by layer and channel; all given up when the viewer goes.
  const sampling = useRef(new Set<string>());
  const gone = useRef(new AbortController());
  useEffect(() => {
    const ctl = new AbortController();
    gone.current = ctl;
    return () => ctl.abort();
  }, []);

  /** A window for channel c of `layer` from a bounded sample; 'default' when the sample finds only fill. */
  const sampleWindow = useCallback(
    (layer: Layer, c: number) => {
      const key = `${layer.id}:${c}`;
      if (sampling.current.has(key)) return;
      sampling.current.add(key);
      const signal = gone.current.signal;
      const integer = isIntegerDtype(layer.image.sources[0].dtype);
      channelFromSample(layer.channels[c], layer.image.sources, channelSelection(layer, c), integer, signal)
        // Read errors are the tiles' to report; the channel is then drawn in its dtype's range.
        .catch(() => ({}))
        .then((patch: Partial<ChannelState>) => {
          if (signal.aborted) return;
          update(layer.id, (l) => ({
            channels: l.channels.map((x, j) => {
              // The screen may have set the window meanwhile: it stays.
              if (j !== c || !wantsWindow(x)) return x;
              return patch.limits ? { ...x, ...patch } : { ...x, limitsFrom: 'default' as const };
            }),
          }));
        })
        .finally(() => sampling.current.delete(key));
    },
    [update],
  );

  const layersNow = useRef(layers);
  layersNow.current = layers;
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  // After a load of the view. A channel waiting for its window (not drawn until then) is served at
  // once; otherwise shortly after, so panning does not recompute on every tile.
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed per load of the view, not per state change.
  useEffect(() => {
    const fromScreen = () => {
      for (const layer of layersNow.current) {
        const isSelected = layer.id === selectedRef.current?.id;
        const dtype = layer.image.sources[0].dtype;
        const integer = isIntegerDtype(dtype);
        const fill = Number(layer.image.sources[0].level.fillValue);
        const patches = new Map<number, Partial<ChannelState>>();
        for (const c of drawnChannels(layer)) {
          const ch = layer.channels[c];
          if (!isSelected && !wantsWindow(ch)) continue;
          const values = screenValues(layer.id, c);
          const shown = values !== undefined && hasData(values, fill);
          if (ch.limitsFrom === 'none' && !shown && (values || overBudgetLayers.has(layer.id))) {
            sampleWindow(layer, c);
          }
          if (!values) continue;
          const p = statsUpdate(ch, values, dtype, integer);
          // Only the histogram follows the screen; a window set from data stays until Auto is pressed.
          const windowToo = wantsWindow(ch) && shown;
          if (windowToo || isSelected) patches.set(c, windowToo ? p : { histogram: p.histogram });
        }
        if (patches.size === 0) continue;
        update(layer.id, (l) => ({
          channels: l.channels.map((x, j) => {
            const p = patches.get(j);
            if (!p) return x;
            // A sample may have set the window meanwhile; then only the histogram is new.
            return p.limits && !wantsWindow(x) ? { ...x, histogram: p.histogram } : { ...x, ...p };
          }),
        }));
      }
    };
    if (layersNow.current.some(awaitingWindow)) {
      fromScreen();
      return;
    }
    const id = setTimeout(fromScreen, 250);
    return () => clearTimeout(id);
  }, [loads, update, sampleWindow]);

  /** Auto-contrast from what is on screen, else from a sample. */
  const autoContrast = useCallback(
    async (layer: Layer, c: number): Promise<void> => {
      const integer = isIntegerDtype(layer.image.sources[0].dtype);
      const dtype = layer.image.sources[0].dtype;
      const onScreen = screenValues(layer.id, c);
      let patch: Partial<Layer['channels'][number]>;
      if (onScreen) patch = statsUpdate(layer.channels[c], onScreen, dtype, integer, true);
      else {
        const forced = { ...layer.channels[c], limitsFrom: 'none' as const };
        patch = await channelFromSample(forced, layer.image.sources, channelSelection(layer, c), integer);
      }
      update(layer.id, (l) => ({ channels: l.channels.map((x, j) => (j === c ? { ...x, ...patch } : x)) }));
    },
    [update],
  );
  return { autoContrast };
}
