/** `?neuroglancer=<Neuroglancer URL or JSON state>`: the state's layers that read this bridge, as the viewer's URL state. */
import { parseNeuroglancerState } from '../../../shared/neuroglancer/parse-state';
import type { ChannelParams, LayerParams, UrlState } from '../state/urlState';

/** The bridge this page talks to: its own origin in browser mode (none known synchronously in the desktop app). */
export function pageBridgeOrigins(): string[] {
  // Through globalThis: the same module runs in Node tests, where there is no location.
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin ?? '';
  return /^https?:/.test(origin) ? [origin] : [];
}

export function urlStateFromNeuroglancer(text: string, bridgeOrigins: readonly string[]): Omit<UrlState, 'test'> {
  const parsed = parseNeuroglancerState(text, bridgeOrigins);
  const layers: LayerParams[] = parsed.layers.map((l) => ({
    source: l.path,
    selection: parsed.selection,
    // Channels the state shows with a colour and a window; the others keep the image's defaults.
    channels: l.channels.map((c): ChannelParams | undefined =>
      c?.color && c.window ? { visible: c.visible, color: c.color, limits: c.window } : undefined,
    ),
    visible: l.visible,
    opacity: l.opacity,
  }));
  const [base, ...rest] = layers;
  const labels = Object.fromEntries(
    (parsed.layers[0]?.labels ?? []).filter((l) => l.visible).map((l) => [l.name, l.opacity]),
  );
  return {
    ...(base ?? { selection: {}, channels: [], visible: true, opacity: 1 }),
    view: parsed.view,
    labels,
    layers: rest,
    plate: {},
    ...(parsed.skipped.length ? { notOpened: parsed.skipped.map((s) => `${s.name}: ${s.reason}`) } : {}),
  };
}
