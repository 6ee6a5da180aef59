/**
 * The plain BossDB client against the fixture: lists, resources, cutouts in
 * both encodings and three datatypes, typed errors, and the token kept out
 * of URLs and messages.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isBridgeError } from '../src/bridge/errors.js';
import { decodeBlosc } from '../src/bridge/sources/bossdb/blosc-frame.js';
import { BossdbClient, BossdbError, type CutoutRequest } from '../src/bridge/sources/bossdb/index.js';
import { type BossdbFixture, expectedVoxel, FIXTURE_TOKEN, startBossdbFixture } from './bossdb-fixture/index.js';

let fx: BossdbFixture;
let anon: BossdbClient;
let authed: BossdbClient;
beforeAll(async () => {
  fx = await startBossdbFixture();
  anon = new BossdbClient({ url: `${fx.url}/v1/`, timeoutMs: 120_000 });
  authed = new BossdbClient({ url: fx.url, token: FIXTURE_TOKEN, timeoutMs: 120_000 });
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.resetFaults();
  fx.resetCounters();
});

/** The error a promise rejects with (fails the test if it resolves). */
async function failure(p: Promise<unknown>): Promise<BossdbError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BossdbError);
    return e as BossdbError;
  }
  throw new Error('expected a rejection');
}

const req = (
  path: string,
  res: number,
  x: [number, number],
  y: [number, number],
  z: [number, number],
  datatype: CutoutRequest['datatype'],
  t?: [number, number],
): CutoutRequest => {
  const [collection, experiment, channel] = path.split('/') as [string, string, string];
  return { collection, experiment, channel, resolution: res, x, y, z, t, datatype };
};

function compare(path: string, r: CutoutRequest, shape: number[], bytes: Uint8Array, tDefault = 0): void {
  const size = { uint8: 1, uint16: 2, uint32: 4, uint64: 8 }[r.datatype];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ts = r.t ?? [tDefault, tDefault + 1];
  expect(shape).toEqual([...(r.t ? [ts[1] - ts[0]] : []), r.z[1] - r.z[0], r.y[1] - r.y[0], r.x[1] - r.x[0]]);
  let i = 0;
  let bad = 0;
  for (let t = ts[0]; t < ts[1]; t++)
    for (let z = r.z[0]; z < r.z[1]; z++)
      for (let y = r.y[0]; y < r.y[1]; y++)
        for (let x = r.x[0]; x < r.x[1]; x++, i++) {
          const got = size === 1 ? bytes[i] : size === 2 ? view.getUint16(2 * i, true) : view.getBigUint64(8 * i, true);
          if (got !== expectedVoxel(path, t, r.resolution, x, y, z)) bad++;
        }
  expect(bad).toBe(0);
  expect(i * size).toBe(bytes.length);
}

describe('metadata', () => {
  it('lists collections, experiments, channels and frames (only readable ones without a token)', async () => {
    expect(await anon.listCollections()).toEqual(['zb_public']);
    expect(await authed.listCollections()).toEqual(['zb_public', 'zb_private']);
    expect(await anon.listExperiments('zb_public')).toContain('timelapse');
    expect(await anon.listChannels('zb_public', 'aniso')).toEqual(['em', 'em16', 'raw_nd']);
    expect(await authed.listChannels('zb_public', 'aniso')).toEqual(['em', 'em16', 'raw_nd', 'hidden']);
    expect(await anon.listCoordFrames()).toContain('frame_big');
  });

  it('reads resources, coordinate frames and /downsample', async () => {
    expect(await anon.getCollection('zb_public')).toMatchObject({ name: 'zb_public', public: true });
    expect(await anon.getExperiment('zb_public', 'timelapse')).toMatchObject({
      coord_frame: 'frame_time',
      num_time_samples: 3,
      time_step_unit: 'seconds',
    });
    expect(await anon.getChannel('zb_public', 'labels', 'seg')).toMatchObject({
      type: 'annotation',
      datatype: 'uint64',
    });
    expect(await anon.getCoordFrame('frame_offset')).toMatchObject({ x_start: 100, voxel_unit: 'micrometers' });
    const ds = await anon.getDownsample('zb_public', 'offset_iso', 'img');
    expect(ds.extent['3']).toEqual([77, 37, 6]);
    expect(ds.voxel_size['1']).toEqual([16, 16, 16]);
  });

  it('sends Authorization only when a token is configured, and never puts the token in a URL', async () => {
    await anon.listCollections();
    await authed.listCollections();
    await authed.cutout(req('zb_public/aniso/em', 0, [0, 4], [0, 4], [0, 1], 'uint8'));
    expect(fx.log.map((l) => l.authorization)).toEqual([undefined, `Token ${FIXTURE_TOKEN}`, `Token ${FIXTURE_TOKEN}`]);
    expect(fx.log.some((l) => l.url.includes(FIXTURE_TOKEN))).toBe(false);
    expect(fx.log[2]!.accept).toBe('application/blosc');
  });
});

describe('cutouts', () => {
  it.each([
    ['zb_public/aniso/em', 'uint8', 0],
    ['zb_public/aniso/em16', 'uint16', 1],
    ['zb_public/labels/seg', 'uint64', 0],
    ['zb_public/labels/seg', 'uint64', 1],
  ] as const)('%s (%s) level %i decodes blosc with typesize = bit depth', async (path, dtype, res) => {
    const r = req(path, res, [250, 270], [1, 21], [15, 17], dtype);
    const cut = await anon.cutout(r);
    compare(path, r, cut.shape, cut.bytes);
  });

  it.each(['blosc', 'npygz'] as const)('reads a 4-D (t,z,y,x) cutout as %s', async (encoding) => {
    const r = req('zb_public/timelapse/ch0', 0, [3, 77], [0, 61], [2, 9], 'uint8', [0, 3]);
    const cut = await anon.cutout(r, { encoding });
    compare('zb_public/timelapse/ch0', r, cut.shape, cut.bytes);
  });

  it('reads npygz uint16 and uint64 as little-endian bytes', async () => {
    for (const [path, dtype] of [
      ['zb_public/offset_iso/img', 'uint16'],
      ['zb_public/labels/seg', 'uint64'],
    ] as const) {
      const r = req(path, 0, [100, 140], [40, 50], [5, 7], dtype);
      const cut = await anon.cutout(r, { encoding: 'npygz' });
      compare(path, r, cut.shape, cut.bytes);
    }
  });

  it('omits the time range for 3-D requests, so BossDB uses the default time sample', async () => {
    const r = req('zb_public/timelapse/ch0', 1, [0, 39], [0, 31], [0, 9], 'uint8');
    const cut = await anon.cutout(r);
    compare('zb_public/timelapse/ch0', r, cut.shape, cut.bytes, 1);
    expect(fx.log.at(-1)!.url).toBe('/v1/cutout/zb_public/timelapse/ch0/1/0:39/0:31/0:9/');
  });

  it('decodes a blosc frame whatever typesize its header claims', async () => {
    // A stored-raw c-blosc1 frame, as python-blosc writes for uint64 with typesize=64 (bits).
    const voxels = new Uint8Array(64).map((_, i) => i * 3);
    for (const typesize of [8, 16, 64]) {
      const frame = new Uint8Array(16 + voxels.length);
      frame.set([2, 1, 0x02, typesize]);
      const h = new DataView(frame.buffer);
      h.setUint32(4, voxels.length, true);
      h.setUint32(8, voxels.length, true);
      h.setUint32(12, frame.length, true);
      frame.set(voxels, 16);
      expect(await decodeBlosc(frame)).toEqual(voxels);
    }
  });
});

describe('errors', () => {
  it('types BossDB error JSON by status and code', async () => {
    const nf = await failure(anon.getChannel('zb_public', 'aniso', 'nope'));
    expect([nf.tag, nf.status, nf.code, nf.retryable]).toEqual(['NotFound', 404, 4000, false]);
    expect(nf.upstreamMessage).toBe('nope does not exist.');

    const cutNf = await failure(anon.cutout(req('zb_public/aniso/nope', 0, [0, 4], [0, 4], [0, 1], 'uint8')));
    expect([cutNf.tag, cutNf.code, cutNf.upstreamMessage]).toEqual(['NotFound', 4000, 'Channel nope not found']);

    const range = await failure(anon.cutout(req('zb_public/offset_iso/img', 1, [0, 4], [40, 44], [5, 6], 'uint16')));
    expect([range.tag, range.status, range.code]).toEqual(['BadRequest', 400, 1001]);

    const res = await failure(anon.cutout(req('zb_public/aniso/em', 7, [0, 4], [0, 4], [0, 1], 'uint8')));
    expect([res.tag, res.code]).toEqual(['BadRequest', 1002]);

    const big = await failure(anon.cutout(req('zb_public/big/em', 0, [0, 22000], [0, 26000], [0, 2], 'uint8')));
    expect([big.tag, big.status, big.code]).toEqual(['BadRequest', 413, 2000]);

    const priv = await failure(anon.cutout(req('zb_private/secret/data', 0, [0, 4], [0, 4], [0, 1], 'uint8')));
    expect([priv.tag, priv.status, priv.code, priv.retryable]).toEqual(['Upstream', 403, 3001, false]);
  });

  it('reports a rejected token as Upstream 401 without the token in the message', async () => {
    const secret = 'not-a-valid-token-9c2e';
    const bad = new BossdbClient({ url: fx.url, token: secret, timeoutMs: 120_000 });
    const e = await failure(bad.listCollections());
    expect([e.tag, e.status, e.upstreamMessage, e.retryable]).toEqual(['Upstream', 401, 'Invalid token.', false]);
    expect(`${e.message} ${e.stack} ${JSON.stringify(e)}`).not.toContain(secret);
  });

  it('classifies 5xx, resets, truncation, drops and stalls as retryable', async () => {
    const r = req('zb_public/aniso/em', 0, [0, 300], [0, 300], [0, 4], 'uint8');
    fx.settings.failNext = 1;
    const e500 = await failure(authed.cutout(r));
    expect([e500.tag, e500.failure, e500.status, e500.code, e500.retryable]).toEqual([
      'Upstream',
      'http',
      500,
      9002,
      true,
    ]);

    fx.settings.failNext = 1;
    fx.settings.failStatus = 502;
    const e502 = await failure(authed.cutout(r));
    expect([e502.tag, e502.status, e502.retryable]).toEqual(['Upstream', 502, true]);
    expect(e502.upstreamMessage).toContain('502');

    for (const mode of ['reset', 'clean'] as const) {
      fx.settings.truncateNext = 1;
      fx.settings.truncateMode = mode;
      const t = await failure(authed.cutout(r));
      expect([t.tag, t.failure, t.retryable], mode).toEqual(['Upstream', 'truncated', true]);
    }
    for (const encoding of ['npygz'] as const) {
      fx.settings.truncateNext = 1;
      fx.settings.truncateMode = 'clean';
      const t = await failure(authed.cutout(r, { encoding }));
      expect([t.tag, t.failure, t.retryable]).toEqual(['Upstream', 'truncated', true]);
    }

    fx.settings.dropNext = 1;
    const drop = await failure(authed.cutout(r));
    expect([drop.tag, drop.failure, drop.retryable]).toEqual(['Upstream', 'network', true]);

    fx.settings.stallNext = 1;
    const fast = new BossdbClient({ url: fx.url, token: FIXTURE_TOKEN, timeoutMs: 300 });
    const stall = await failure(fast.cutout(r));
    expect([stall.tag, stall.failure, stall.retryable]).toEqual(['UpstreamTimeout', 'timeout', true]);

    for (const e of [e500, e502, drop, stall]) expect(`${e.message} ${JSON.stringify(e)}`).not.toContain(FIXTURE_TOKEN);
  });

  it('does not forward the token across a cross-origin redirect', async () => {
    const hop = createServer((_req, res) => {
      res.writeHead(302, { Location: `${fx.url}/v1/collection/` });
      res.end();
    });
    await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
    try {
      const via = new BossdbClient({
        url: `http://127.0.0.1:${(hop.address() as AddressInfo).port}`,
        token: FIXTURE_TOKEN,
      });
      expect(await via.listCollections()).toEqual(['zb_public']); // anonymous at the far end
      expect(fx.log.at(-1)!.authorization).toBeUndefined();
    } finally {
      hop.close();
    }
  });

  it('reports a refused connection as a retryable network failure', async () => {
    const closed = new BossdbClient({ url: 'http://127.0.0.1:9', timeoutMs: 120_000 });
    const e = await failure(closed.listCollections());
    expect([e.tag, e.failure]).toEqual(['Upstream', 'network']);
  });

  it('honours the caller AbortSignal, before and during a request', async () => {
    const r = req('zb_public/aniso/em', 0, [0, 8], [0, 8], [0, 1], 'uint8');
    const pre = AbortSignal.abort();
    await expect(anon.cutout(r, { signal: pre })).rejects.toSatisfy((e: unknown) => isBridgeError(e, 'Aborted'));
    fx.settings.latencyMs = 500;
    const ac = new AbortController();
    const p = anon.cutout(r, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toSatisfy((e: unknown) => isBridgeError(e, 'Aborted'));
  });
});
