/**
 * A BossDB channel read through every face the way users read it: zarr-python
 * 2.13 over HTTP on bossdb-zarr's `/api` (N5) and `/ome` (OME-Zarr 0.4), and on
 * `/zarr/v2` and `/n5`; zarrita on `/zarr/v3`. Every value at every level is
 * compared with the fixture's closed-form voxel formula (never with what the
 * bridge computed), for uint8, uint16, uint64, odd extents, a non-zero
 * coordinate-frame start and a time axis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { type BossdbFixture, findChannel, startBossdbFixture, voxelFn } from './bossdb-fixture/index.js';
import { expectedLevel, type Level, NUMPY } from './support/bossdb-levels.js';
import { missing, pythonZarrPresent } from './support/env.js';
import { type PyCase, readBackWithPython } from './support/python.js';

const CHANNELS = [
  'zb_public/aniso/em',
  'zb_public/aniso/em16',
  'zb_public/labels/seg',
  'zb_public/offset_iso/img',
  'zb_public/timelapse/ch0',
];

const skip = missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent());

describe.skipIf(skip)('BossDB through /api, /ome, /zarr/v2, /zarr/v3 and /n5', () => {
  let fixture: BossdbFixture;
  let bridge: Bridge;
  let dir: string;
  const expected: Level[] = [];

  beforeAll(async () => {
    fixture = await startBossdbFixture();
    // gzip here (raw is the loopback default, covered by the fixture round trips): both encodings are read back.
    bridge = await startBridge({ port: 0, compression: 'gzip', bossdb: { url: fixture.url } });
    dir = mkdtempSync(join(tmpdir(), 'zb-boss-'));
    for (const channel of CHANNELS) {
      const ref = findChannel(channel)!;
      for (let k = 0; k < ref.experiment.num_hierarchy_levels; k++) expected.push(expectedLevel(channel, k, dir));
    }
  });
  afterAll(async () => {
    await bridge?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('declares the levels, shapes and bossdb-zarr N5 attributes', async () => {
    const top = (await (await fetch(`${bridge.url}/api/zb_public/offset_iso/img/attributes.json`)).json()) as Record<
      string,
      unknown
    >;
    expect(top.axes).toEqual(['x', 'y', 'z', 'c']);
    expect(top.scales).toEqual([
      [1, 1, 1, 1],
      [2, 2, 2, 1],
      [4, 4, 4, 1],
      [8, 8, 8, 1],
    ]);
    expect(top.pixelResolution).toEqual({ dimensions: [8, 8, 8, 1], unit: 'um' });
    const aniso = (await (await fetch(`${bridge.url}/api/zb_public/aniso/em/attributes.json`)).json()) as {
      scales: number[][];
    };
    expect(aniso.scales).toEqual([
      [1, 1, 1, 1],
      [2, 2, 1, 1],
      [4, 4, 1, 1],
    ]);
    const s1 = (await (await fetch(`${bridge.url}/api/zb_public/aniso/em/s1/attributes.json`)).json()) as Record<
      string,
      unknown
    >;
    expect(s1).toMatchObject({ dimensions: [550, 300, 20, 1], dataType: 'uint8' });
    const zattrs = (await (await fetch(`${bridge.url}/ome/zb_public/aniso/em/.zattrs`)).json()) as {
      multiscales: { version: string; datasets: { path: string }[]; axes: { name: string; unit?: string }[] }[];
    };
    expect(zattrs.multiscales[0].version).toBe('0.4');
    expect(zattrs.multiscales[0].datasets.map((d) => d.path)).toEqual(['0', '1', '2']);
    expect(zattrs.multiscales[0].axes.map((a) => a.name)).toEqual(['z', 'y', 'x']);
    expect(zattrs.multiscales[0].axes[2].unit).toBe('nanometer');
    // Not downsampled: level 0 only, whatever num_hierarchy_levels says.
    const nd = (await (await fetch(`${bridge.url}/ome/zb_public/aniso/raw_nd/.zattrs`)).json()) as typeof zattrs;
    expect(nd.multiscales[0].datasets.map((d) => d.path)).toEqual(['0']);
    expect((await fetch(`${bridge.url}/ome/zb_public/aniso/em/.zgroup`)).status).toBe(200);
    expect((await fetch(`${bridge.url}/ome/zb_public/aniso/em/1/.zattrs`)).status).toBe(200);
  });

  it('reads every value at every level identically with zarr-python on /api, /ome, /zarr/v2 and /n5', async () => {
    const cases: PyCase[] = expected.flatMap((e) => {
      const reference = { kind: 'raw' as const, file: e.file, dtype: NUMPY[e.dtype], shape: e.shape };
      const id = `${e.channel}/${e.level}`;
      return [
        {
          id: `ome:${id}`,
          url: `${bridge.url}/ome/${e.channel}`,
          path: String(e.level),
          format: 'zarr2' as const,
          reference,
        },
        {
          id: `v2:${id}`,
          url: `${bridge.url}/zarr/v2/bossdb/${e.channel}/${e.level}`,
          format: 'zarr2' as const,
          reference,
        },
        {
          id: `n5:${id}`,
          url: `${bridge.url}/n5/bossdb/${e.channel}`,
          path: `s${e.level}`,
          format: 'n5' as const,
          reference,
        },
        {
          id: `api:${id}`,
          url: `${bridge.url}/api/${e.channel}`,
          path: `s${e.level}`,
          format: 'n5' as const,
          reference: { ...reference, shape: [1, ...e.shape] },
        },
      ];
    });
    const results = await readBackWithPython(cases);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBe(cases.length);
    expect(results.length).toBeGreaterThanOrEqual(4 * 12);
  }, 180_000);

  it('reads every value at every level identically with zarrita on /zarr/v3', async () => {
    const { readFileSync } = await import('node:fs');
    for (const e of expected) {
      const arr = await zarr.open.v3(new zarr.FetchStore(`${bridge.url}/zarr/v3/bossdb/${e.channel}/${e.level}`), {
        kind: 'array',
      });
      expect(arr.shape, `${e.channel}/${e.level}`).toEqual(e.shape);
      const got = await zarr.get(arr);
      const bytes = new Uint8Array((got.data as Uint8Array).buffer);
      expect(Buffer.from(bytes).equals(readFileSync(e.file)), `${e.channel}/${e.level}`).toBe(true);
    }
  });

  it('offers Neuroglancer the bossdb-zarr URLs', async () => {
    const cat = (await (await fetch(`${bridge.url}/catalog/bossdb/zb_public/aniso/em`)).json()) as {
      kind: string;
      urls: Record<string, string>;
    };
    expect(cat.kind).toBe('image');
    expect(cat.urls.neuroglancerBossdbN5).toBe(`n5://${bridge.url}/api/zb_public/aniso/em`);
    expect(cat.urls.neuroglancerBossdbOme).toBe(`zarr://${bridge.url}/ome/zb_public/aniso/em`);
  });
});

describe.skipIf(skip)('64-bit ids on N5 over loopback (raw by default)', () => {
  it('gzips /api blocks whose raw elements would start misaligned (4-D, 8-byte), and says so', async () => {
    const fixture = await startBossdbFixture();
    const bridge = await startBridge({ port: 0, bossdb: { url: fixture.url } });
    try {
      const attrs = async (path: string) =>
        ((await (await fetch(`${bridge.url}${path}/attributes.json`)).json()) as { compression: { type: string } })
          .compression.type;
      // /api adds a channel axis: 4 dimensions, a 20-byte header. Neuroglancer views raw blocks as
      // BigUint64Array at the header's end, which must be a multiple of 8.
      expect(await attrs('/api/zb_public/labels/seg/s0')).toBe('gzip');
      expect(await attrs('/n5/bossdb/zb_public/labels/seg/s0')).toBe('raw'); // 3-D: a 16-byte header
      expect(await attrs('/api/zb_public/aniso/em16/s0')).toBe('raw'); // 2-byte elements are aligned anyway
      const block = new Uint8Array(
        await (await fetch(`${bridge.url}/api/zb_public/labels/seg/s0/0/0/0/0`)).arrayBuffer(),
      );
      const view = new DataView(block.buffer);
      expect(view.getUint16(2)).toBe(4);
      const dims = [0, 1, 2, 3].map((i) => view.getUint32(4 + 4 * i));
      const { gunzipSync } = await import('node:zlib');
      const payload = gunzipSync(block.subarray(20));
      expect(payload.length).toBe(dims.reduce((a, b) => a * b, 1) * 8);
      const voxel = voxelFn('zb_public/labels/seg');
      const t = findChannel('zb_public/labels/seg')!.channel.default_time_sample;
      const pv = new DataView(payload.buffer, payload.byteOffset);
      // N5 order: x fastest; element (x, y, z, c=0) at ((z·Y + y)·X + x).
      for (const [x, y, z] of [
        [0, 0, 0],
        [17, 3, 1],
        [dims[0] - 1, dims[1] - 1, dims[2] - 1],
      ])
        expect(pv.getBigUint64(8 * ((z * dims[1] + y) * dims[0] + x))).toBe(voxel(t, 0, x, y, z));
    } finally {
      await bridge.close();
      await fixture.close();
    }
  });
});
