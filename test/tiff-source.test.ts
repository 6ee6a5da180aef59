/**
 * How TIFF sources behave beyond their values: stacks open lazily (a
 * 10,000-slice folder mounts without opening its slices), files changed on
 * disk are read again, a chunk reads only its own byte ranges, requests can be
 * aborted; and the small pieces (natural order, OME-XML, units) on their own.
 */
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { isAbortError, isBridgeError } from '../src/bridge/errors.js';
import type { ArrayNode, GroupNode } from '../src/bridge/model/node.js';
import { FolderStore } from '../src/bridge/sources/store/folder-store.js';
import { compareNatural } from '../src/bridge/sources/tiff/natural-order.js';
import { parseOmeXml } from '../src/bridge/sources/tiff/ome-xml.js';
import { OddSliceError } from '../src/bridge/sources/tiff/stack.js';
import { ngffLengthUnit, ngffTimeUnit } from '../src/bridge/sources/tiff/units.js';
import { missing } from './support/env.js';
import { runPython } from './support/python.js';
import { MANY_SLICES, pythonTiffPresent, sharedTiffFixtures, type TiffFixtures } from './support/tiff-fixtures.js';

describe('natural order, OME-XML and units', () => {
  it('sorts slice names as natsort does', () => {
    const names = [
      's10.tif',
      's2.tif',
      's1.tif',
      'S3.tif',
      's007.tif',
      's7.tif',
      'a.tif',
      's20240101123045123.tif',
      's9.tif',
    ];
    expect([...names].sort(compareNatural)).toEqual([
      'S3.tif',
      'a.tif',
      's1.tif',
      's2.tif',
      's7.tif',
      's007.tif',
      's9.tif',
      's10.tif',
      's20240101123045123.tif',
    ]);
  });

  it('maps OME and ImageJ unit symbols to NGFF names and drops unknown ones', () => {
    expect(ngffLengthUnit('µm')).toBe('micrometer');
    expect(ngffLengthUnit('\u03bcm')).toBe('micrometer');
    expect(ngffLengthUnit('um')).toBe('micrometer');
    expect(ngffLengthUnit('nm')).toBe('nanometer');
    expect(ngffLengthUnit('\u00c5')).toBe('angstrom');
    expect(ngffLengthUnit('pixel')).toBeUndefined();
    expect(ngffTimeUnit('ms')).toBe('millisecond');
    expect(ngffTimeUnit('min')).toBe('minute');
    expect(ngffTimeUnit('reference frame')).toBeUndefined();
  });

  it('places planes by DimensionOrder and TiffData, as Bio-Formats writes them', async () => {
    // Bio-Formats writes one TiffData per plane, with the file's own name in a UUID element.
    const planes = [];
    let ifd = 0;
    for (let t = 0; t < 2; t++)
      for (let c = 0; c < 3; c++)
        for (let z = 0; z < 4; z++)
          planes.push(
            `<TiffData FirstC="${c}" FirstT="${t}" FirstZ="${z}" IFD="${ifd++}" PlaneCount="1"><UUID FileName="a.ome.tiff">urn:uuid:1</UUID></TiffData>`,
          );
    const xml = `<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0" Name="a"><Pixels DimensionOrder="XYZCT" ID="Pixels:0" SizeC="3" SizeT="2" SizeX="10" SizeY="8" SizeZ="4" Type="uint16" PhysicalSizeX="0.1" PhysicalSizeXUnit="µm"><Channel ID="Channel:0:0" Name="one" Color="-16776961" SamplesPerPixel="1"/><Channel ID="Channel:0:1" SamplesPerPixel="1"/><Channel ID="Channel:0:2" SamplesPerPixel="1"/>${planes.join('')}</Pixels></Image></OME>`;
    const [image] = await parseOmeXml(xml, 'a.ome.tiff');
    expect(image!.ifdOf(0, 0, 0)).toBe(0);
    expect(image!.ifdOf(3, 0, 0)).toBe(3);
    expect(image!.ifdOf(0, 1, 0)).toBe(4);
    expect(image!.ifdOf(2, 2, 1)).toBe(12 + 8 + 2);
    expect(image!.channels[0]).toEqual({ name: 'one', color: -16776961, samplesPerPixel: 1 });
    expect(image!.physicalSizeX).toEqual({ value: 0.1, unit: 'µm' });
    let err: unknown;
    try {
      await parseOmeXml(xml.replaceAll('a.ome.tiff', 'b.ome.tiff'), 'a.ome.tiff');
    } catch (e) {
      err = e;
    }
    expect(isBridgeError(err, 'NotRepresentable')).toBe(true);
  });
});

const skip = missing('Debian python3-tifffile and python3-pil (/usr/bin/python3)', pythonTiffPresent());

describe.skipIf(skip)('TIFF sources on disk', () => {
  let tmp: string;
  let fx: TiffFixtures;
  let bridge: Bridge;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-tiffsrc-'));
    fx = await sharedTiffFixtures();
    bridge = await startBridge({ port: 0, chunkCacheBytes: 0 });
  }, 600_000);

  afterAll(async () => {
    await bridge?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('mounts a 10,000-slice folder without opening its slices, and checks each slice when read', async () => {
    const many = fx.many!;
    expect(many.slices).toBe(MANY_SLICES);
    const started = performance.now();
    const mount = await bridge.mountFolder(many.open);
    const ms = performance.now() - started;
    // 9,998 of the slices are not TIFF files at all: mounting succeeded, so none of them was opened.
    console.log(`mounted ${many.slices} slices in ${ms.toFixed(0)} ms`);
    const level = (await bridge.catalog.resolve(`${mount.path}/0`, {})) as ArrayNode;
    expect(level.meta.shape).toEqual([many.slices, ...many.first.shape]);
    const first = await level.readChunk([0, 0, 0], {});
    const last = await level.readChunk([many.slices - 1, 0, 0], {});
    expect(Buffer.from(first.bytes).equals(readFileSync(many.first.file))).toBe(true);
    expect(Buffer.from(last.bytes).equals(readFileSync(many.last.file))).toBe(true);
    const broken = Number(/\d+/.exec(many.broken)![0]) - 1;
    const err = await level.readChunk([broken, 0, 0], {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBridgeError(err, 'CorruptData')).toBe(true);
    expect((err as Error).message).toContain(many.broken);
  });

  it('says which slice is odd, with a typed error', async () => {
    const mount = await bridge.mountFolder(fx.odd.open);
    const level = (await bridge.catalog.resolve(`${mount.path}/0`, {})) as ArrayNode;
    const err = await level.readChunk([fx.odd.z, 0, 0], {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OddSliceError);
    expect((err as OddSliceError).slice).toBe(fx.odd.odd);
    expect(isBridgeError(err, 'CorruptData')).toBe(true);
  });

  it('answers a chunk by byte ranges, never reading the whole file', async () => {
    const source = fx.sources.find((s) => s.id === 'tiled-u16-deflate')!;
    const mount = await bridge.mountFolder(source.open);
    const level = (await bridge.catalog.resolve(`${mount.path}/0`, {})) as ArrayNode;
    const ranges = vi.spyOn(FolderStore.prototype, 'getRange');
    const whole = vi.spyOn(FolderStore.prototype, 'get');
    try {
      const chunk = await level.readChunk([3, 5], {});
      expect(chunk.shape).toEqual([256, 256]);
      const bytes = (await Promise.all(ranges.mock.results.map((r) => r.value as Promise<Uint8Array | undefined>)))
        .map((b) => b?.byteLength ?? 0)
        .reduce((a, b) => a + b, 0);
      const size = readFileSync(source.open).byteLength;
      expect(whole).not.toHaveBeenCalled();
      // One tile of 64 (plus its offsets, loaded once): a small part of the file.
      expect(bytes).toBeGreaterThan(0);
      expect(bytes).toBeLessThan(size / 16);
    } finally {
      ranges.mockRestore();
      whole.mockRestore();
    }
  });

  it('reads a single-strip plane by rows: a chunk reads its own rows only', async () => {
    const source = fx.sources.find((s) => s.id === 'single-strip-u16-raw')!;
    const mount = await bridge.mountFolder(source.open);
    const level = (await bridge.catalog.resolve(`${mount.path}/0`, {})) as ArrayNode;
    expect(level.meta.chunkShape[0]).toBeLessThan(level.meta.shape[0]!);
    const ranges = vi.spyOn(FolderStore.prototype, 'getRange');
    try {
      await level.readChunk([1, 0], {});
      const lengths = ranges.mock.calls.map(([, r]) => ('length' in r ? r.length : 0));
      expect(Math.max(...lengths)).toBeLessThanOrEqual(level.meta.chunkShape[0]! * level.meta.shape[1]! * 2);
    } finally {
      ranges.mockRestore();
    }
  });

  it('reads a file again when it changes on disk (version from size and mtime)', async () => {
    const dir = mkdtempSync(join(tmp, 'changing-'));
    const file = join(dir, 'live.tif');
    const other = join(dir, 'next.tif');
    const write = async (path: string, rows: number, value: number) => {
      const py = `import numpy as np, tifffile; tifffile.imwrite(${JSON.stringify(path)}, np.full((${rows}, 96), ${value}, 'uint16'), tile=(32, 32))`;
      const run = await runPython(['-c', py]);
      if (run.status !== 0) throw new Error(run.stderr);
    };
    await write(file, 64, 111);
    const mount = await bridge.mountFolder(file);
    const read = async () => {
      const level = (await bridge.catalog.resolve(`${mount.path}/0`, {})) as ArrayNode;
      const chunk = await level.readChunk([0, 0], {});
      return { shape: level.meta.shape, value: new Uint16Array(chunk.bytes.buffer, chunk.bytes.byteOffset, 1)[0] };
    };
    expect(await read()).toEqual({ shape: [64, 96], value: 111 });
    // Replaced the way editors and writers do it: a new file renamed over the old one.
    await write(other, 80, 222);
    renameSync(other, file);
    await vi.waitFor(async () => expect(await read()).toEqual({ shape: [80, 96], value: 222 }), {
      timeout: 10_000,
      interval: 200,
    });
    // Rewritten in place, same size: the mtime tells.
    await write(other, 80, 333);
    copyFileSync(other, file);
    await vi.waitFor(async () => expect(await read()).toEqual({ shape: [80, 96], value: 333 }), {
      timeout: 10_000,
      interval: 200,
    });
  });

  it('stops a chunk read when its request is aborted', async () => {
    const source = fx.sources.find((s) => s.id === 'wide-strips-u16-deflate')!;
    const mount = await bridge.mountFolder(source.open);
    const level = (await bridge.catalog.resolve(`${mount.path}/0`, {})) as ArrayNode;
    const err = await level.readChunk([0, 1], { signal: AbortSignal.abort() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAbortError(err)).toBe(true);
  });

  it('lists the series of a multi-series OME-TIFF under one group, as bioformats2raw does', async () => {
    const source = fx.sources.find((s) => s.id === 'ome-multi-series')!;
    const mount = await bridge.mountFolder(source.open);
    const root = (await bridge.catalog.resolve(mount.path, {})) as GroupNode;
    expect(await root.children({})).toEqual(['0', '1', '2', 'OME']);
    const names = await Promise.all(
      ['0', '1', '2'].map(async (s) => ((await root.child(s, {})) as GroupNode).ome?.multiscales?.[0]?.name),
    );
    expect(names).toEqual(source.series);
  });

  it('keeps an opened file confined: a second file in its folder is not reachable', async () => {
    const source = fx.sources.find((s) => s.id === 'dtype-uint8')!;
    const mount = await bridge.mountFolder(source.open);
    for (const path of [`${mount.path}/dtype_int8.tif`, `${mount.path}/../dtype_int8.tif`, `${mount.path}/0/..`]) {
      const res = await fetch(`${bridge.url}/zarr/v2/${path}/.zarray`);
      expect(res.status, path).not.toBe(200);
    }
  });
});
