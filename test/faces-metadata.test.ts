/**
 * What each face declares and encodes, checked on the shared fixtures: the
 * metadata documents other clients parse, and the bytes of transcoded chunks
 * decoded here by hand (gzip + byte order), not by the code under test.
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesPresent, missing } from './support/env.js';
import { type FixtureBridge, startFixtureBridge } from './support/fixture-bridge.js';

const skip = missing('shared fixtures', fixturesPresent());

describe.skipIf(skip)('faces', () => {
  let fx: FixtureBridge;
  let base: string;
  const json = async (url: string) => {
    const res = await fetch(`${base}${url}`);
    expect(res.status, url).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON documents
    return (await res.json()) as Record<string, any>;
  };

  beforeAll(async () => {
    fx = await startFixtureBridge(
      [
        'generated/image_gzip.ome.zarr',
        'generated/image_sharded.ome.zarr',
        'generated/plate.ome.zarr',
        'generated/data.n5',
        'zarrita/v2/data.zarr',
      ],
      { compression: 'gzip' },
    );
    base = fx.bridge.url;
  });
  afterAll(() => fx?.bridge.close());

  it('lists a group as absolute child URLs with no Content-Type, as Tiled does', async () => {
    const res = await fetch(`${base}/zarr/v2/local/plate.ome.zarr`);
    expect(res.headers.get('content-type')).toBeNull();
    expect(await res.json()).toEqual([
      `${base}/zarr/v2/local/plate.ome.zarr/A`,
      `${base}/zarr/v2/local/plate.ome.zarr/B`,
    ]);
    const v3 = (await (await fetch(`${base}/zarr/v3/`)).json()) as string[];
    expect(v3).toEqual([`${base}/zarr/v3/local`]);
  });

  it('declares OME 0.4 on the v2 face and 0.5 on the v3 face, whatever the source wrote', async () => {
    const v2of05 = await json('/zarr/v2/local/image_sharded.ome.zarr/.zattrs');
    expect(v2of05.ome).toBeUndefined();
    expect(v2of05.multiscales[0].version).toBe('0.4');
    expect(v2of05.multiscales[0].axes.map((a: { name: string }) => a.name)).toEqual(['c', 'z', 'y', 'x']);
    const v3of04 = await json('/zarr/v3/local/image_gzip.ome.zarr/zarr.json');
    expect(v3of04.node_type).toBe('group');
    expect(v3of04.attributes.multiscales).toBeUndefined();
    expect(v3of04.attributes.ome.version).toBe('0.5');
    expect(v3of04.attributes.ome.multiscales[0].version).toBeUndefined();
    expect(v3of04.attributes.ome.omero).toBeDefined();
    const plate = await json('/zarr/v3/local/plate.ome.zarr/zarr.json');
    expect(plate.attributes.ome.plate.wells.map((w: { path: string }) => w.path)).toEqual(['A/1', 'B/2']);
    const well = await json('/zarr/v2/local/plate.ome.zarr/A/1/.zattrs');
    expect(well.well.version).toBe('0.4');
    const labels = await json('/zarr/v3/local/image_gzip.ome.zarr/labels/zarr.json');
    expect(labels.attributes.ome.labels).toEqual(['cells']);
    const cells = await json('/zarr/v2/local/image_gzip.ome.zarr/labels/cells/.zattrs');
    expect(cells['image-label'].version).toBe('0.4');
  });

  it('gives v3 datasets of an OME 0.4 image dimension_names equal to the axes (0.5 requires it)', async () => {
    const z = await json('/zarr/v3/local/image_gzip.ome.zarr/0/zarr.json');
    expect(z.dimension_names).toEqual(['t', 'c', 'z', 'y', 'x']);
    expect(z.codecs[0]).toEqual({ name: 'bytes', configuration: { endian: 'little' } });
  });

  it('presents a sharded v3 array on v2 with its inner chunk grid', async () => {
    const zarray = await json('/zarr/v2/local/image_sharded.ome.zarr/0/.zarray');
    expect(zarray).toMatchObject({
      shape: [2, 8, 120, 136],
      chunks: [1, 4, 32, 32],
      dtype: '<u2',
      dimension_separator: '/',
    });
    // Edge chunk (last in y and x) is padded to the full chunk shape.
    const res = await fetch(`${base}/zarr/v2/local/image_sharded.ome.zarr/0/0/0/3/4`);
    const values = new Uint16Array(new Uint8Array(gunzipSync(new Uint8Array(await res.arrayBuffer()))).buffer);
    expect(values.length).toBe(4 * 32 * 32);
    // (c=0, z=0, y=96, x=128): (0 + 0 + 96*7 + 128) % 65536; y=120.. is padding (fill 0).
    expect(values[0]).toBe(96 * 7 + 128);
    expect(values[24 * 32]).toBe(0);
  });

  it('declares big-endian sources truthfully: v3 transcodes them to little-endian and says so', async () => {
    const zarray = await json('/zarr/v2/local/data.zarr/1d.contiguous.f4.be/.zarray');
    expect(zarray.dtype).toBe('>f4'); // passed through as stored
    const z = await json('/zarr/v3/local/data.zarr/1d.contiguous.f4.be/zarr.json');
    expect(z.data_type).toBe('float32');
    expect(z.codecs[0].configuration.endian).toBe('little');
    const chunk = await fetch(`${base}/zarr/v3/local/data.zarr/1d.contiguous.f4.be/c/0`);
    const f = new Float32Array(new Uint8Array(gunzipSync(new Uint8Array(await chunk.arrayBuffer()))).buffer);
    // The stored chunk is a memcpy'd blosc frame (flag 0x02): its payload is the raw big-endian floats.
    const { readFileSync } = await import('node:fs');
    const stored = readFileSync(`${fx.dirOf('zarrita/v2/data.zarr')}/1d.contiguous.f4.be/0`);
    expect(stored[2] & 0x02).toBe(0x02);
    const expected = [0, 1, 2, 3].map((i) => stored.readFloatBE(16 + 4 * i));
    expect(expected).toEqual([-1000.5, 0, 1000.5, 0]);
    expect(Array.from(f)).toEqual(expected);
  });

  it('writes N5 blocks big-endian with a clipped edge header', async () => {
    const attrs = await json('/n5/local/image_gzip.ome.zarr/s0/attributes.json');
    expect(attrs).toMatchObject({ dimensions: [136, 120, 8, 2, 2], blockSize: [64, 64, 4, 1, 1], dataType: 'uint16' });
    expect(attrs.compression.type).toBe('gzip');
    const top = await json('/n5/local/image_gzip.ome.zarr/attributes.json');
    expect(top.scales).toEqual([
      [1, 1, 1, 1, 1],
      [2, 2, 1, 1, 1],
      [4, 4, 1, 1, 1],
    ]);
    expect(top.axes).toEqual(['x', 'y', 'z', 'c', 't']);
    // Block (x=2, y=1, z=0, c=1, t=0): x from 128 (8 wide), y from 64 (56 tall).
    const res = await fetch(`${base}/n5/local/image_gzip.ome.zarr/s0/2/1/0/1/0`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(0)).toBe(0);
    expect(view.getUint16(2)).toBe(5);
    expect([0, 1, 2, 3, 4].map((i) => view.getUint32(4 + 4 * i))).toEqual([8, 56, 4, 1, 1]);
    const payload = gunzipSync(bytes.subarray(24));
    expect(payload.length).toBe(8 * 56 * 4 * 2);
    const be = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    // First element: t=0, c=1, z=0, y=64, x=128.
    expect(be.getUint16(0)).toBe((10000 + 64 * 7 + 128) % 65536);
    // Second element is x+1 (x fastest).
    expect(be.getUint16(2)).toBe((10000 + 64 * 7 + 129) % 65536);
  });

  it('passes N5 datasets and zarr v2 chunks through byte for byte', async () => {
    const { readFileSync } = await import('node:fs');
    const n5 = new Uint8Array(await (await fetch(`${base}/n5/local/data.n5/s0/1/0/1`)).arrayBuffer());
    expect(Buffer.from(n5).equals(readFileSync(`${fx.dirOf('generated/data.n5')}/s0/1/0/1`))).toBe(true);
    const v2 = new Uint8Array(
      await (await fetch(`${base}/zarr/v2/local/image_gzip.ome.zarr/0/1/1/1/1/2`)).arrayBuffer(),
    );
    expect(Buffer.from(v2).equals(readFileSync(`${fx.dirOf('generated/image_gzip.ome.zarr')}/0/1/1/1/1/2`))).toBe(true);
  });

  it('maps errors: 404 for missing nodes and out-of-grid chunks, 400 for malformed keys, 405 for writes', async () => {
    const status = async (url: string, init?: RequestInit) => (await fetch(`${base}${url}`, init)).status;
    expect(await status('/zarr/v2/local/nope/.zattrs')).toBe(404);
    expect(await status('/zarr/v2/local/image_gzip.ome.zarr/0/9/0/0/0/0')).toBe(404);
    expect(await status('/zarr/v3/local/image_gzip.ome.zarr/0/c/0/0/0/0/99')).toBe(404);
    expect(await status('/zarr/v3/local/image_gzip.ome.zarr/0/c/x/0/0/0/0')).toBe(400);
    expect(await status('/zarr/v3/local/image_gzip.ome.zarr/0/c/0/0')).toBe(400);
    expect(await status('/n5/local/image_gzip.ome.zarr/s0/-1/0/0/0/0')).toBe(400);
    expect(await status('/zarr/v2/local/image_gzip.ome.zarr/.zarray')).toBe(404);
    expect(await status('/zarr/v2/local/image_gzip.ome.zarr/0/.zgroup')).toBe(404);
    expect(await status('/zarr/v2/local/image_gzip.ome.zarr/.zattrs', { method: 'PUT' })).toBe(405);
    const body = (await (await fetch(`${base}/zarr/v2/local/image_gzip.ome.zarr/0/9/0/0/0/0`)).json()) as {
      error: string;
    };
    expect(body.error).toBe('NotFound');
  });
});

describe.skipIf(skip)('faces on loopback by default', () => {
  it('serve transcoded chunks uncompressed, and say so in their metadata', async () => {
    const fx = await startFixtureBridge(['generated/image_gzip.ome.zarr']);
    try {
      const base = fx.bridge.url;
      const zarray = (await (await fetch(`${base}/zarr/v2/local/image_gzip.ome.zarr/0/.zarray`)).json()) as Record<
        string,
        unknown
      >;
      expect(zarray.compressor).toEqual({ id: 'gzip', level: 5 }); // a v2 source on v2: passed through as stored
      const v3 = (await (await fetch(`${base}/zarr/v3/local/image_gzip.ome.zarr/0/zarr.json`)).json()) as {
        codecs: unknown[];
      };
      expect(v3.codecs).toEqual([{ name: 'bytes', configuration: { endian: 'little' } }]);
      const n5 = (await (await fetch(`${base}/n5/local/image_gzip.ome.zarr/s0/attributes.json`)).json()) as {
        compression: unknown;
      };
      expect(n5.compression).toEqual({ type: 'raw' });
      const chunk = new Uint16Array(
        await (await fetch(`${base}/zarr/v3/local/image_gzip.ome.zarr/0/c/0/1/0/0/0`)).arrayBuffer(),
      );
      expect(chunk.length).toBe(4 * 64 * 64);
      expect(chunk[1]).toBe((10000 + 1) % 65536);
    } finally {
      await fx.bridge.close();
    }
  });
});
