/**
 * OME-Zarr metadata, normalised once from 0.4 (`.zattrs` top-level keys) or
 * 0.5 (`attributes.ome`), and rendered again as 0.4 for the Zarr v2 face or
 * 0.5 for the Zarr v3 face, whatever version the source wrote.
 */
import type { Attrs } from './node.js';

export interface OmeAxis {
  name: string;
  type?: string;
  unit?: string;
}

export interface OmeDataset {
  path: string;
  coordinateTransformations?: Attrs[];
}

export interface OmeMultiscale {
  name?: string;
  axes: OmeAxis[];
  datasets: OmeDataset[];
  coordinateTransformations?: Attrs[];
  type?: string;
  metadata?: unknown;
}

/** The OME keys of a node, without the per-object `version` fields. */
export interface OmeMeta {
  /** What the source wrote, e.g. `0.4` or `0.5`. */
  sourceVersion: string;
  multiscales?: OmeMultiscale[];
  omero?: Attrs;
  labels?: string[];
  imageLabel?: Attrs;
  plate?: Attrs;
  well?: Attrs;
  bioformats2rawLayout?: number;
  series?: string[];
  /**
   * OME metadata of a version we do not convert (0.6's coordinate systems have
   * no 0.4/0.5 equivalent): kept as written, under its own version.
   */
  verbatim?: Attrs;
}

/** Versions whose metadata maps onto 0.4/0.5 (0.1–0.3 are upgraded on the way). */
const CONVERTIBLE = /^0\.[1-5](\.|-|$)/;

const isObject = (v: unknown): v is Attrs => typeof v === 'object' && v !== null && !Array.isArray(v);

function withoutVersion(v: unknown): Attrs | undefined {
  if (!isObject(v)) return undefined;
  const { version: _version, ...rest } = v;
  return rest;
}

/** OME 0.1/0.2 had no axes (always t,c,z,y,x); 0.3 had names only. */
function normaliseAxes(axes: unknown, rank: number | undefined): OmeAxis[] {
  const guessType = (name: string): string | undefined =>
    name === 't' ? 'time' : name === 'c' ? 'channel' : ['x', 'y', 'z'].includes(name) ? 'space' : undefined;
  if (Array.isArray(axes)) {
    return axes.map((a) => {
      if (typeof a === 'string') {
        const type = guessType(a);
        return type ? { name: a, type } : { name: a };
      }
      return { ...(a as OmeAxis) };
    });
  }
  const names = ['t', 'c', 'z', 'y', 'x'].slice(5 - (rank ?? 5));
  return names.map((name) => ({ name, type: guessType(name) }));
}

function normaliseMultiscale(m: unknown): OmeMultiscale | undefined {
  if (!isObject(m) || !Array.isArray(m.datasets)) return undefined;
  const { version: _v, axes, datasets, ...rest } = m;
  const ds = (datasets as unknown[]).filter(isObject).map((d) => ({ ...d, path: String(d.path) }) as OmeDataset);
  const firstScale = ds[0]?.coordinateTransformations?.find((t) => t.type === 'scale')?.scale;
  const rank = Array.isArray(axes) ? axes.length : Array.isArray(firstScale) ? firstScale.length : undefined;
  return { ...(rest as Partial<OmeMultiscale>), axes: normaliseAxes(axes, rank), datasets: ds };
}

const OME_KEYS_04 = [
  'multiscales',
  'omero',
  'labels',
  'image-label',
  'plate',
  'well',
  'bioformats2raw.layout',
  'series',
];

/** Split a node's attributes into OME metadata and the rest. */
export function parseOme(attrs: Attrs): { ome?: OmeMeta; rest: Attrs } {
  let source: Attrs;
  let rest: Attrs;
  let version: string | undefined;
  if (isObject(attrs.ome)) {
    const { ome, ...others } = attrs;
    source = ome as Attrs;
    rest = others;
    version = typeof source.version === 'string' ? source.version : '0.5';
  } else {
    source = {};
    rest = {};
    for (const [k, v] of Object.entries(attrs)) {
      if (OME_KEYS_04.includes(k)) source[k] = v;
      else rest[k] = v;
    }
    if (Object.keys(source).length === 0) return { rest: attrs };
    const versioned = [
      Array.isArray(source.multiscales) ? source.multiscales[0] : undefined,
      source.plate,
      source.well,
      source['image-label'],
    ].find((o) => isObject(o) && typeof o.version === 'string') as Attrs | undefined;
    version = (versioned?.version as string | undefined) ?? '0.4';
  }
  if (!CONVERTIBLE.test(version)) return { ome: { sourceVersion: version, verbatim: source }, rest };
  const ome: OmeMeta = { sourceVersion: version };
  if (Array.isArray(source.multiscales)) {
    ome.multiscales = source.multiscales.map(normaliseMultiscale).filter((m): m is OmeMultiscale => !!m);
  }
  if (isObject(source.omero)) ome.omero = source.omero;
  if (Array.isArray(source.labels)) ome.labels = source.labels.map(String);
  if (isObject(source['image-label'])) ome.imageLabel = withoutVersion(source['image-label']);
  if (isObject(source.plate)) ome.plate = withoutVersion(source.plate);
  if (isObject(source.well)) ome.well = withoutVersion(source.well);
  if (typeof source['bioformats2raw.layout'] === 'number') ome.bioformats2rawLayout = source['bioformats2raw.layout'];
  if (Array.isArray(source.series)) ome.series = source.series.map(String);
  return { ome, rest };
}

function omeBody(ome: OmeMeta, version: string | undefined): Attrs {
  const v = version === undefined ? {} : { version };
  const out: Attrs = {};
  if (ome.multiscales) out.multiscales = ome.multiscales.map((m) => ({ ...v, ...m }));
  if (ome.omero) out.omero = ome.omero;
  if (ome.labels) out.labels = ome.labels;
  if (ome.imageLabel) out['image-label'] = { ...v, ...ome.imageLabel };
  if (ome.plate) out.plate = { ...v, ...ome.plate };
  if (ome.well) out.well = { ...v, ...ome.well };
  if (ome.bioformats2rawLayout !== undefined) out['bioformats2raw.layout'] = ome.bioformats2rawLayout;
  if (ome.series) out.series = ome.series;
  return out;
}

/** Attributes for a Zarr v2 `.zattrs`: OME 0.4 keys at the top level. */
export function renderOme04(rest: Attrs, ome: OmeMeta | undefined): Attrs {
  if (ome?.verbatim) return { ...rest, ...ome.verbatim };
  return ome ? { ...rest, ...omeBody(ome, '0.4') } : rest;
}

/** Attributes for a Zarr v3 `zarr.json`: OME 0.5 under `ome`. */
export function renderOme05(rest: Attrs, ome: OmeMeta | undefined): Attrs {
  if (ome?.verbatim) return { ...rest, ome: ome.verbatim };
  return ome ? { ...rest, ome: { version: '0.5', ...omeBody(ome, undefined) } } : rest;
}
