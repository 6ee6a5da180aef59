/**
 * `zarr-bridge convert` output checked by independent readers: zarr-python
 * 2.13 reads 0.4 output value for value; zarrita reads 0.5 sharded output;
 * lower levels equal numpy's downsample of the level above (by the factors
 * each level's OME scale states); the metadata validates against the NGFF
 * schemas; and the bridge serves the output on every face, including the
 * Neuroglancer read pattern (HEAD, Range GET of the shard index, of a chunk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Zstd from 'numcodecs/zstd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { type ArrayRef, checkWritten, factorsFromScales, type WrittenCase } from './support/check-written.js';
import { convertHere, readJson, readWritten } from './support/convert.js';
import { FIXTURES, fixturesPresent, missing, pythonZarrPresent } from './support/env.js';
import { validateTree } from './support/ngff-schemas.js';
import { readBackWithPython } from './support/python.js';
import { dumpRaw } from './support/reference.js';

const skip =
  missing('shared fixtures', fixturesPresent()) ||
  missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent());

const IMAGE = join(FIXTURES, 'generated/image_blosc.ome.zarr');
const N5 = join(FIXTURES, 'generated/data.n5');
const PLATE = join(FIXTURES, 'generated/plate.ome.zarr');
const BF2RAW = join(FIXTURES, 'generated/bf2raw.ome.zarr');

type Datasets = {
  path: string;
  coordinateTransformations: { type: string; scale?: number[]; translation?: number[] }[];
}[];

function multiscaleOf(doc: Record<string, unknown>, version: '0.4' | '0.5') {
  const attrs = version === '0.5' ? ((doc.attributes as Record<string, unknown>).ome as Record<string, unknown>) : doc;
  return (attrs.multiscales as { axes: { name: string }[]; datasets: Datasets }[])[0];
}

describe.skipIf(skip)('convert: output read back by independent readers', () => {
  let tmp: string;
  const cases: WrittenCase[] = [];
  let dumps = 0;

  /** Refs to each written level: zarr-python reads 0.4 itself; 0.5 is dumped by zarrita. */
  async function levelsOf(
    out: string,
    image: string,
    version: '0.4' | '0.5',
  ): Promise<{ refs: ArrayRef[]; factors: number[][] }> {
    const groupDoc =
      version === '0.5' ? readJson(join(out, image, 'zarr.json')) : readJson(join(out, image, '.zattrs'));
    const ms = multiscaleOf(groupDoc, version);
    const refs: ArrayRef[] = [];
    for (const d of ms.datasets) {
      const rel = [image, d.path].filter((s) => s !== '').join('/');
      if (version === '0.4') refs.push({ kind: 'zarr2-dir', path: out, dataset: rel });
      else refs.push(dumpRaw(await readWritten(out, rel), join(tmp, `dump-${dumps++}.bin`))!);
    }
    return { refs, factors: factorsFromScales(ms.datasets) };
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-convert-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes an OME-Zarr 0.4 image with labels that zarr-python reads value for value', async () => {
    const out = join(tmp, 'image04.ome.zarr');
    const r = await convertHere([
      IMAGE,
      '-o',
      out,
      '--ome',
      '0.4',
      '--chunk',
      '32',
      '--region',
      'x=5:131,y=3:117',
      '--progress',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const image = await levelsOf(out, '', '0.4');
    const labels = await levelsOf(out, 'labels/cells', '0.4');
    expect(image.refs.length).toBeGreaterThanOrEqual(3);
    const region: [number, number][] = [
      [0, 2],
      [0, 2],
      [0, 8],
      [3, 117],
      [5, 131],
    ];
    cases.push(
      {
        id: 'image 0.4',
        source: { kind: 'zarr2-dir', path: IMAGE, dataset: '0' },
        region,
        method: 'mean',
        factors: image.factors,
        written: image.refs,
      },
      {
        id: 'labels 0.4 (mode)',
        source: { kind: 'zarr2-dir', path: IMAGE, dataset: 'labels/cells/0' },
        region: [
          [0, 2],
          [0, 1],
          [0, 8],
          [3, 117],
          [5, 131],
        ],
        method: 'mode',
        factors: labels.factors,
        written: labels.refs,
      },
    );
    const zarray = readJson(join(out, '0/.zarray'));
    expect(zarray.compressor).toEqual({ id: 'blosc', cname: 'zstd', clevel: 5, shuffle: 1, blocksize: 0 });
    expect(zarray.dimension_separator).toBe('/');
    const v = validateTree(out, '0.4');
    expect(v.errors).toEqual([]);
    expect(v.checked).toEqual(
      expect.arrayContaining(['.:strict_image', 'labels/cells:strict_image', 'labels/cells:strict_label']),
    );
  });

  it('writes a sharded OME-Zarr 0.5 image with labels that zarrita reads value for value', async () => {
    const out = join(tmp, 'image05.ome.zarr');
    const r = await convertHere([IMAGE, '-o', out, '--chunk', '32', '--shard', '2', '--progress', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = readJson(join(out, '0/zarr.json'));
    const sharding = (doc.codecs as { name: string; configuration: Record<string, unknown> }[])[0];
    expect(sharding.name).toBe('sharding_indexed');
    expect(sharding.configuration.index_location).toBe('end');
    expect(sharding.configuration.index_codecs).toEqual([
      { name: 'bytes', configuration: { endian: 'little' } },
      { name: 'crc32c' },
    ]);
    expect(doc.dimension_names).toEqual(['t', 'c', 'z', 'y', 'x']);
    const image = await levelsOf(out, '', '0.5');
    const labels = await levelsOf(out, 'labels/cells', '0.5');
    cases.push(
      {
        id: 'image 0.5',
        source: { kind: 'zarr2-dir', path: IMAGE, dataset: '0' },
        method: 'mean',
        factors: image.factors,
        written: image.refs,
      },
      {
        id: 'labels 0.5',
        source: { kind: 'zarr2-dir', path: IMAGE, dataset: 'labels/cells/0' },
        method: 'mode',
        factors: labels.factors,
        written: labels.refs,
      },
    );
    // The label colours and the omero channels came along.
    const labelOme = (readJson(join(out, 'labels/cells/zarr.json')).attributes as { ome: Record<string, unknown> }).ome;
    expect(labelOme['image-label']).toBeDefined();
    const omero = (
      readJson(join(out, 'zarr.json')).attributes as {
        ome: { omero: { channels: { label: string; color: string }[] } };
      }
    ).ome.omero;
    expect(omero.channels.map((c) => [c.label, c.color])).toEqual([
      ['ch0-red', 'FF0000'],
      ['ch1-green', '00FF00'],
    ]);
    const v = validateTree(out, '0.5');
    expect(v.errors).toEqual([]);
    expect(v.checked).toEqual(expect.arrayContaining(['.:strict_image', 'labels/cells:strict_label', '.:ome_zarr']));
  });

  it('converts N5 with an overridden anisotropic voxel size: z is kept until x and y catch up', async () => {
    const out = join(tmp, 'n5.ome.zarr');
    const r = await convertHere([
      N5,
      '-o',
      out,
      '--voxel-size',
      '40,4,4',
      '--unit',
      'nanometer',
      '--chunk',
      '16',
      '--levels',
      '6',
      '--downsample',
      'max',
      '--compression',
      'blosc',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const ms = multiscaleOf(readJson(join(out, 'zarr.json')), '0.5');
    const scales = ms.datasets.map((d) => d.coordinateTransformations[0].scale);
    // 16×100×120 at 40,4,4 nm: x,y halve until 32 nm; then z (40 < 2×32) halves too.
    expect(scales).toEqual([
      [40, 4, 4],
      [40, 8, 8],
      [40, 16, 16],
      [40, 32, 32],
      [80, 64, 64],
      [160, 128, 128],
    ]);
    const shapes = ms.datasets.map((d) => readJson(join(out, d.path, 'zarr.json')).shape as number[]);
    // Odd extents round up: 25 → 13 → 7 → 4.
    expect(shapes).toEqual([
      [16, 100, 120],
      [16, 50, 60],
      [16, 25, 30],
      [16, 13, 15],
      [8, 7, 8],
      [4, 4, 4],
    ]);
    const levels = await levelsOf(out, '', '0.5');
    cases.push({
      id: 'n5 max',
      source: { kind: 'n5-dir', path: N5, dataset: 's0' },
      method: 'max',
      factors: levels.factors,
      written: levels.refs,
    });
    expect(validateTree(out, '0.5').errors).toEqual([]);
  });

  it('keeps a plate with its wells and fields', async () => {
    const out = join(tmp, 'plate.ome.zarr');
    const r = await convertHere([PLATE, '-o', out, '--downsample', 'nearest']);
    expect(r.code, r.stderr).toBe(0);
    const plate = (readJson(join(out, 'zarr.json')).attributes as { ome: { plate: { wells: { path: string }[] } } }).ome
      .plate;
    expect(plate.wells.map((w) => w.path)).toEqual(['A/1', 'B/2']);
    for (const well of ['A/1', 'B/2']) {
      const wellOme = (
        readJson(join(out, well, 'zarr.json')).attributes as { ome: { well: { images: { path: string }[] } } }
      ).ome.well;
      expect(wellOme.images.map((i) => i.path)).toEqual(['0', '1']);
      for (const field of ['0', '1']) {
        const levels = await levelsOf(out, `${well}/${field}`, '0.5');
        cases.push({
          id: `plate ${well}/${field}`,
          source: { kind: 'zarr2-dir', path: PLATE, dataset: `${well}/${field}/0` },
          method: 'nearest',
          factors: levels.factors,
          written: levels.refs,
        });
      }
    }
    const v = validateTree(out, '0.5');
    expect(v.errors).toEqual([]);
    expect(v.checked).toEqual(expect.arrayContaining(['.:strict_plate', 'A/1:strict_well', 'B/2/1:strict_image']));
  });

  it('keeps the bioformats2raw layout with its series (0.4, gzip)', async () => {
    const out = join(tmp, 'bf2raw.ome.zarr');
    const r = await convertHere([BF2RAW, '-o', out, '--ome', '0.4', '--compression', 'gzip']);
    expect(r.code, r.stderr).toBe(0);
    expect(readJson(join(out, '.zattrs'))['bioformats2raw.layout']).toBe(3);
    expect(readJson(join(out, 'OME/.zattrs')).series).toEqual(['0', '1']);
    for (const s of ['0', '1']) {
      const levels = await levelsOf(out, s, '0.4');
      cases.push({
        id: `series ${s}`,
        source: { kind: 'zarr2-dir', path: BF2RAW, dataset: `${s}/0` },
        method: 'mean',
        factors: levels.factors,
        written: levels.refs,
      });
    }
    const v = validateTree(out, '0.4');
    expect(v.errors).toEqual([]);
    expect(v.checked).toContain('.:bf2raw');
  });

  it('every level equals the input (level 0) or numpy’s downsample of the level above', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
    const results = await checkWritten(cases);
    const bad = results.filter((r) => !r.ok).map((r) => `${r.id} level ${r.level}: ${r.detail}`);
    expect(bad).toEqual([]);
    // Each case checked level 0 and at least one lower level.
    for (const c of cases) expect(results.filter((r) => r.id === c.id).length).toBe(c.written.length);
    expect(results.filter((r) => r.level > 0).length).toBeGreaterThanOrEqual(cases.length);
  });

  describe('served by the bridge', () => {
    let bridge: Bridge;
    let base: string;
    beforeAll(async () => {
      bridge = await startBridge({ port: 0, open: [join(tmp, 'image05.ome.zarr')] });
      base = `${bridge.url}/zarr/v3/local/image05.ome.zarr`;
    });
    afterAll(async () => bridge?.close());

    it('answers the Neuroglancer read pattern: HEAD, Range GET of the shard index, Range GET of an inner chunk', async () => {
      const shardUrl = `${base}/0/c/0/1/0/0/0`;
      const head = await fetch(shardUrl, { method: 'HEAD' });
      expect(head.status).toBe(200);
      const size = Number(head.headers.get('content-length'));
      // Shard 32×… with chunks 1×1×8×32×32 over a shard of 1×1×8×64×64: 4 inner chunks.
      const n = 4;
      const indexRes = await fetch(shardUrl, { headers: { Range: `bytes=${size - (16 * n + 4)}-${size - 1}` } });
      expect(indexRes.status).toBe(206);
      const index = new DataView(await indexRes.arrayBuffer());
      const offset = Number(index.getBigUint64(0, true));
      const nbytes = Number(index.getBigUint64(8, true));
      const chunkRes = await fetch(shardUrl, { headers: { Range: `bytes=${offset}-${offset + nbytes - 1}` } });
      expect(chunkRes.status).toBe(206);
      const decoded = await Zstd.fromConfig({ id: 'zstd', level: 3 }).decode(
        new Uint8Array(await chunkRes.arrayBuffer()),
      );
      const values = new Uint16Array(decoded.buffer, decoded.byteOffset, decoded.byteLength / 2);
      // Inner chunk (0,1,0,0,0): t=0, c=1, z 0..7, y 0..31, x 0..31 of level 0 = the fixture's formula.
      for (const [z, y, x] of [
        [0, 0, 0],
        [3, 17, 29],
        [7, 31, 31],
      ]) {
        expect(values[z * 32 * 32 + y * 32 + x]).toBe((1 * 10000 + z * 1000 + y * 7 + x) % 65536);
      }
    });

    it('is read by zarr-python on the v2 face and on N5, value for value', async () => {
      const level0 = await readWritten(join(tmp, 'image05.ome.zarr'), '0');
      const labels1 = await readWritten(join(tmp, 'image05.ome.zarr'), 'labels/cells/1');
      const ref0 = dumpRaw(level0, join(tmp, 'served-0.bin'))!;
      const refL = dumpRaw(labels1, join(tmp, 'served-l1.bin'))!;
      const results = await readBackWithPython([
        { id: 'v2 level 0', url: `${bridge.url}/zarr/v2/local/image05.ome.zarr/0`, format: 'zarr2', reference: ref0 },
        { id: 'n5 level 0', url: `${bridge.url}/n5/local/image05.ome.zarr`, path: 's0', format: 'n5', reference: ref0 },
        {
          id: 'v2 labels 1',
          url: `${bridge.url}/zarr/v2/local/image05.ome.zarr/labels/cells/1`,
          format: 'zarr2',
          reference: refL,
        },
      ]);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results).toHaveLength(3);
    });

    it('lists it in the catalog as an image with every level', async () => {
      const res = await fetch(`${bridge.url}/catalog/local/image05.ome.zarr`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { kind: string; levels?: unknown[] };
      expect(JSON.stringify(body)).toContain('multiscale');
    });
  });
});
