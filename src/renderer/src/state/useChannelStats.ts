/**
 * Keeps channel statistics current: a channel turned on without a window gets one from a bounded sample, and
 * after each load of the view the selected layer's drawn channels get histograms of what is on screen (and a
 * window, while the data has not given them one yet: an empty coarse level gives no sample).
 */
import { useCallback, useEffect, useRef } from 'react';
import { channelFromSample, statsUpdate } from '../data/openImage';
import { drawnChannels } from '../viewer/imageLayers';
import { screenValues } from '../viewer/screenTiles';
import type { Layer } from './layers';

type Update = (id: string, patch: (l: Layer) => Partial<Layer>) => void;

function channelSelection(layer: Layer, c: number): Record<string, number> {
  const axis = layer.image.channelAxis;
  return axis ? { ...layer.selection, [axis]: c } : layer.selection;
}

export function useChannelStats(layers: Layer[], selected: Layer | undefined, update: Update, loads: number) {
  const sampling = useRef(new Set<string>());

  // Channels turned on that have no window yet.
  useEffect(() => {
    const ctl = new AbortController();
    for (const layer of layers) {
      const integer = !/^Float/.test(layer.image.sources[0].dtype);
      layer.channels.forEach((ch, c) => {
        const key = `${layer.id}:${c}`;
        if (!ch.visible || ch.limitsFrom !== 'none' || sampling.current.has(key)) return;
        sampling.current.add(key);
        channelFromSample(ch, layer.image.sources, channelSelection(layer, c), integer, ctl.signal)
          .then((patch) =>
            update(layer.id, (l) => ({ channels: l.channels.map((x, j) => (j === c ? { ...x, ...patch } : x)) })),
          )
          .catch(() => undefined) // Tiles will report read errors; the window can wait for the screen.
          .finally(() => sampling.current.delete(key));
      });
    }
    return () => ctl.abort();
  }, [layers, update]);

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  // Histograms (and windows still unset) from the screen, shortly after each load of the view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed per load of the view, not per state change.
  useEffect(() => {
    const selected = selectedRef.current;
    if (!selected) return;
    const id = setTimeout(() => {
      const integer = !/^Float/.test(selected.image.sources[0].dtype);
      const patches = new Map<number, ReturnType<typeof statsUpdate>>();
      for (const c of drawnChannels(selected)) {
        const values = screenValues(selected.id, c);
        if (values) patches.set(c, statsUpdate(selected.channels[c], values, selected.image.sources[0].dtype, integer));
      }
      if (patches.size === 0) return;
      update(selected.id, (l) => ({
        channels: l.channels.map((x, j) => {
          const p = patches.get(j);
          // Only the histogram follows the screen; a window set from data stays until Auto is pressed.
          return p ? { ...x, histogram: p.histogram, ...(x.limitsFrom === 'none' ? p : {}) } : x;
        }),
      }));
    }, 250);
    return () => clearTimeout(id);
  }, [loads, update]);

  /** Auto-contrast from what is on screen, else from a sample. */
  const autoContrast = useCallback(
    async (layer: Layer, c: number): Promise<void> => {
      const integer = !/^Float/.test(layer.image.sources[0].dtype);
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
