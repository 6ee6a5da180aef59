/**
 * `zarr-bridge convert bossdb://…` against the BossDB fixture server: a
 * region of an anisotropic uint16 channel (4×4×40 nm) becomes a sharded
 * OME-Zarr 0.5 image whose level 0 is the fixture's voxel formula at the
 * region's absolute coordinates and whose lower levels are numpy's mean of
 * the level above; a uint64 annotation channel keeps its labels (mode).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BossdbFixture, startBossdbFixture, voxelFn } from './bossdb-fixture/index.js';
import { checkWritten, factorsFromScales } from './support/check-written.js';
import { convertHere, readJson, readWritten } from './support/convert.js';
import { missing, pythonZarrPresent } from './support/env.js';
import { dumpRaw } from './support/reference.js';

const skip = missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent());

type Datasets = { coordinateTransformations: { type: string; scale?: number[]; translation?: number[] }[] }[];

describe.skipIf(skip)('convert a BossDB region', () => {
  let fx: BossdbFixture;
  let tmp: string;
  beforeAll(async () => {
    fx = await startBossdbFixture();
    tmp = mkdtempSync(join(tmpdir(), 'zb-convert-bossdb-'));
  });
  afterAll(async () => {
    await fx?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function convertRegion(
    channel: string,
    region: { x: [number, number]; y: [number, number]; z: [number, number] },
    dtype: 'uint16' | 'uint64',
  ) {
    const out = join(tmp, `${channel.replaceAll('/', '_')}.ome.zarr`);
    const r = await convertHere([
      `bossdb://${channel}`,
      '-o',
      out,
      '--bossdb-url',
      fx.url,
      '--region',
      `x=${region.x.join(':')},y=${region.y.join(':')},z=${region.z.join(':')}`,
      '--chunk',
      '32',
      '--shard',
      '4',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const ms = (readJson(join(out, 'zarr.json')).attributes as { ome: { multiscales: { datasets: Datasets }[] } }).ome
      .multiscales[0];
    const expected = voxelFn(channel);
    const [nz, ny, nx] = [region.z[1] - region.z[0], region.y[1] - region.y[0], region.x[1] - region.x[0]];
    const level0 = dtype === 'uint16' ? new Uint16Array(nz * ny * nx) : new BigUint64Array(nz * ny * nx);
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          (level0 as unknown as (number | bigint)[])[(z * ny + y) * nx + x] = expected(
            0,
            0,
            region.x[0] + x,
            region.y[0] + y,
            region.z[0] + z,
          );
        }
    const expectedFile = join(tmp, `${dtype}-expected.bin`);
    writeFileSync(expectedFile, new Uint8Array(level0.buffer));
    const written = [];
    for (let k = 0; k < ms.datasets.length; k++)
      written.push(dumpRaw(await readWritten(out, String(k)), join(tmp, `${dtype}-${k}.bin`))!);
    return { out, ms, expectedFile, written, shape: [nz, ny, nx] };
  }

  it('writes the region of an anisotropic uint16 channel at its absolute place, with a mean pyramid', async () => {
    const { ms, expectedFile, written, shape } = await convertRegion(
      'zb_public/aniso/em16',
      { x: [100, 611], y: [37, 290], z: [2, 19] },
      'uint16',
    );
    const t0 = ms.datasets[0].coordinateTransformations;
    expect(t0.find((t) => t.type === 'scale')?.scale).toEqual([40, 4, 4]);
    expect(t0.find((t) => t.type === 'translation')?.translation).toEqual([80, 148, 400]);
    const factors = factorsFromScales(ms.datasets as never);
    expect(factors[0]).toEqual([1, 2, 2]);
    const results = await checkWritten([
      {
        id: 'em16',
        source: { kind: 'raw', file: expectedFile, dtype: '<u2', shape },
        method: 'mean',
        factors,
        written,
      },
    ]);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps uint64 ids of an annotation channel: mode by default', async () => {
    const { expectedFile, written, shape, ms } = await convertRegion(
      'zb_public/labels/seg',
      { x: [3, 300], y: [0, 257], z: [0, 18] },
      'uint64',
    );
    const factors = factorsFromScales(ms.datasets as never);
    const results = await checkWritten([
      { id: 'seg', source: { kind: 'raw', file: expectedFile, dtype: '<u8', shape }, method: 'mode', factors, written },
    ]);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(2);
  });
});
