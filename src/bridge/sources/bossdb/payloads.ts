/**
 * BossDB's JSON payloads (the serializer fields, research §2.4–2.9) and their
 * checked parsing: a payload missing a field the bridge relies on is a
 * 'malformed' BossdbError, not a crash later on.
 */
import { BossdbError } from './errors.js';

export type BossDatatype = 'uint8' | 'uint16' | 'uint32' | 'uint64';
export type Xyz = [number, number, number];

export interface BossCollection {
  name: string;
  public?: boolean;
  description: string;
  experiments: string[];
  creator?: string;
}

export interface BossExperiment {
  channels: string[];
  name: string;
  public?: boolean;
  description: string;
  collection: string;
  coord_frame: string;
  num_hierarchy_levels: number;
  hierarchy_method: string;
  num_time_samples: number;
  time_step: number | null;
  time_step_unit: string | null;
  creator?: string;
}

export interface BossChannel {
  name: string;
  public?: boolean;
  description: string;
  experiment: string;
  default_time_sample: number;
  type: 'image' | 'annotation';
  base_resolution: number;
  datatype: BossDatatype;
  creator?: string;
  sources: string[];
  downsample_status: string;
  related: string[];
  storage_type?: string;
  bucket?: string | null;
  cv_path?: string | null;
}

export interface BossCoordFrame {
  name: string;
  description: string;
  x_start: number;
  x_stop: number;
  y_start: number;
  y_stop: number;
  z_start: number;
  z_stop: number;
  x_voxel_size: number;
  y_voxel_size: number;
  z_voxel_size: number;
  voxel_unit: string;
}

/** GET /v1/downsample/<c>/<e>/<ch>/: per level, keyed "0".."n-1", each [x, y, z]. */
export interface BossDownsample {
  status: string;
  num_hierarchy_levels: number;
  voxel_size: Record<string, Xyz>;
  extent: Record<string, Xyz>;
  cuboid_size: Record<string, Xyz>;
}

type Kind = 'string' | 'number' | 'boolean' | 'string[]' | 'xyzMap' | 'number|null' | 'string|null';

const isXyz = (v: unknown): v is Xyz => Array.isArray(v) && v.length === 3 && v.every((n) => typeof n === 'number');

function matches(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string[]':
      return Array.isArray(v) && v.every((s) => typeof s === 'string');
    case 'xyzMap':
      return typeof v === 'object' && v !== null && Object.values(v).every(isXyz);
    case 'number|null':
      return v === null || typeof v === 'number';
    case 'string|null':
      return v === null || typeof v === 'string';
    default:
      return typeof v === kind;
  }
}

/** Check the fields the bridge relies on; the others are passed through unchecked. */
function checked<T>(v: unknown, fields: Record<string, Kind>, what: string): T {
  const bad = (detail: string) => new BossdbError({ failure: 'malformed', what, upstreamMessage: detail });
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('not a JSON object');
  const o = v as Record<string, unknown>;
  for (const [key, kind] of Object.entries(fields)) {
    if (!matches(o[key], kind)) throw bad(`field ${key} is not ${kind}`);
  }
  return v as T;
}

export const parseCollection = (v: unknown, what: string): BossCollection =>
  checked(v, { name: 'string', experiments: 'string[]' }, what);

export const parseExperiment = (v: unknown, what: string): BossExperiment =>
  checked(
    v,
    {
      name: 'string',
      channels: 'string[]',
      coord_frame: 'string',
      num_hierarchy_levels: 'number',
      num_time_samples: 'number',
    },
    what,
  );

export function parseChannel(v: unknown, what: string): BossChannel {
  const ch = checked<BossChannel>(
    v,
    { name: 'string', type: 'string', datatype: 'string', base_resolution: 'number', downsample_status: 'string' },
    what,
  );
  if (!['uint8', 'uint16', 'uint32', 'uint64'].includes(ch.datatype)) {
    throw new BossdbError({ failure: 'malformed', what, upstreamMessage: `unknown datatype ${ch.datatype}` });
  }
  return { ...ch, default_time_sample: typeof ch.default_time_sample === 'number' ? ch.default_time_sample : 0 };
}

export const parseCoordFrame = (v: unknown, what: string): BossCoordFrame =>
  checked(
    v,
    {
      name: 'string',
      x_start: 'number',
      x_stop: 'number',
      y_start: 'number',
      y_stop: 'number',
      z_start: 'number',
      z_stop: 'number',
      x_voxel_size: 'number',
      y_voxel_size: 'number',
      z_voxel_size: 'number',
      voxel_unit: 'string',
    },
    what,
  );

export const parseDownsample = (v: unknown, what: string): BossDownsample =>
  checked(
    v,
    { status: 'string', num_hierarchy_levels: 'number', voxel_size: 'xyzMap', extent: 'xyzMap', cuboid_size: 'xyzMap' },
    what,
  );

/** `{"collections": [...]}` and friends. */
export function parseList(v: unknown, key: string, what: string): string[] {
  return checked<Record<string, string[]>>(v, { [key]: 'string[]' }, what)[key]!;
}
