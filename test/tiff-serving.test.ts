/**
 * The fast paths of TIFF serving, judged by the bytes and values they give:
 * Deflate tiles passed on unchanged on /zarr/v2 (the file's own bytes, under
 * either spelling of a chunk key, never a cut-off tile) and re-wrapped as
 * gzip on /zarr/v3 (Zarr v2 zlib folders too), and chunks transcoded on
 * /zarr/v3 kept and replayed only while their file is unchanged.
 */
import { closeSync, copyFileSync, mkdtempSync, openSync, readSync, rmSync, truncateSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as zarr from 'zarrita';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { missing } from './support/env.js';
import { runPython } from './support/python.js';
import { pythonTiffPresent } from './support/tiff-fixtures.js';

const skip = missing('Debian python3-tifffile (/usr/bin/python3)', pythonTiffPresent());

interface Written {
  /** Where each tile of page 0 is, as tifffile reads the file's index. */
  offsets: number[];
  counts: number[];
  /** The tile grid of page 0: rows, columns. */
  grid: [number, number];
}

/** Writes a 600×700 uint16 TIFF of 256² Deflate tiles with tifffile; `seed` changes every value. */
async function writeTiff(path: string, seed: number, predictor = false): Promise<Written> {
  const py = `import json, numpy as np, tifffile
rng = np.random.default_rng(${seed})
a = (np.add.outer(np.arange(600) * 13, np.arange(700) * 7) + rng.integers(0, 500, (600, 700)) + ${seed} * 1000).astype('uint16')
tifffile.imwrite(${JSON.stringify(path)}, a, tile=(256, 256), compression='zlib', predictor=${predictor ? 'True' : 'False'})
p = tifffile.TiffFile(${JSON.stringify(path)}).pages[0]
print(json.dumps({'offsets': [int(o) for o in p.dataoffsets], 'counts': [int(c) for c in p.databytecounts], 'grid': [3, 3]}))`;
  const run = await runPython(['-c', py]);
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.toString('utf8')) as Written;
}

/** tifffile's values of tile (ty, tx), as the little-endian bytes of a full 256² chunk (zeros past the edges). */
async function tileValues(path: string, ty: number, tx: number): Promise<Buffer> {
  const py = `import sys, numpy as np, tifffile
a = tifffile.imread(${JSON.stringify(path)})
out = np.zeros((256, 256), '<u2')
part = a[${ty * 256}:${(ty + 1) * 256}, ${tx * 256}:${(tx + 1) * 256}]
out[:part.shape[0], :part.shape[1]] = part
sys.stdout.buffer.write(out.tobytes())`;
  const run = await runPython(['-c', py]);
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

/** `gzip.decompress` in Python: it checks the member's CRC-32 and length, as zarr-python's GZip codec does. */
async function gunzipInPython(member: Buffer): Promise<Buffer> {
  const run = await runPython(
    ['-c', 'import gzip, sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))'],
    { input: member },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

function fileBytes(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  const out = Buffer.alloc(length);
  try {
    readSync(fd, out, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return out;
}

describe.skipIf(skip)('TIFF serving fast paths', () => {
  let tmp: string;
  let bridge: Bridge;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-tiffserve-'));
    bridge = await startBridge({ port: 0 });
  });

  afterAll(async () => {
    await bridge?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${bridge.url}${path}`, { headers });
    return { status: res.status, etag: res.headers.get('etag'), body: Buffer.from(await res.arrayBuffer()) };
  };

  it("passes a tile on as the file's own bytes on /zarr/v2, under either spelling of its key", async () => {
    const file = join(tmp, 'plain.tif');
    const w = await writeTiff(file, 1);
    const mount = await bridge.mountFolder(file);
    for (const [ty, tx] of [
      [0, 1],
      [2, 2],
    ] as const) {
      const i = ty * w.grid[1] + tx;
      const stored = fileBytes(file, w.offsets[i]!, w.counts[i]!);
      const slash = await get(`/zarr/v2/${mount.path}/0/${ty}/${tx}`);
      const dot = await get(`/zarr/v2/${mount.path}/0/${ty}.${tx}`);
      expect(slash.status).toBe(200);
      expect(slash.body.equals(stored)).toBe(true);
      expect(dot.body.equals(stored)).toBe(true);
      // And they are what numcodecs' zlib would inflate: tifffile's values, full chunk size at the edge too.
      expect(inflateSync(slash.body).equals(await tileValues(file, ty, tx))).toBe(true);
    }
    expect((await get(`/zarr/v2/${mount.path}/0/3/0`)).status).toBe(404);
    expect((await get(`/zarr/v2/${mount.path}/0/0/1/2`)).status).toBe(404);
  });

  it('re-wraps Deflate tiles as gzip members on /zarr/v3, which gzip in Python (checking CRC-32 and length) reads', async () => {
    const file = join(tmp, 'v3.tif');
    await writeTiff(file, 5);
    const mount = await bridge.mountFolder(file);
    const meta = JSON.parse((await get(`/zarr/v3/${mount.path}/0/zarr.json`)).body.toString()) as {
      codecs: { name: string; configuration?: Record<string, unknown> }[];
    };
    expect(meta.codecs).toEqual([
      { name: 'bytes', configuration: { endian: 'little' } },
      { name: 'gzip', configuration: { level: 1 } },
    ]);
    for (const [ty, tx] of [
      [1, 2],
      [2, 0],
    ] as const) {
      const served = await get(`/zarr/v3/${mount.path}/0/c/${ty}/${tx}`);
      expect(served.status).toBe(200);
      expect((await gunzipInPython(served.body)).equals(await tileValues(file, ty, tx))).toBe(true);
      // Asked again (the CRC known, the bytes replayed): the same member.
      expect((await get(`/zarr/v3/${mount.path}/0/c/${ty}/${tx}`)).body.equals(served.body)).toBe(true);
    }
  });

  it('re-wraps tiles read once (reusable buffers, 64 answers at a time) into members that each hold their own tile', async () => {
    // 2048² uint16 in 256² Deflate tiles: 64 tiles, each read once per round, so each answer goes out of a
    // buffer that comes back for the next one; a buffer given back too early would corrupt another answer.
    const file = join(tmp, 'many.tif');
    const py = `import sys, numpy as np, tifffile
rng = np.random.default_rng(11)
a = (np.add.outer(np.arange(2048) * 3, np.arange(2048)) + rng.integers(0, 4000, (2048, 2048))).astype('<u2')
tifffile.imwrite(${JSON.stringify(file)}, a, tile=(256, 256), compression='zlib')
sys.stdout.buffer.write(a.tobytes())`;
    const run = await runPython(['-c', py]);
    expect(run.status, run.stderr).toBe(0);
    const values = new Uint16Array(new Uint8Array(run.stdout).buffer.slice(0));
    const mount = await bridge.mountFolder(file);
    const tiles: [number, number][] = [];
    for (let ty = 0; ty < 8; ty++) for (let tx = 0; tx < 8; tx++) tiles.push([ty, tx]);
    for (const round of [1, 2]) {
      const served = await Promise.all(tiles.map(([ty, tx]) => get(`/zarr/v3/${mount.path}/0/c/${ty}/${tx}`)));
      for (const [i, [ty, tx]] of tiles.entries()) {
        expect(served[i].status).toBe(200);
        // gunzipSync checks the member's CRC-32 and length.
        const got = new Uint16Array(new Uint8Array(gunzipSync(served[i].body)).buffer);
        const want = new Uint16Array(256 * 256);
        for (let y = 0; y < 256; y++)
          want.set(values.subarray((ty * 256 + y) * 2048 + tx * 256, (ty * 256 + y) * 2048 + tx * 256 + 256), y * 256);
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `round ${round}, tile ${ty},${tx}`).toBe(true);
      }
    }
  });

  it('answers HEAD, ranges and revalidation of a member sent in pieces (a tile read once) as of a whole one', async () => {
    // Each tile's first read is a read once: its member goes out as header, the stored deflate data and trailer.
    const file = join(tmp, 'pieces.tif');
    await writeTiff(file, 3);
    // A copy with the same size and mtime has the same versions, and so the same ETags, but is read afresh.
    const copy = join(tmp, 'pieces-copy.tif');
    copyFileSync(file, copy);
    for (const f of [file, copy]) utimesSync(f, 1_700_000_000, 1_700_000_000);
    const mount = await bridge.mountFolder(file);
    const url = (ty: number, tx: number) => `${bridge.url}/zarr/v3/${mount.path}/0/c/${ty}/${tx}`;
    const head = await fetch(url(0, 0), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.arrayBuffer()).toHaveProperty('byteLength', 0);
    const first = await fetch(url(0, 1), { headers: { Range: 'bytes=0-99' } });
    expect(first.status).toBe(206);
    const firstPart = Buffer.from(await first.arrayBuffer());
    const suffix = await fetch(url(1, 0), { headers: { Range: 'bytes=-20' } });
    expect(suffix.status).toBe(206);
    const suffixPart = Buffer.from(await suffix.arrayBuffer());
    // The whole members, now read again (and kept): the pieces' answers are their parts.
    const whole00 = await get(`/zarr/v3/${mount.path}/0/c/0/0`);
    const whole01 = await get(`/zarr/v3/${mount.path}/0/c/0/1`);
    const whole10 = await get(`/zarr/v3/${mount.path}/0/c/1/0`);
    expect(Number(head.headers.get('content-length'))).toBe(whole00.body.byteLength);
    expect(head.headers.get('etag')).toBe(whole00.etag);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${whole01.body.byteLength}`);
    expect(firstPart.equals(whole01.body.subarray(0, 100))).toBe(true);
    expect(suffixPart.equals(whole10.body.subarray(whole10.body.byteLength - 20))).toBe(true);
    // The trailer's CRC-32 and length are checked by gunzip; the values are tifffile's.
    expect(gunzipSync(whole01.body).equals(await tileValues(file, 0, 1))).toBe(true);
    // A member in pieces revalidates like any other (a browser's cache after a restart of the bridge).
    const again = await bridge.mountFolder(copy);
    const revalidated = await fetch(`${bridge.url}/zarr/v3/${again.path}/0/c/0/1`, {
      headers: { 'If-None-Match': whole01.etag ?? '' },
    });
    expect(revalidated.status).toBe(304);
    const changed = await fetch(`${bridge.url}/zarr/v3/${again.path}/0/c/1/0`, {
      headers: { 'If-None-Match': whole01.etag ?? '' },
    });
    expect(changed.status).toBe(200);
    expect(Buffer.from(await changed.arrayBuffer()).equals(whole10.body)).toBe(true);
  });

  it('re-wraps a Zarr v2 folder written with zlib by zarr-python, and decodes a chunk that is not one plain stream', async () => {
    const folder = join(tmp, 'zlib.zarr');
    const py = `import numpy as np, zarr, numcodecs
a = (np.add.outer(np.arange(300) * 3, np.arange(500)) % 60000).astype('>u2')
z = zarr.open(${JSON.stringify(folder)}, mode='w', shape=a.shape, chunks=(128, 128), dtype='>u2', compressor=numcodecs.Zlib(level=5))
z[:] = a
# Bytes after the stream's end: zlib readers stop before them, a gzip member may not carry them.
with open(${JSON.stringify(join(folder, '1.2'))}, 'ab') as f: f.write(b'trailing')
import sys; sys.stdout.buffer.write(a.astype('<u2').tobytes())`;
    const run = await runPython(['-c', py]);
    if (run.status !== 0) throw new Error(run.stderr);
    const expected = new Uint16Array(new Uint8Array(run.stdout).buffer);
    const mount = await bridge.mountFolder(folder);
    const meta = JSON.parse((await get(`/zarr/v3/${mount.path}/zarr.json`)).body.toString()) as {
      codecs: unknown[];
    };
    expect(meta.codecs).toEqual([
      { name: 'bytes', configuration: { endian: 'big' } },
      { name: 'gzip', configuration: { level: 5 } },
    ]);
    const arr = await zarr.open.v3(new zarr.FetchStore(`${bridge.url}/zarr/v3/${mount.path}`), { kind: 'array' });
    const all = await zarr.get(arr);
    expect(all.shape).toEqual([300, 500]);
    expect(Buffer.from((all.data as Uint16Array).buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    // Every chunk is a valid gzip member, the one decoded and gzipped again too.
    for (const key of ['0/0', '1/2', '2/3']) {
      const served = await get(`/zarr/v3/${mount.path}/c/${key}`);
      expect((await gunzipInPython(served.body)).byteLength, key).toBe(128 * 128 * 2);
    }
  });

  it('answers a tile that runs past the end of a cut-off file with an error, never a 200', async () => {
    const file = join(tmp, 'cut.tif');
    const w = await writeTiff(file, 2);
    const last = w.offsets.length - 1;
    truncateSync(file, w.offsets[last]! + Math.floor(w.counts[last]! / 2));
    const mount = await bridge.mountFolder(file);
    const v2 = await get(`/zarr/v2/${mount.path}/0/2/2`);
    expect(v2.status).toBe(500);
    expect(JSON.parse(v2.body.toString()).error).toBe('CorruptData');
    expect((await get(`/zarr/v3/${mount.path}/0/c/2/2`)).status).toBe(500);
    // The rest of the file is still served.
    expect((await get(`/zarr/v2/${mount.path}/0/0/0`)).status).toBe(200);
  });

  // With a predictor the tiles are decoded and sent raw (kept from the decoded-chunk cache); without, re-wrapped as gzip.
  for (const [how, predictor, values] of [
    ['transcoded', true, async (b: Buffer) => b],
    ['re-wrapped', false, gunzipInPython],
  ] as const) {
    it(`replays a ${how} chunk with a stable ETag, and serves the new values once the file changes`, async () => {
      const file = join(tmp, `live-${how}.tif`);
      const next = join(tmp, `next-${how}.tif`);
      await writeTiff(file, 3, predictor);
      const mount = await bridge.mountFolder(file);
      const url = `/zarr/v3/${mount.path}/0/c/1/2`;
      // Without a predictor, /zarr/v2 passes the tile's own zlib stream on: a byte range of the file.
      const v2 = `/zarr/v2/${mount.path}/0/1/2`;
      if (!predictor) expect(inflateSync((await get(v2)).body).equals(await tileValues(file, 1, 2))).toBe(true);
      const first = await get(url);
      expect((await values(first.body)).equals(await tileValues(file, 1, 2))).toBe(true);
      const again = await get(url);
      expect(again.body.equals(first.body)).toBe(true);
      expect(again.etag).toBe(first.etag);
      expect((await get(url, { 'if-none-match': first.etag! })).status).toBe(304);
      const health = (await (await fetch(`${bridge.url}/health`)).json()) as { heldReplyBytes: number };
      expect(health.heldReplyBytes).toBeGreaterThanOrEqual(first.body.byteLength);
      // Rewritten in place with other values: once the 1 s window has passed, never the old bytes again.
      await writeTiff(next, 4, predictor);
      copyFileSync(next, file);
      const fresh = await tileValues(file, 1, 2);
      expect(fresh.equals(await values(first.body))).toBe(false);
      await vi.waitFor(async () => expect((await values((await get(url)).body)).equals(fresh)).toBe(true), {
        timeout: 10_000,
        interval: 200,
      });
      // The same byte range of the changed file is other bytes: read as the new file says, never the old range.
      if (!predictor) expect(inflateSync((await get(v2)).body).equals(fresh)).toBe(true);
      const changed = await get(url);
      expect(changed.etag).not.toBe(first.etag);
      expect((await get(url, { 'if-none-match': first.etag! })).status).toBe(200);
    });
  }
});
