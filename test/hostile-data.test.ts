/**
 * Hostile data never takes the bridge down or past its memory bound:
 * decompression bombs (gzip, blosc, zstd, lz4; local, remote, N5 and BossDB),
 * huge and absurdly nested metadata, shard indexes pointing past the end or
 * overlapping or asking for terabytes, symlink loops, files cut while being
 * read, remote bodies that never end or lie about their length. Each answers
 * a JSON error naming the key (or, for a body cut mid-stream, a dropped
 * connection, never a short 200), and the bridge — `zarr-bridge serve` in its
 * own process — keeps answering with its peak RSS under 300 MB.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BossdbClient } from '../src/bridge/sources/bossdb/client.js';
import { forgedBloscHeader, forgedLz4, zlibBomb, zstdBomb } from './bossdb-fixture/hostile.js';
import { type BossdbFixture, startBossdbFixture } from './bossdb-fixture/index.js';
import { REPO } from './support/env.js';

const CLI = join(REPO, 'out/main/cli.js');
const MB = 2 ** 20;

const v2Array = (compressor: unknown) =>
  JSON.stringify({
    zarr_format: 2,
    shape: [512, 512],
    chunks: [256, 256],
    dtype: '|u1',
    compressor,
    fill_value: 0,
    order: 'C',
    filters: null,
  });

const v3Array = (codecs: unknown[], shape = [64, 64], chunk = [64, 64]) =>
  JSON.stringify({
    zarr_format: 3,
    node_type: 'array',
    shape,
    data_type: 'uint8',
    chunk_grid: { name: 'regular', configuration: { chunk_shape: chunk } },
    chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
    fill_value: 0,
    codecs,
  });

/** A shard of 2×2 inner chunks of 32×32 uint8 (1024 bytes each), with `index` as its (offset, length) pairs. */
function shard(index: [bigint, bigint][]): Buffer {
  const data = Buffer.alloc(4 * 1024, 5);
  const idx = Buffer.alloc(index.length * 16);
  index.forEach(([o, l], i) => {
    idx.writeBigUInt64LE(o, i * 16);
    idx.writeBigUInt64LE(l, i * 16 + 8);
  });
  return Buffer.concat([data, idx]);
}

const shardedCodecs = [
  {
    name: 'sharding_indexed',
    configuration: {
      chunk_shape: [32, 32],
      codecs: [{ name: 'bytes' }],
      index_codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
      index_location: 'end',
    },
  },
];
const EMPTY = 2n ** 64n - 1n;

/** A remote host that misbehaves per path. */
async function hostileRemote(bomb: Buffer): Promise<{ url: string; server: Server }> {
  const endless = async (res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    const block = Buffer.alloc(MB, 1);
    while (!res.destroyed) {
      if (!res.write(block))
        await new Promise<void>((r) => {
          // Whichever comes first: the other listener goes too (one per write would pile up on `close`).
          const go = () => {
            res.off('drain', go).off('close', go);
            r();
          };
          res.once('drain', go).once('close', go);
        });
    }
  };
  const server = createServer((req, res): void => {
    const path = req.url ?? '/';
    const json = (body: string) => res.writeHead(200, { 'Content-Length': Buffer.byteLength(body) }).end(body);
    if (path === '/r.zarr/.zgroup') return void json('{"zarr_format":2}');
    const m = /^\/r\.zarr\/([\w-]+)\/(.+)$/.exec(path);
    if (!m) return void res.writeHead(404).end();
    const [, name, key] = m;
    if (key === '.zarray') {
      if (name === 'endless-meta') return void endless(res);
      return void json(v2Array(name === 'bomb' ? { id: 'gzip', level: 1 } : null));
    }
    if (key === '.zattrs' || key === 'zarr.json' || key === '.zgroup') return void res.writeHead(404).end();
    if (key !== '0.0') return void res.writeHead(404).end();
    if (name === 'endless') return void endless(res);
    if (name === 'bomb') return void res.writeHead(200, { 'Content-Length': bomb.length }).end(bomb);
    if (name === 'short') {
      // Announces a whole chunk, sends a tenth, and hangs up.
      res.writeHead(200, { 'Content-Length': 65536 });
      res.write(Buffer.alloc(6553, 2), () => res.destroy());
      return;
    }
    if (name === 'huge') {
      res.writeHead(200, { 'Content-Length': 10 ** 12 });
      res.write(Buffer.alloc(1024, 3));
      return; // and nothing more: the announcement alone must be refused
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(!existsSync(CLI))('hostile data', () => {
  let work: string;
  let bossdb: BossdbFixture;
  let remote: { url: string; server: Server };
  let child: ChildProcess;
  let base: string;
  let peakHealthRss = 0;
  const gzBomb: { gzip: Buffer; zlib: Buffer } = { gzip: Buffer.alloc(0), zlib: Buffer.alloc(0) };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zb-hostile-'));
    // 64 MiB of zeros each in about 64 KB (a thousand times the 64 KiB its chunk holds): small enough to be a
    // plausible stored chunk, so it is its inflating that must be stopped; a 256 MiB one (about 250 KB) is
    // refused by its stored size alone.
    gzBomb.gzip = await zlibBomb(64 * MB, 'gzip');
    gzBomb.zlib = await zlibBomb(64 * MB, 'zlib');
    const bigBomb = await zlibBomb(256 * MB, 'gzip');

    const z = join(work, 'hostile.zarr');
    const put = (rel: string, body: string | Uint8Array) => {
      mkdirSync(join(z, rel, '..'), { recursive: true });
      writeFileSync(join(z, rel), body);
    };
    put('.zgroup', '{"zarr_format":2}');
    put('gzip-bomb/.zarray', v2Array({ id: 'gzip', level: 1 }));
    put('gzip-bomb/0.0', gzBomb.gzip);
    put('big-bomb/.zarray', v2Array({ id: 'gzip', level: 1 }));
    put('big-bomb/0.0', bigBomb);
    put('zlib-bomb/.zarray', v2Array({ id: 'zlib', level: 1 }));
    put('zlib-bomb/0.0', gzBomb.zlib);
    put('blosc-bomb/.zarray', v2Array({ id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 }));
    put('blosc-bomb/0.0', forgedBloscHeader(2 ** 30));
    put('lz4-bomb/.zarray', v2Array({ id: 'lz4', acceleration: 1 }));
    put('lz4-bomb/0.0', forgedLz4(2 ** 30));
    put('zstd-bomb/zarr.json', v3Array([{ name: 'bytes' }, { name: 'zstd', configuration: { level: 1 } }]));
    put('zstd-bomb/c/0/0', zstdBomb(2 ** 30));
    put('shard-past-end/zarr.json', v3Array(shardedCodecs));
    put(
      'shard-past-end/c/0/0',
      shard([
        [10n ** 6n, 1024n],
        [1024n, 1024n],
        [2048n, 1024n],
        [3072n, 1024n],
      ]),
    );
    put('shard-terabytes/zarr.json', v3Array(shardedCodecs));
    put(
      'shard-terabytes/c/0/0',
      shard([
        [0n, 2n ** 40n],
        [1024n, 1024n],
        [2048n, 1024n],
        [3072n, 1024n],
      ]),
    );
    put('shard-overlap/zarr.json', v3Array(shardedCodecs));
    put(
      'shard-overlap/c/0/0',
      shard([
        [0n, 1024n],
        [512n, 1024n],
        [2048n, 1024n],
        [EMPTY, EMPTY],
      ]),
    );
    put('huge-meta/.zarray', v2Array(null));
    put('huge-meta/.zattrs', `{"x":"${'a'.repeat(20 * MB)}"}`);
    put('deep-meta/.zarray', v2Array(null));
    put('deep-meta/.zattrs', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    symlinkSync('loop', join(z, 'loop'));
    symlinkSync('pong', join(z, 'ping'));
    symlinkSync('ping', join(z, 'pong'));
    // Big chunk files, cut while being read: one streamed (16 MiB), one read whole from a kept-open handle (2 MiB).
    put('big/zarr.json', v3Array([{ name: 'bytes' }], [4096, 4096], [4096, 4096]));
    put('big/c/0/0', Buffer.alloc(16 * MB, 9));
    put('mid/zarr.json', v3Array([{ name: 'bytes' }], [2048, 1024], [2048, 1024]));
    put('mid/c/0/0', Buffer.alloc(2 * MB, 8));

    const n5 = join(work, 'hostile.n5');
    const block = (dims: number[], payload: Uint8Array) => {
      const header = Buffer.alloc(4 + 4 * dims.length);
      header.writeUInt16BE(0, 0);
      header.writeUInt16BE(dims.length, 2);
      for (const [i, d] of dims.entries()) header.writeUInt32BE(d, 4 + 4 * i);
      return Buffer.concat([header, payload]);
    };
    const dataset = (name: string, blockBytes: Uint8Array) => {
      mkdirSync(join(n5, name, '0'), { recursive: true });
      writeFileSync(
        join(n5, name, 'attributes.json'),
        JSON.stringify({
          dimensions: [512, 512],
          blockSize: [256, 256],
          dataType: 'uint8',
          compression: { type: 'gzip' },
        }),
      );
      writeFileSync(join(n5, name, '0', '0'), blockBytes);
    };
    mkdirSync(n5, { recursive: true });
    writeFileSync(join(n5, 'attributes.json'), '{"n5":"2.0.0"}');
    dataset('bomb', block([256, 256], gzBomb.gzip));
    dataset('big-header', block([65536, 65536], gzBomb.gzip.subarray(0, 100)));

    remote = await hostileRemote(gzBomb.gzip);
    bossdb = await startBossdbFixture();
    child = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--port',
        '0',
        '--no-viewer',
        '--log-level',
        'error',
        '--bossdb-url',
        bossdb.url,
        '--open',
        z,
        '--open',
        n5,
        '--remote',
        `${remote.url}/r.zarr`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const listening = (async () => {
      while (!/listening on (\S+)/.test(out)) await new Promise((r) => setTimeout(r, 50));
    })();
    await Promise.race([listening, exited]);
    base = /listening on (\S+)/.exec(out)?.[1] ?? '';
    if (!base) throw new Error(`the bridge did not start: ${out}`);
  });

  afterAll(async () => {
    child?.kill('SIGTERM');
    remote?.server.closeAllConnections();
    remote?.server.close();
    await bossdb?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** GET, and the JSON error (or undefined) and status; notes the bridge's RSS after each. */
  async function get(path: string): Promise<{ status: number; error?: string; key?: string; detail?: string }> {
    const res = await fetch(`${base}${path}`);
    const body = Buffer.from(await res.arrayBuffer());
    const health = (await (await fetch(`${base}/health`)).json()) as { rssBytes: number };
    peakHealthRss = Math.max(peakHealthRss, health.rssBytes);
    if (res.status === 200) return { status: 200 };
    const parsed = JSON.parse(body.toString()) as { error: string; key?: string; detail: string };
    return { status: res.status, error: parsed.error, key: parsed.key, detail: parsed.detail };
  }

  const L = '/local/hostile.zarr';
  it.each([
    ['gzip bomb', `/zarr/v3${L}/gzip-bomb/c/0/0`, 'gzip-bomb/0/0'],
    ['gzip bomb stored larger than a chunk can be', `/zarr/v3${L}/big-bomb/c/0/0`, 'big-bomb/0.0'],
    ['zlib bomb', `/n5${L}/zlib-bomb/0/0`, 'zlib-bomb/0/0'],
    ['blosc header announcing 1 GiB', `/zarr/v3${L}/blosc-bomb/c/0/0`, 'blosc-bomb/0/0'],
    ['lz4 header announcing 1 GiB', `/zarr/v3${L}/lz4-bomb/c/0/0`, 'lz4-bomb/0/0'],
    ['zstd frame of 1 GiB in RLE blocks', `/zarr/v2${L}/zstd-bomb/0/0`, 'zstd-bomb/0/0'],
    ['N5 gzip bomb', '/zarr/v3/local/hostile.n5/bomb/c/0/0', 'bomb/0/0'],
    ['N5 block header larger than the block size', '/zarr/v3/local/hostile.n5/big-header/c/0/0', 'big-header/0/0'],
  ])('%s: 500 CorruptData naming the chunk', async (_what, path, key) => {
    const r = await get(path);
    expect(r).toMatchObject({ status: 500, error: 'CorruptData' });
    expect(r.key).toContain(key);
    expect(r.detail).toMatch(/larger than|more than|announces|block size/);
  });

  it.each([
    ['pointing past the end', 'shard-past-end', [0, 0], 500],
    ['asking for a terabyte', 'shard-terabytes', [0, 0], 500],
    ['with overlapping inner chunks', 'shard-overlap', [0, 1], 500],
  ] as const)('a shard index %s: a JSON error naming the shard', async (_what, name, [y, x], status) => {
    for (const path of [`/zarr/v2${L}/${name}/${y}/${x}`, `/n5${L}/${name}/${x}/${y}`]) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
      expect(r.error, path).toBe('CorruptData');
      expect(`${r.key} ${r.detail}`, path).toContain(`${name}/c/0/0`);
    }
    // The stored shard itself still passes through unchanged on /zarr/v3.
    expect((await get(`/zarr/v3${L}/${name}/c/0/0`)).status).toBe(200);
  });

  it.each([
    ['20 MiB of attributes', 'huge-meta'],
    ['attributes nested 100,000 deep', 'deep-meta'],
  ])('metadata with %s: CorruptData naming the file', async (_what, name) => {
    const r = await get(`/zarr/v2${L}/${name}/.zarray`);
    expect(r).toMatchObject({ status: 500, error: 'CorruptData', key: `${name}/.zattrs` });
  });

  it('symlink loops are missing, and the folder around them still lists', async () => {
    for (const name of ['loop', 'ping', 'pong']) {
      expect((await get(`/zarr/v2${L}/${name}/.zarray`)).status).toBe(404);
      expect((await get(`/zarr/v2${L}/${name}/0.0`)).status).toBe(404);
    }
    const listing = (await (await fetch(`${base}/zarr/v2${L}`)).json()) as string[];
    expect(listing.some((u) => /\/(loop|ping|pong)$/.test(u))).toBe(false);
    expect(listing.some((u) => u.endsWith('/gzip-bomb'))).toBe(true);
  });

  /** The body, or 'dropped' when the connection was cut (before or after the headers). */
  async function bodyOf(path: string): Promise<{ status: number; body: Buffer | 'dropped' }> {
    try {
      const res = await fetch(`${base}${path}`);
      return {
        status: res.status,
        body: await res.arrayBuffer().then(
          (b) => Buffer.from(b),
          () => 'dropped' as const,
        ),
      };
    } catch {
      return { status: 0, body: 'dropped' };
    }
  }

  it('a file cut while it is streamed: the whole file, or a dropped connection, never a short 200', async () => {
    const file = join(work, 'hostile.zarr/big/c/0/0');
    const original = readFileSync(file);
    const res = await fetch(`${base}/zarr/v3${L}/big/c/0/0`);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBe(original.length);
    truncateSync(file, MB);
    const body = await res.arrayBuffer().then(
      (b) => Buffer.from(b),
      () => 'dropped' as const,
    );
    if (body !== 'dropped') expect(body.equals(original)).toBe(true);
    // Asked again: once a read has seen the cut, the file as it is now.
    const first = await bodyOf(`/zarr/v3${L}/big/c/0/0`);
    const again = first.body === 'dropped' ? await bodyOf(`/zarr/v3${L}/big/c/0/0`) : first;
    expect(again.status).toBe(200);
    expect(again.body !== 'dropped' && again.body.equals(readFileSync(file))).toBe(true);
  });

  it('a file cut between two reads of a kept-open handle: its old bytes, its new bytes, or a JSON error', async () => {
    const file = join(work, 'hostile.zarr/mid/c/0/0');
    const before = readFileSync(file);
    expect((await bodyOf(`/zarr/v3${L}/mid/c/0/0`)).status).toBe(200);
    truncateSync(file, MB / 2);
    const after = readFileSync(file);
    const r = await bodyOf(`/zarr/v3${L}/mid/c/0/0`);
    expect(r.body).not.toBe('dropped');
    if (r.status === 200) expect((r.body as Buffer).equals(after) || (r.body as Buffer).equals(before)).toBe(true);
    else expect(JSON.parse(r.body.toString())).toMatchObject({ error: 'CorruptData', key: 'mid/c/0/0' });
    // And then the file as it is now.
    const again = await bodyOf(`/zarr/v3${L}/mid/c/0/0`);
    expect(again.status).toBe(200);
    expect((again.body as Buffer).equals(after)).toBe(true);
  });

  it.each([
    ['a body that never ends', 'endless', '/zarr/v3', 502],
    ['a body that never ends, passed through', 'endless', '/zarr/v2', 502],
    ['a body shorter than its Content-Length', 'short', '/zarr/v3', 502],
    ['a Content-Length of a terabyte', 'huge', '/zarr/v3', 502],
    ['a gzip bomb', 'bomb', '/zarr/v3', 500],
  ] as const)('a remote chunk with %s (%s on %s): a JSON error naming it', async (_what, name, face, status) => {
    const path = face === '/zarr/v3' ? `${face}/remote/r.zarr/${name}/c/0/0` : `${face}/remote/r.zarr/${name}/0.0`;
    const r = await get(path);
    expect(r.status).toBe(status);
    expect(r.error).toBe(status === 500 ? 'CorruptData' : 'Upstream');
    expect(`${r.key} ${r.detail}`).toMatch(new RegExp(`${name}/0[./]0`));
  });

  it('remote metadata that never ends: a JSON error naming the file', async () => {
    const r = await get('/zarr/v2/remote/r.zarr/endless-meta/.zarray');
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(`${r.key} ${r.detail}`).toContain('endless-meta/.zarray');
  });

  it.each([
    ['a blosc header announcing 1 GiB', 'blosc-bomb'],
    ['a body that never ends', 'endless'],
  ] as const)('BossDB answering a cutout with %s: 502 JSON, retried and refused', async (_what, kind) => {
    bossdb.settings.hostileBody = kind;
    bossdb.settings.hostileNext = 100;
    try {
      const r = await get('/zarr/v3/bossdb/zb_public/aniso/em16/2/c/0/0/0');
      expect(r).toMatchObject({ status: 502, error: 'Upstream' });
      expect(r.detail).toMatch(/cutout/);
    } finally {
      bossdb.settings.hostileNext = 0;
    }
  });

  it('BossDB answering npygz with a zlib bomb: refused while inflating, memory bounded', async () => {
    bossdb.settings.hostileBody = 'npygz-bomb';
    bossdb.settings.hostileNext = 1;
    const client = new BossdbClient({ url: bossdb.url });
    const before = process.memoryUsage().rss;
    const e = await client
      .cutout(
        {
          collection: 'zb_public',
          experiment: 'aniso',
          channel: 'em16',
          resolution: 0,
          x: [0, 64],
          y: [0, 64],
          z: [0, 4],
          datatype: 'uint16',
        },
        { encoding: 'npygz' },
      )
      .catch((x: unknown) => x);
    expect((e as { tag?: string }).tag).toBe('Upstream');
    expect(String((e as Error).message)).toMatch(/incomplete body|unexpected body/);
    // The bomb inflates to 128 MiB; it was stopped at the cutout's 32 KiB (plus the .npy header).
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * MB);
  });

  it('keeps answering, and its peak RSS stayed under 300 MB throughout', async () => {
    expect((await fetch(`${base}/zarr/v2${L}/.zgroup`)).status).toBe(200);
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
    console.log(
      `hostile data: bridge peak RSS ${(peak / MB).toFixed(0)} MiB (VmHWM), highest /health rssBytes ${(peakHealthRss / MB).toFixed(0)} MiB`,
    );
    expect(peakHealthRss).toBeLessThan(300e6);
    expect(peak).toBeLessThan(300e6);
  });
});
