/**
 * View state in the query string, so a view can be shared or reloaded:
 * `?source=<catalog path | http(s) URL>&sel=z:4,t:0&view=x,y,zoom&ch=<visible>,<rrggbb>,<lo>,<hi>;…`.
 */
import { hexToRgb, rgbToHex } from '../data/colors';
import type { ChannelState, Rgb } from '../data/imageModel';

export interface ViewParams {
  target: [number, number];
  zoom: number;
}

export interface ChannelParams {
  visible: boolean;
  color: Rgb;
  limits: [number, number];
}

export interface UrlState {
  source?: string;
  selection: Record<string, number>;
  view?: ViewParams;
  channels: (ChannelParams | undefined)[];
  /** Visible label images by name, with their opacity. */
  labels: Record<string, number>;
  /** Test mode: keep the drawing buffer readable and expose hooks on window. */
  test: boolean;
}

export function parseUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const selection: Record<string, number> = {};
  for (const part of (q.get('sel') ?? '').split(',')) {
    const [name, value] = part.split(':');
    if (name && value !== undefined && Number.isFinite(Number(value))) selection[name] = Number(value);
  }
  let view: ViewParams | undefined;
  const v = (q.get('view') ?? '').split(',').map(Number);
  if (v.length === 3 && v.every(Number.isFinite)) view = { target: [v[0], v[1]], zoom: v[2] };
  const channels = (q.get('ch') ?? '')
    .split(';')
    .filter((s) => s !== '')
    .map((part): ChannelParams | undefined => {
      const [vis, hex, lo, hi] = part.split(',');
      const color = hexToRgb(hex ?? '');
      const limits: [number, number] = [Number(lo), Number(hi)];
      if (!color || !limits.every(Number.isFinite)) return undefined;
      return { visible: vis === '1', color, limits };
    });
  const labels: Record<string, number> = {};
  for (const part of (q.get('labels') ?? '').split(',')) {
    const [name, opacity] = part.split(':');
    if (name) labels[name] = Number.isFinite(Number(opacity)) && opacity !== undefined ? Number(opacity) : 0.5;
  }
  return { source: q.get('source') ?? undefined, selection, view, channels, labels, test: q.get('test') === '1' };
}

function round(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

export function serializeUrlState(s: {
  source?: string;
  selection: Record<string, number>;
  view?: ViewParams;
  channels: ChannelState[];
  labels: Record<string, number>;
  test: boolean;
}): string {
  const q = new URLSearchParams();
  if (s.source) q.set('source', s.source);
  const sel = Object.entries(s.selection).map(([k, v]) => `${k}:${v}`);
  if (sel.length) q.set('sel', sel.join(','));
  if (s.view) q.set('view', [round(s.view.target[0], 2), round(s.view.target[1], 2), round(s.view.zoom, 3)].join(','));
  if (s.channels.length) {
    q.set(
      'ch',
      s.channels
        .map((c) => [c.visible ? 1 : 0, rgbToHex(c.color), round(c.limits[0], 4), round(c.limits[1], 4)].join(','))
        .join(';'),
    );
  }
  const labels = Object.entries(s.labels).map(([name, opacity]) => `${name}:${round(opacity, 2)}`);
  if (labels.length) q.set('labels', labels.join(','));
  if (s.test) q.set('test', '1');
  // Keep slashes and colons readable in the address bar.
  return `?${q.toString().replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%3B/g, ';')}`;
}
