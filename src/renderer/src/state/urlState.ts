/**
 * View state in the query string, so a view can be shared or reloaded:
 * `?source=<catalog path | http(s) URL>&sel=z:4,t:0&view=x,y,zoom&ch=<visible>,<rrggbb>,<lo>,<hi>;…`
 * describes the first (base) layer, with `vis=0` / `op=<opacity>` when hidden or translucent; every further
 * layer is one `layer=` parameter holding the same keys as a nested, escaped query string.
 * `?neuroglancer=<Neuroglancer URL or JSON state>` instead opens the state's layers that read this bridge.
 */
import { hexToRgb, rgbToHex } from '../data/colors';
import type { Rgb } from '../data/imageModel';
import { pageBridgeOrigins, urlStateFromNeuroglancer } from '../neuroglancer/fromNeuroglancer';

export interface ViewParams {
  target: [number, number];
  zoom: number;
}

export interface ChannelParams {
  visible: boolean;
  color: Rgb;
  limits: [number, number];
}

export interface LayerParams {
  source: string;
  selection: Record<string, number>;
  channels: (ChannelParams | undefined)[];
  visible: boolean;
  opacity: number;
}

/**
 * Where the user is inside a plate (plate navigation): `field=` (1-based in the URL, 0-based here)
 * and `acq=` (an acquisition id), written only while the plate grid shows. A well's image is named by its
 * source path (`…/B/2/1` is field 2), and so is a bioformats2raw series (`…/bf2raw.ome.zarr/1`).
 */
export interface PlateParams {
  field?: number;
  acquisition?: number;
}

function parsePlate(q: URLSearchParams): PlateParams {
  const out: PlateParams = {};
  const field = Number(q.get('field'));
  if (q.has('field') && Number.isInteger(field) && field >= 1) out.field = field - 1;
  const acq = Number(q.get('acq'));
  if (q.has('acq') && Number.isInteger(acq) && acq >= 0) out.acquisition = acq;
  return out;
}

function setPlateParams(q: URLSearchParams, p: PlateParams): void {
  if (p.field !== undefined) q.set('field', String(p.field + 1));
  if (p.acquisition !== undefined) q.set('acq', String(p.acquisition));
}

export interface UrlState extends Omit<LayerParams, 'source'> {
  source?: string;
  /** The plate grid's field and acquisition, when the URL shows a plate. */
  plate: PlateParams;
  view?: ViewParams;
  /** Visible label images of the base layer by name, with their opacity. */
  labels: Record<string, number>;
  /** Layers after the base one. */
  layers: LayerParams[];
  /** Test mode: keep the drawing buffer readable and expose hooks on window. */
  test: boolean;
  /** What of a `?neuroglancer=` state could not be opened here, and why. */
  notOpened?: string[];
}

function parseLayer(q: URLSearchParams): Omit<LayerParams, 'source'> {
  const selection: Record<string, number> = {};
  for (const part of (q.get('sel') ?? '').split(',')) {
    const [name, value] = part.split(':');
    if (name && value !== undefined && Number.isFinite(Number(value))) selection[name] = Number(value);
  }
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
  const op = Number(q.get('op') ?? 1);
  return { selection, channels, visible: q.get('vis') !== '0', opacity: Number.isFinite(op) ? op : 1 };
}

export function parseUrlState(search: string, bridgeOrigins = pageBridgeOrigins()): UrlState {
  const q = new URLSearchParams(search);
  // `?neuroglancer=<Neuroglancer URL or state>` opens those of its layers that read this bridge.
  const neuroglancer = q.get('neuroglancer');
  if (neuroglancer && !q.get('source')) {
    try {
      return { ...urlStateFromNeuroglancer(neuroglancer, bridgeOrigins), test: q.get('test') === '1' };
    } catch (e) {
      return {
        ...parseUrlState(''),
        test: q.get('test') === '1',
        notOpened: [`Neuroglancer: ${(e as Error).message}`],
      };
    }
  }
  let view: ViewParams | undefined;
  const v = (q.get('view') ?? '').split(',').map(Number);
  if (v.length === 3 && v.every(Number.isFinite)) view = { target: [v[0], v[1]], zoom: v[2] };
  const labels: Record<string, number> = {};
  for (const part of (q.get('labels') ?? '').split(',')) {
    const [name, opacity] = part.split(':');
    if (name) labels[name] = Number.isFinite(Number(opacity)) && opacity !== undefined ? Number(opacity) : 0.5;
  }
  const layers = q.getAll('layer').flatMap((nested) => {
    const lq = new URLSearchParams(nested);
    const source = lq.get('source');
    return source ? [{ source, ...parseLayer(lq) }] : [];
  });
  return {
    source: q.get('source') ?? undefined,
    ...parseLayer(q),
    view,
    labels,
    layers,
    plate: parsePlate(q),
    test: q.get('test') === '1',
  };
}

function round(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

function setLayer(q: URLSearchParams, l: Omit<LayerParams, 'channels'> & { channels: ChannelParams[] }): void {
  q.set('source', l.source);
  const sel = Object.entries(l.selection).map(([k, v]) => `${k}:${v}`);
  if (sel.length) q.set('sel', sel.join(','));
  if (l.channels.length) {
    const ch = l.channels.map((c) =>
      [c.visible ? 1 : 0, rgbToHex(c.color), round(c.limits[0], 4), round(c.limits[1], 4)].join(','),
    );
    q.set('ch', ch.join(';'));
  }
  if (!l.visible) q.set('vis', '0');
  if (l.opacity !== 1) q.set('op', round(l.opacity, 2));
}

/** Keep slashes, colons and separators readable in the address bar. */
function readable(q: URLSearchParams): string {
  return q.toString().replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%3B/g, ';');
}

export function serializeUrlState(s: {
  /** Shown when no layer is open (a plate). */
  source?: string;
  layers: (Omit<LayerParams, 'channels'> & { channels: ChannelParams[] })[];
  view?: ViewParams;
  labels: Record<string, number>;
  /** The plate grid's field and acquisition: written only when no layer is open (the grid shows). */
  plate?: PlateParams;
  test: boolean;
}): string {
  const q = new URLSearchParams();
  const [base, ...rest] = s.layers;
  if (base) setLayer(q, base);
  else if (s.source) q.set('source', s.source);
  if (!base && s.source && s.plate) setPlateParams(q, s.plate);
  if (base && s.view)
    q.set('view', [round(s.view.target[0], 2), round(s.view.target[1], 2), round(s.view.zoom, 3)].join(','));
  const labels = Object.entries(s.labels).map(([name, opacity]) => `${name}:${round(opacity, 2)}`);
  if (labels.length) q.set('labels', labels.join(','));
  for (const l of rest) {
    const lq = new URLSearchParams();
    setLayer(lq, l);
    q.append('layer', readable(lq));
  }
  if (s.test) q.set('test', '1');
  return `?${readable(q)}`;
}
