/**
 * The fixture's cutout route, validated in BossDB's order (BossRequest, then
 * the view): names → permission → time → resolution → ranges against the
 * BASE coordinate frame whatever the resolution → 520 MiB limit → encoding by
 * `Accept`.
 */

import { encodeBossdbBlosc } from './blosc-bossdb.js';
import { findFrame } from './dataset.js';
import { BYTES, cutoutBytes, encodeNpygz, type Range } from './encode.js';
import { bossError, CODE, json, type Reply } from './reply.js';
import { type Principal, resolveDataRequest } from './resources.js';

const RANGE = '(\\d+:\\d+)';
/** Resolution is a single digit in BossDB's urlconf; ranges are non-negative. */
export const CUTOUT_ROUTE = new RegExp(
  `^/cutout/([\\w-]+)/([\\w-]+)/([\\w-]+)/(\\d)/${RANGE}/${RANGE}/${RANGE}(?:/${RANGE})?/?$`,
);

/** CUTOUT_MAX_SIZE in BossDB's settings. */
export const CUTOUT_MAX_BYTES = 520 * 1024 * 1024;

const parseRange = (s: string): Range => s.split(':').map(Number) as Range;

type Encoding = 'blosc' | 'npygz';

/** DRF content negotiation over BossDB's renderers; blosc is first, so it is the default. */
function negotiate(accept: string | undefined): Encoding | undefined {
  if (!accept) return 'blosc';
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  for (const t of types) {
    if (t === 'application/blosc' || t === '*/*' || t === 'application/*') return 'blosc';
    if (t === 'application/npygz') return 'npygz';
  }
  return undefined;
}

/** Writes a cutout's blosc frame: its voxels and their bit depth (BossDB's type size). */
export type BloscFrameWriter = (raw: Uint8Array, bitDepth: number) => Promise<Uint8Array>;

export async function cutoutRoute(
  m: string[],
  accept: string | undefined,
  who: Principal,
  bloscFrame: BloscFrameWriter = encodeBossdbBlosc,
): Promise<Reply> {
  const [c, e, ch, resStr, xs, ys, zs, ts] = m as [string, string, string, string, string, string, string, string?];
  const r = resolveDataRequest(c, e, ch, who);
  if ('status' in r) return r;
  const { experiment, channel } = r;
  const frame = findFrame(experiment.coord_frame)!;
  const nt = experiment.num_time_samples;

  let t: Range = [channel.default_time_sample, channel.default_time_sample + 1];
  if (ts !== undefined) {
    t = parseRange(ts);
    if (t[0] > nt) {
      return bossError(
        400,
        CODE.INVALID_URL,
        `Invalid time range ${ts}. Start time is greater than the maximum time sample ${nt}`,
      );
    }
    if (t[0] > t[1] || t[1] > nt + 1) {
      return bossError(
        400,
        CODE.INVALID_URL,
        `Invalid time range ${ts}. End time is greater than the start time or out of bounds with maximum time sample ${nt}`,
      );
    }
    // BossDB would answer an empty array here; the fixture refuses instead (nothing reads that).
    if (t[0] === t[1])
      return bossError(400, CODE.INVALID_CUTOUT_ARGS, `Incorrect cutout arguments ${resStr}/${xs}/${ys}/${zs}`);
  }

  const res = Number(resStr);
  const base = channel.base_resolution;
  if (res < base || res >= base + experiment.num_hierarchy_levels) {
    return bossError(
      400,
      CODE.TYPE_ERROR,
      `Invalid resolution ${resStr}. The resolution has to be within ${base} and ${base + experiment.num_hierarchy_levels}`,
    );
  }

  const [x, y, z] = [parseRange(xs), parseRange(ys), parseRange(zs)];
  // "Reading from coordinate frame right now, This is WRONG" (BossDB): bounds are the base frame's at every level.
  const bad =
    x[0] >= x[1] ||
    y[0] >= y[1] ||
    z[0] >= z[1] ||
    x[0] < frame.x_start ||
    x[1] > frame.x_stop ||
    y[0] < frame.y_start ||
    y[1] > frame.y_stop ||
    z[0] < frame.z_start ||
    z[1] > frame.z_stop;
  if (bad) return bossError(400, CODE.INVALID_CUTOUT_ARGS, `Incorrect cutout arguments ${resStr}/${xs}/${ys}/${zs}`);

  const voxels = (x[1] - x[0]) * (y[1] - y[0]) * (z[1] - z[0]) * (t[1] - t[0]);
  const size = BYTES[channel.datatype]!;
  // BossDB divides the uint64 byte count by 4 before comparing (annotation allowance).
  const counted = size === 8 ? (voxels * size) / 4 : voxels * size;
  if (counted > CUTOUT_MAX_BYTES) {
    return bossError(
      413,
      CODE.REQUEST_TOO_LARGE,
      'Cutout request is over 500MB when uncompressed. Reduce cutout dimensions.',
    );
  }

  const encoding = negotiate(accept);
  if (!encoding) return json(406, { detail: 'Could not satisfy the request Accept header.' });

  const raw = cutoutBytes(`${c}/${e}/${ch}`, res, t, x, y, z);
  // A time range in the URL gives a 4-D (t,z,y,x) answer; without one the time axis is squeezed.
  const shape = [z[1] - z[0], y[1] - y[0], x[1] - x[0]];
  if (ts !== undefined) shape.unshift(t[1] - t[0]);
  const body = encoding === 'blosc' ? await bloscFrame(raw, size * 8) : encodeNpygz(raw, channel.datatype, shape);
  return {
    status: 200,
    contentType: encoding === 'blosc' ? 'application/blosc' : 'application/npygz',
    body,
    cutoutVoxels: voxels,
  };
}
