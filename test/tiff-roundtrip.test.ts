/**
 * TIFF, OME-TIFF and image stacks written by tifffile and PIL/libtiff, opened
 * as a user would (`--open`), and read back through every face by other
 * implementations: zarr-python 2.13 on /zarr/v2 and /n5, zarrita.js on
 * /zarr/v3. Each value is compared with what tifffile (or PIL, for codecs
 * tifffile cannot decode here) reads from the file itself.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { isBridgeError } from '../src/bridge/errors.js';
import { FIXTURES, fixturesPresent, missing, pythonZarrPresent } from './support/env.js';
import { urlPath } from './support/fixture-bridge.js';
import { type PyCase, type PyResult, readBackWithPython } from './support/python.js';
import { dumpRaw, inCOrder } from './support/reference.js';
import { pythonTiffPresent, sharedTiffFixtures, type TiffFixtures } from './support/tiff-fixtures.js';

const skip =
  missing('Debian python3-tifffile, python3-pil and python3-zarr (/usr/bin/python3)', pythonTiffPresent()) ||
  missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent());

const SHARED_OME_TIFF = join(FIXTURES, 'generated/image_level0.ome.tif');

describe.skipIf(skip)('TIFF sources read back by zarr-python and zarrita', () => {
  let tmp: string;
  let fx: TiffFixtures;
  let bridge: Bridge;
  const mounts = new Map<string, string>();
  const cases: PyCase[] = [];
  let results = new Map<string, PyResult>();

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-tiff-'));
    fx = await sharedTiffFixtures();
    bridge = await startBridge({ port: 0 });
    for (const s of fx.sources) mounts.set(s.id, (await bridge.mountFolder(s.open)).path);
    let n = 0;
    for (const s of fx.sources) {
      for (const a of s.arrays) {
        const reference = { kind: 'raw' as const, file: a.file, dtype: a.dtype, shape: a.shape };
        const tolerance = s.tolerance;
        const path = `${mounts.get(s.id)}/${a.path}`;
        const parent = path.slice(0, path.lastIndexOf('/'));
        const level = path.slice(path.lastIndexOf('/') + 1);
        const id = `${s.id}/${a.path}`;
        cases.push({
          id: `v2:${id}`,
          url: `${bridge.url}/zarr/v2/${urlPath(path)}`,
          format: 'zarr2',
          reference,
          tolerance,
        });
        // N5 has no float16.
        if (s.dtype !== 'float16') {
          cases.push({
            id: `n5:${id}`,
            url: `${bridge.url}/n5/${urlPath(parent)}`,
            path: `s${level}`,
            format: 'n5',
            reference,
            tolerance,
          });
        }
        // zarrita reads /zarr/v3 here; Python compares its dump with the same reference.
        const arr = await zarr.open.v3(new zarr.FetchStore(`${bridge.url}/zarr/v3/${urlPath(path)}`), {
          kind: 'array',
        });
        const out = await zarr.get(arr);
        const served = dumpRaw(
          { shape: out.shape, dtype: arr.dtype, data: inCOrder(out.data as never, out.shape, out.stride) },
          join(tmp, `v3-${n++}.bin`),
        );
        if (!served) throw new Error(`no dump of ${id} (${arr.dtype})`);
        cases.push({ id: `v3:${id}`, url: '', format: 'zarr2', servedRaw: served, reference, tolerance });
      }
    }
    if (fixturesPresent()) {
      // The shared OME-TIFF is a copy of image_gzip.ome.zarr's level 0, which zarr-python reads from disk.
      const path = `${(await bridge.mountFolder(SHARED_OME_TIFF)).path}/0`;
      const reference = {
        kind: 'zarr2-dir' as const,
        path: join(FIXTURES, 'generated/image_gzip.ome.zarr'),
        dataset: '0',
      };
      cases.push({
        id: 'v2:shared-ome-tiff',
        url: `${bridge.url}/zarr/v2/${urlPath(path)}`,
        format: 'zarr2',
        reference,
      });
      cases.push({
        id: 'n5:shared-ome-tiff',
        url: `${bridge.url}/n5/${urlPath(path.slice(0, -2))}`,
        path: 's0',
        format: 'n5',
        reference,
      });
    } else missing('shared fixtures', false);
    results = new Map((await readBackWithPython(cases)).map((r) => [r.id, r]));
  }, 600_000);

  afterAll(async () => {
    await bridge?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('covers the layouts, codecs and types the issue names', () => {
    const ids = fx.sources.map((s) => s.id).join(' ');
    for (const needle of [
      'tiled',
      'strips',
      'bigtiff',
      'big-endian',
      'predictor',
      'ome-pyramid',
      'ome-multi-series',
      'rgb-chunky',
      'rgb-planar',
      'lzw',
      'packbits',
      'jpeg',
      'zstd',
      'adobe-deflate',
      'stack-tif',
      'stack-png',
      'stack-jpeg',
      ...[
        'uint8',
        'int8',
        'uint16',
        'int16',
        'uint32',
        'int32',
        'uint64',
        'int64',
        'float16',
        'float32',
        'float64',
      ].map((t) => `dtype-${t}`),
    ]) {
      expect(ids, needle).toContain(needle);
    }
    expect(cases.length).toBeGreaterThan(3 * 40);
  });

  it('serves every value as the independent reader reads it, on /zarr/v2, /zarr/v3 and /n5', () => {
    const failed = cases.map((c) => ({ id: c.id, ...results.get(c.id) })).filter((r) => !r.ok);
    expect(failed, JSON.stringify(failed.slice(0, 8), null, 1)).toEqual([]);
    expect(results.size).toBe(cases.length);
  });

  it('passes Deflate tiles on unchanged on /zarr/v2 (re-wrapped as gzip on /zarr/v3) where every tile of a level is a zlib chunk', async () => {
    // Tiles of one chunk each, without predictor, one sample per pixel: numcodecs `zlib` chunks in the file's byte order.
    const passed = new Map<string, string>();
    for (const s of fx.sources) {
      for (const a of s.arrays) {
        const zarray = await getJson(`${bridge.url}/zarr/v2/${urlPath(`${mounts.get(s.id)}/${a.path}`)}/.zarray`);
        const compressor = zarray.compressor as { id: string; level: number } | null;
        if (compressor?.id === 'zlib') {
          // Neuroglancer wants a level; readers ignore it when inflating.
          expect(compressor.level, s.id).toBeTypeOf('number');
          passed.set(`${s.id}/${a.path}`, zarray.dtype as string);
        }
      }
    }
    expect(Object.fromEntries(passed)).toEqual({
      'tiled-u16-deflate/0': '<u2',
      'zlib-tiles-f32-ragged/0': '<f4',
      'zlib-tiles-big-endian-u16-pages/0': '>u2',
      // Level 3 (192×160) is smaller than one 256² tile: its chunk is not a tile, so it is transcoded.
      'ome-pyramid-subifds/0': '<u2',
      'ome-pyramid-subifds/1': '<u2',
      'ome-pyramid-subifds/2': '<u2',
    });
    // zarr-python 2.13 read those through its zlib codec: the values are tifffile's.
    for (const id of passed.keys()) expect(results.get(`v2:${id}`)?.ok, id).toBe(true);
    // On /zarr/v3 the same tiles are re-wrapped as gzip members, in the file's byte order; zarrita read tifffile's values.
    for (const [id, dtype] of passed) {
      const [source, level] = [id.slice(0, id.lastIndexOf('/')), id.slice(id.lastIndexOf('/') + 1)];
      const meta = await getJson(`${bridge.url}/zarr/v3/${urlPath(`${mounts.get(source)}/${level}`)}/zarr.json`);
      const endian = dtype.startsWith('>') ? 'big' : 'little';
      expect(meta.codecs, id).toEqual([
        { name: 'bytes', configuration: { endian } },
        { name: 'gzip', configuration: { level: 1 } },
      ]);
      expect(results.get(`v3:${id}`)?.ok, id).toBe(true);
    }
  });

  it('names axes in NGFF order, with scales and units from OME-XML and ImageJ', async () => {
    for (const s of fx.sources) {
      const zattrs = await getJson(`${bridge.url}/zarr/v2/${urlPath(mounts.get(s.id)!)}/.zattrs`);
      const v3 = await getJson(`${bridge.url}/zarr/v3/${urlPath(mounts.get(s.id)!)}/zarr.json`);
      if (s.series) {
        expect(zattrs['bioformats2raw.layout'], s.id).toBe(3);
        expect((await getJson(`${bridge.url}/zarr/v2/${urlPath(mounts.get(s.id)!)}/OME/.zattrs`)).series).toEqual(
          s.series.map((_, i) => String(i)),
        );
        continue;
      }
      const ms = (zattrs.multiscales as Multiscale[])[0]!;
      const ms05 = (v3.attributes as { ome: { multiscales: Multiscale[]; version: string } }).ome.multiscales[0]!;
      expect(
        ms.axes.map((a) => a.name),
        s.id,
      ).toEqual(s.axes);
      expect(ms05.axes, s.id).toEqual(ms.axes);
      expect(ms.datasets.map((d) => d.path)).toEqual(s.arrays.map((a) => a.path));
      if (s.scale) {
        ms.datasets.forEach((d, k) => {
          const scale = d.coordinateTransformations.find((t) => t.type === 'scale')!.scale;
          scale.forEach((v, i) => {
            expect(v, `${s.id} level ${k} axis ${i}`).toBeCloseTo(s.scale![k]![i]!, 9);
          });
        });
      }
      if (s.units)
        expect(
          ms.axes.map((a) => a.unit ?? null),
          s.id,
        ).toEqual(s.units);
      if (s.omero) {
        const omero = zattrs.omero as { channels: { label: string; color: string }[] };
        expect(
          omero.channels.map((c) => ({ label: c.label, color: c.color })),
          s.id,
        ).toEqual(s.omero);
      }
    }
  });

  it('refuses a compression it cannot decode when the file is opened', async () => {
    expect(fx.refused.length).toBeGreaterThan(0);
    for (const r of fx.refused) {
      const err = await bridge.mountFolder(r.open).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isBridgeError(err) && err.tag, r.id).toBe(r.bad);
      const res = await fetch(`${bridge.url}/control/open`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: r.open }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/compression/);
    }
  });

  it('opens files and stacks through /control/open, as the app does', async () => {
    const stack = fx.sources.find((s) => s.id === 'stack-png-u16')!;
    const res = await fetch(`${bridge.url}/control/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: stack.open }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { path: string }).path).toBe(mounts.get(stack.id));
    const catalog = await getJson(`${bridge.url}/catalog/${urlPath(mounts.get(stack.id)!)}`);
    expect(JSON.stringify(catalog)).toContain('"z"');
    expect(realpathSync(stack.open)).toBe(bridge.catalog.mounts().find((m) => m.path === mounts.get(stack.id))?.origin);
  });

  it('names the first odd slice of a stack when it is read', async () => {
    const mount = await bridge.mountFolder(fx.odd.open);
    const good = await fetch(`${bridge.url}/zarr/v2/${urlPath(mount.path)}/0/2/0/0`);
    expect(good.status).toBe(200);
    const res = await fetch(`${bridge.url}/zarr/v2/${urlPath(mount.path)}/0/${fx.odd.z}/0/0`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string; detail: string };
    expect(body.error).toBe('CorruptData');
    expect(body.detail).toContain(fx.odd.odd);
  });
});

interface Multiscale {
  axes: { name: string; type?: string; unit?: string }[];
  datasets: { path: string; coordinateTransformations: { type: string; scale: number[] }[] }[];
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}
