/**
 * Keyboard steps through planes from anywhere but a text field or slider: `,` / `.` (and Page Up / Page Down)
 * step z, `[` / `]` step t, as in Neuroglancer. Arrow keys stay with the canvas (panning) and focused sliders.
 */
import { useEffect } from 'react';
import { steppableAxes } from '../panel/AxisSliders';
import type { Layer } from './layers';

const STEPS: Record<string, [string, number]> = {
  ',': ['z', -1],
  '.': ['z', 1],
  PageUp: ['z', -1],
  PageDown: ['z', 1],
  '[': ['t', -1],
  ']': ['t', 1],
};

export function usePlaneKeys(
  layer: Layer | undefined,
  update: (id: string, patch: (l: Layer) => Partial<Layer>) => void,
) {
  useEffect(() => {
    if (!layer) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const step = STEPS[e.key];
      if (!step) return;
      const axis = steppableAxes(layer.image.axes, layer.image.channelAxis).find((a) => a.name === step[0]);
      if (!axis) return;
      e.preventDefault();
      update(layer.id, (l) => {
        const now = l.selection[axis.name] ?? 0;
        return { selection: { ...l.selection, [axis.name]: Math.max(0, Math.min(axis.size - 1, now + step[1])) } };
      });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [layer, update]);
}
