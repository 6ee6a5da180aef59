/**
 * HTTP details clients depend on: HEAD, Range and ETag (a sharded array read
 * the way Neuroglancer reads it), the origin policy (Host, CORS, Private
 * Network Access, API key), and confinement to the opened folders.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { FIXTURES, fixturesPresent, missing, REPO } from './support/env.js';
import { until } from './support/until.js';

/** Raw request, so Host and odd paths go out exactly as written. */
function raw(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

const skip = missing('shared fixtures', fixturesPresent());

describe.skipIf(skip)('HTTP behaviour', () => {
  let bridge: Bridge;
  let work: string;
  const CANARY = 'CANARY-outside-the-opened-folder';

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zb-http-'));
    // An opened folder with a symlink pointing outside it, and a canary file outside.
    writeFileSync(join(work, 'secret.txt'), CANARY);
    const opened = join(work, 'opened.zarr');
    cpSync(join(FIXTURES, 'generated/image_gzip.ome.zarr'), opened, { recursive: true });
    symlinkSync(join(work, 'secret.txt'), join(opened, '0', 'leak'));
    mkdirSync(join(work, 'outside-group'));
    writeFileSync(join(work, 'outside-group', '.zgroup'), '{"zarr_format":2}');
    writeFileSync(join(work, 'outside-group', '.zattrs'), JSON.stringify({ canary: CANARY }));
    symlinkSync(join(work, 'outside-group'), join(opened, 'escape'));
    bridge = await startBridge({
      port: 0,
      open: [join(FIXTURES, 'generated/image_sharded.ome.zarr'), opened],
      allowOrigins: ['https://example.org'],
    });
  });
  afterAll(async () => {
    await bridge?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('reads a shard as Neuroglancer does: HEAD for the size, then Range GETs of the index and a chunk', async () => {
    const url = `${bridge.url}/zarr/v3/local/image_sharded.ome.zarr/0/c/1/0/1/1`;
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    const size = Number(head.headers.get('content-length'));
    expect(size).toBeGreaterThan(0);
    // Shard 1×8×64×64 of inner 1×4×32×32 = 8 inner chunks; index at the end: 8×16 bytes + crc32c.
    const indexBytes = 8 * 16 + 4;
    const idx = await fetch(url, { headers: { Range: `bytes=${size - indexBytes}-${size - 1}` } });
    expect(idx.status).toBe(206);
    expect(idx.headers.get('content-range')).toBe(`bytes ${size - indexBytes}-${size - 1}/${size}`);
    const index = Buffer.from(await idx.arrayBuffer());
    expect(index.length).toBe(indexBytes);
    // Shard (c=1, z 0-7, y 64-127, x 64-127). Inner (z=1: z 4-7) is empty by the fixture's
    // formula (c==1 and z>=4 → 0), so its entry is (2^64-1, 2^64-1).
    expect(index.readBigUInt64LE(5 * 16)).toBe(2n ** 64n - 1n);
    // Inner (z=0, y=0, x=1) is entry 1: z 0-3, y 64-95, x 96-127.
    const offset = Number(index.readBigUInt64LE(1 * 16));
    const length = Number(index.readBigUInt64LE(1 * 16 + 8));
    const part = await fetch(url, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
    expect(part.status).toBe(206);
    const values = new Uint16Array(new Uint8Array(gunzipSync(Buffer.from(await part.arrayBuffer()))).buffer);
    expect(values.length).toBe(4 * 32 * 32);
    const expected = (z: number, y: number, x: number) => (10000 + z * 1000 + y * 7 + x) % 65536;
    expect(values[0]).toBe(expected(0, 64, 96));
    expect(values[1]).toBe(expected(0, 64, 97));
    expect(values[3 * 1024 + 31 * 32 + 31]).toBe(expected(3, 95, 127));
    const etag = head.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(url, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    const bad = await fetch(url, { headers: { Range: `bytes=${size + 10}-` } });
    expect(bad.status).toBe(416);
  });

  it('checks Host against DNS rebinding', async () => {
    const port = bridge.port;
    expect((await raw(port, '/zarr/v2/', { Host: `evil.example:${port}` })).status).toBe(403);
    expect((await raw(port, '/zarr/v2/', { Host: `localhost:${port}` })).status).toBe(200);
  });

  it('echoes allowed and loopback origins exactly, and never answers foreign or null origins', async () => {
    const port = bridge.port;
    const acao = async (origin: string) =>
      (await raw(port, '/zarr/v2/', { Origin: origin })).headers['access-control-allow-origin'];
    expect(await acao('https://example.org')).toBe('https://example.org');
    expect(await acao('https://neuroglancer-demo.appspot.com')).toBe('https://neuroglancer-demo.appspot.com');
    expect(await acao('http://localhost:8080')).toBe('http://localhost:8080');
    expect(await acao('http://127.0.0.1:9999')).toBe('http://127.0.0.1:9999');
    expect(await acao('https://evil.example')).toBeUndefined();
    expect(await acao('null')).toBeUndefined();
    expect(await acao('https://example.org.evil.example')).toBeUndefined();
  });

  it('answers the Private Network Access preflight for allowed origins only', async () => {
    const port = bridge.port;
    const pre = (origin: string) =>
      raw(
        port,
        '/zarr/v3/local/image_sharded.ome.zarr/zarr.json',
        {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Private-Network': 'true',
          'Access-Control-Request-Headers': 'range',
        },
        'OPTIONS',
      );
    const ok = await pre('https://hms-dbmi.github.io');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-private-network']).toBe('true');
    expect(ok.headers['access-control-allow-origin']).toBe('https://hms-dbmi.github.io');
    expect(ok.headers['access-control-allow-headers']).toBe('range');
    const no = await pre('https://evil.example');
    expect(no.status).toBe(403);
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
    expect(no.headers['access-control-allow-private-network']).toBeUndefined();
  });

  it('never serves a byte from outside an opened folder', async () => {
    const port = bridge.port;
    const attempts = [
      '/zarr/v2/local/opened.zarr/../../secret.txt',
      '/zarr/v2/local/opened.zarr/%2e%2e/%2e%2e/secret.txt',
      '/zarr/v2/local/opened.zarr/%252e%252e/secret.txt',
      '/zarr/v2/local/opened.zarr/..%2f..%2fsecret.txt',
      '/zarr/v2/local/opened.zarr/..%5c..%5csecret.txt',
      '/zarr/v2/local/opened.zarr/0/%2e%2e%2f%2e%2e%2f..%2fsecret.txt',
      `/zarr/v2/local/opened.zarr/${encodeURIComponent(join(work, 'secret.txt'))}`,
      '/zarr/v2/local/opened.zarr/0/leak',
      '/zarr/v2/local/opened.zarr/0/0/leak',
      '/zarr/v2/local/opened.zarr/escape/.zattrs',
      '/zarr/v3/local/opened.zarr/escape/zarr.json',
      '/n5/local/opened.zarr/escape/attributes.json',
      '/zarr/v2/local/opened.zarr',
      '/catalog/local/opened.zarr/escape',
      '/..%2f..%2f..%2fetc%2fpasswd',
    ];
    for (const path of attempts) {
      const res = await raw(port, path);
      expect(res.status, path).not.toBe(500);
      expect(res.body.toString('latin1').includes(CANARY), path).toBe(false);
    }
    const listing = (await raw(port, '/zarr/v2/local/opened.zarr')).body.toString();
    expect(listing.includes('escape')).toBe(false);
  });
});

describe.skipIf(skip)('hot-object cache', () => {
  it('serves changed files fresh, and a file swapped for a symlink to outside is refused', async () => {
    const work = mkdtempSync(join(tmpdir(), 'zb-hot-'));
    const opened = join(work, 'img.ome.zarr');
    cpSync(join(FIXTURES, 'generated/image_gzip.ome.zarr'), opened, { recursive: true });
    writeFileSync(join(work, 'outside.txt'), 'CANARY-hot-cache');
    const bridge = await startBridge({ port: 0, open: [opened] });
    try {
      const url = `${bridge.url}/zarr/v2/local/img.ome.zarr/0/0/0/0/0/0`;
      const first = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(first.length).toBeGreaterThan(0);
      // Rewritten: served fresh once the 1 s freshness window has passed.
      writeFileSync(join(opened, '0/0/0/0/0/0'), Buffer.concat([first, Buffer.from('x')]));
      await new Promise((r) => setTimeout(r, 1100));
      expect((await (await fetch(url)).arrayBuffer()).byteLength).toBe(first.length + 1);
      // Swapped for a symlink leading outside: never those bytes.
      rmSync(join(opened, '0/0/0/0/0/0'));
      symlinkSync(join(work, 'outside.txt'), join(opened, '0/0/0/0/0/0'));
      await new Promise((r) => setTimeout(r, 1100));
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('CANARY');
    } finally {
      await bridge.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skip)('chunks read again without walking the catalog', () => {
  it('answer what the path names now (after the freshness window): gone is 404, back is 200, swapped outside is 403; Range and HEAD as usual', async () => {
    const work = mkdtempSync(join(tmpdir(), 'zb-reread-'));
    const opened = join(work, 'img.ome.zarr');
    cpSync(join(FIXTURES, 'generated/image_gzip.ome.zarr'), opened, { recursive: true });
    writeFileSync(join(work, 'outside.txt'), 'CANARY-reread');
    const file = join(opened, '0/0/0/0/0/1');
    const bridge = await startBridge({ port: 0, open: [opened] });
    try {
      const path = '/zarr/v2/local/img.ome.zarr/0/0/0/0/0/1';
      const stored = readFileSync(file);
      // A first read: served, not kept in memory; the path is remembered for reading again.
      expect((await raw(bridge.port, path)).body.equals(stored)).toBe(true);
      const part = await raw(bridge.port, path, { Range: 'bytes=2-9' });
      expect(part.status).toBe(206);
      expect(part.body.equals(stored.subarray(2, 10))).toBe(true);
      const head = await raw(bridge.port, path, {}, 'HEAD');
      expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, String(stored.length), 0]);
      rmSync(file);
      // Within its 1 s freshness window a kept handle may still answer with the file it holds; after it, never.
      await new Promise((r) => setTimeout(r, 1100));
      const gone = await raw(bridge.port, path);
      expect(gone.status).toBe(404);
      expect(JSON.parse(gone.body.toString()).error).toBe('NotFound');
      writeFileSync(file, stored);
      expect((await raw(bridge.port, path)).body.equals(stored)).toBe(true);
      rmSync(file);
      symlinkSync(join(work, 'outside.txt'), file);
      // Whichever way the request goes (read again, or walked), never the bytes outside.
      await until(async () => (await raw(bridge.port, path)).status === 403);
      expect((await raw(bridge.port, path)).body.toString()).not.toContain('CANARY');
    } finally {
      await bridge.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skip)('replayed chunks', () => {
  it('answer Range, If-None-Match, HEAD and the origin policy exactly as the first time', async () => {
    const bridge = await startBridge({
      port: 0,
      apiKey: 'k3y',
      open: [join(FIXTURES, 'generated/image_gzip.ome.zarr')],
    });
    try {
      const path = '/zarr/v2/local/image_gzip.ome.zarr/0/0/0/0/0/0';
      const key = { Authorization: 'Apikey k3y' };
      const first = await raw(bridge.port, path, key);
      expect(first.status).toBe(200);
      const etag = String(first.headers.etag);
      // The same chunk again, now from the replay path: same bytes and validators.
      const again = await raw(bridge.port, path, key);
      expect(again.status).toBe(200);
      expect(again.body.equals(first.body)).toBe(true);
      expect(again.headers.etag).toBe(etag);
      const part = await raw(bridge.port, path, { ...key, Range: 'bytes=2-9' });
      expect(part.status).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes 2-9/${first.body.length}`);
      expect(part.body.equals(first.body.subarray(2, 10))).toBe(true);
      expect((await raw(bridge.port, path, { ...key, 'If-None-Match': etag })).status).toBe(304);
      const head = await raw(bridge.port, path, key, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(String(first.body.length));
      expect(head.body.length).toBe(0);
      // A held chunk is no way around the key, the Host check or the method check.
      expect((await raw(bridge.port, path)).status).toBe(401);
      expect((await raw(bridge.port, `${path}?api_key=wrong`)).status).toBe(401);
      expect((await raw(bridge.port, `${path}?api_key=k3y`)).status).toBe(200);
      expect((await raw(bridge.port, path, { ...key, Host: 'evil.example' })).status).toBe(403);
      expect((await raw(bridge.port, path, key, 'DELETE')).status).toBe(405);
      const cors = await raw(bridge.port, path, { ...key, Origin: 'https://evil.example' });
      expect(cors.headers['access-control-allow-origin']).toBeUndefined();
      expect(cors.headers.vary).toBe('Origin');
      // An allowed origin gets its CORS headers on replayed chunks, decoded chunks, JSON and errors alike.
      const viewer = { ...key, Origin: 'https://ome.github.io' };
      for (const [url, status] of [
        [path, 200],
        ['/zarr/v3/local/image_gzip.ome.zarr/0/c/0/0/0/0/0', 200],
        ['/zarr/v2/local/image_gzip.ome.zarr/0/.zarray', 200],
        ['/zarr/v2/local/image_gzip.ome.zarr/0/9/9/9/9/9', 404],
        ['/zarr/v2/local/nothing-here/.zarray', 404],
      ] as const) {
        const res = await raw(bridge.port, url, viewer);
        expect(res.status, url).toBe(status);
        expect(res.headers['access-control-allow-origin'], url).toBe('https://ome.github.io');
        expect(res.headers['access-control-expose-headers'], url).toContain('ETag');
        expect(res.headers.vary, url).toBe('Origin');
      }
    } finally {
      await bridge.close();
    }
  });
});

const viewerDir = join(REPO, 'out/renderer');

describe.skipIf(missing('the built viewer (npm run build)', existsSync(join(viewerDir, 'index.html'))))(
  'the served viewer',
  () => {
    it('sends its page with a CSP and revalidation, and hashed assets as immutable', async () => {
      const bridge = await startBridge({ port: 0, viewerDir });
      try {
        const page = await raw(bridge.port, '/');
        expect(page.status).toBe(200);
        expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
        expect(String(page.headers['cache-control'] ?? '')).not.toContain('immutable');
        const asset = /src="\.?(\/assets\/[^"]+\.js)"/.exec(page.body.toString())?.[1];
        expect(asset).toBeDefined();
        const js = await raw(bridge.port, asset!);
        expect(js.status).toBe(200);
        expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(js.headers['content-security-policy']).toBeUndefined();
      } finally {
        await bridge.close();
      }
    });
  },
);

describe.skipIf(skip)('API key', () => {
  it('is required to bind beyond loopback', async () => {
    await expect(startBridge({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/api-key/);
  });

  it('guards every face when set: 401 without it, 200 with the header or the query parameter', async () => {
    const bridge = await startBridge({ port: 0, apiKey: 's3cret', open: [join(FIXTURES, 'generated/data.n5')] });
    try {
      for (const path of ['/zarr/v2/', '/zarr/v3/local/data.n5/zarr.json', '/n5/local/data.n5/s0/0/0/0', '/catalog/']) {
        expect((await fetch(`${bridge.url}${path}`)).status, path).toBe(401);
        expect((await fetch(`${bridge.url}${path}`, { headers: { Authorization: 'Apikey wrong' } })).status, path).toBe(
          401,
        );
        expect(
          (await fetch(`${bridge.url}${path}`, { headers: { Authorization: 'apikey s3cret' } })).status,
          path,
        ).toBe(200);
        expect((await fetch(`${bridge.url}${path}?api_key=s3cret`)).status, path).toBe(200);
      }
    } finally {
      await bridge.close();
    }
  });
});

describe.skipIf(skip || !existsSync(join(viewerDir, 'index.html')))('API key and the viewer', () => {
  it("serves the viewer without the key; /?api_key= sets this port's cookie and redirects without it", async () => {
    const bridge = await startBridge({
      port: 0,
      apiKey: 's3cret',
      viewerDir,
      open: [join(FIXTURES, 'generated/data.n5')],
    });
    try {
      expect((await raw(bridge.port, '/')).status).toBe(200);
      const ok = await raw(bridge.port, '/?api_key=s3cret&source=local/data.n5');
      expect(ok.status).toBe(302);
      expect(ok.headers.location).toBe('/?source=local%2Fdata.n5');
      const cookie = String(ok.headers['set-cookie']);
      expect(cookie).toContain(`zarr_bridge_key_${bridge.port}=s3cret`);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      const wrong = await raw(bridge.port, '/?api_key=nope');
      expect(wrong.status).toBe(302);
      expect(wrong.headers['set-cookie']).toBeUndefined();
      // The cookie opens data and control routes; a wrong or foreign cookie does not.
      const withCookie = { Cookie: `zarr_bridge_key_${bridge.port}=s3cret` };
      expect((await raw(bridge.port, '/zarr/v3/local/data.n5/zarr.json', withCookie)).status).toBe(200);
      expect((await raw(bridge.port, '/control/settings', withCookie)).status).toBe(200);
      expect((await raw(bridge.port, '/catalog/', { Cookie: 'zarr_bridge_key_1=nope' })).status).toBe(401);
      expect((await raw(bridge.port, '/control/settings')).status).toBe(401);
    } finally {
      await bridge.close();
    }
  });
});
