/**
 * BossDB's own blosc frames, not the fixture's: every cutout answered with what c-blosc's `blosc_compress`
 * writes for BossDB (blosclz, clevel 9, byte-shuffle, the bit depth as type size: test/py/bossdb_blosc.py).
 * The fixture's usual frames hold zstd in unsplit blocks, because numcodecs.js cannot write anything else with
 * those type sizes; these are split into 8 or 16 blosclz streams per block, or stored raw where c-blosc
 * chooses. Every value of a uint8, a uint16 and a uint64 channel is read back through the bridge with
 * zarr-python (/ome, /zarr/v2) and zarrita (/zarr/v3), against the fixture's voxel formula.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { type BossdbFixture, findChannel, pythonBossdbBlosc, startBossdbFixture } from './bossdb-fixture/index.js';
import { expectedLevel, type Level, NUMPY } from './support/bossdb-levels.js';
import { missing, pythonZarrPresent } from './support/env.js';
import { type PyCase, readBackWithPython } from './support/python.js';

/** uint8 EM (1100×600×20: 12 cuboids), uint16 with an offset frame, uint64 labels. */
const CHANNELS = ['zb_public/aniso/em', 'zb_public/offset_iso/img', 'zb_public/labels/seg'];
const BITS = { uint8: 8, uint16: 16, uint64: 64 } as const;

const skip = missing('Debian python3-zarr and libblosc1 (/usr/bin/python3)', pythonZarrPresent());

describe.skipIf(skip)("BossDB's own blosc frames through the bridge", () => {
  let fixture: BossdbFixture;
  let bridge: Bridge;
  let dir: string;
  const expected: Level[] = [];

  beforeAll(async () => {
    fixture = await startBossdbFixture({ bloscFrame: pythonBossdbBlosc });
    bridge = await startBridge({ port: 0, bossdb: { url: fixture.url } });
    dir = mkdtempSync(join(tmpdir(), 'zb-boss-frames-'));
    for (const channel of CHANNELS) expected.push(expectedLevel(channel, 0, dir));
  });
  afterAll(async () => {
    await bridge?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the fixture answers blosclz frames with the bit depth as type size, split into streams', async () => {
    for (const channel of CHANNELS) {
      const ref = findChannel(channel)!;
      const dtype = ref.channel.datatype as keyof typeof BITS;
      // Up to one whole cuboid at level 0 (512×512×16) from the frame's start, as the bridge asks for it.
      const { frame: f } = ref;
      const span = (start: number, stop: number, n: number) => `${start}:${Math.min(stop, start + n)}`;
      const box = `${span(f.x_start, f.x_stop, 512)}/${span(f.y_start, f.y_stop, 512)}/${span(f.z_start, f.z_stop, 16)}`;
      const r = await fetch(`${fixture.url}/v1/cutout/${channel}/0/${box}/`, {
        headers: { Accept: 'application/blosc' },
      });
      expect(r.status).toBe(200);
      const frame = new Uint8Array(await r.arrayBuffer());
      const [version, , flags, typesize] = frame;
      expect(version, channel).toBe(2);
      expect(typesize, channel).toBe(BITS[dtype]);
      expect(flags & 0xe0, `${channel}: compressor code (0 is blosclz)`).toBe(0);
      expect(flags & 0x01, `${channel}: byte-shuffle`).toBe(1);
      expect(flags & 0x02, `${channel}: compressed, not stored raw`).toBe(0);
      // c-blosc splits a block into `typesize` streams up to 16 bytes; above that it marks the block unsplit.
      expect(flags & 0x10, `${channel}: split into streams`).toBe(BITS[dtype] <= 16 ? 0 : 0x10);
    }
  });

  it('reads every value identically with zarr-python on /ome and /zarr/v2', async () => {
    const cases: PyCase[] = expected.flatMap((e) => {
      const reference = { kind: 'raw' as const, file: e.file, dtype: NUMPY[e.dtype], shape: e.shape };
      return [
        {
          id: `ome:${e.channel}`,
          url: `${bridge.url}/ome/${e.channel}`,
          path: '0',
          format: 'zarr2' as const,
          reference,
        },
        {
          id: `v2:${e.channel}`,
          url: `${bridge.url}/zarr/v2/bossdb/${e.channel}/0`,
          format: 'zarr2' as const,
          reference,
        },
      ];
    });
    const results = await readBackWithPython(cases);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBe(2 * CHANNELS.length);
  }, 180_000);

  it('reads every value identically with zarrita on /zarr/v3', async () => {
    for (const e of expected) {
      const arr = await zarr.open.v3(new zarr.FetchStore(`${bridge.url}/zarr/v3/bossdb/${e.channel}/0`), {
        kind: 'array',
      });
      expect(arr.shape, e.channel).toEqual(e.shape);
      const got = await zarr.get(arr);
      const bytes = new Uint8Array((got.data as Uint8Array).buffer);
      expect(Buffer.from(bytes).equals(readFileSync(e.file)), e.channel).toBe(true);
    }
  });
});
