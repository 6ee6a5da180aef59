/**
 * 2,000+ random and malformed requests — bad, huge and negative chunk indices,
 * non-numeric keys, encoded traversal, very long paths, odd methods and
 * headers, raw garbage on the socket — must get only 4xx answers (no 500,
 * no hang, no crash), and the server must answer normally afterwards.
 */

import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { FIXTURES, fixturesPresent, missing } from './support/env.js';

/** Deterministic so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const BASES = [
  '/zarr/v2/local/image_gzip.ome.zarr',
  '/zarr/v2/local/image_gzip.ome.zarr/0',
  '/zarr/v3/local/image_sharded.ome.zarr/0',
  '/zarr/v3/local/image_sharded.ome.zarr/1',
  '/n5/local/image_gzip.ome.zarr/s0',
  '/n5/local/data.n5/s1',
  '/zarr/v2/local/data.zarr/3d.chunked.i2',
  '/zarr/v3/local/data.zarr-2/1d.chunked.string.vlen',
  '/catalog/local',
  '/zarr/v3',
  '/n5',
  '',
];
const KEYS = [
  '0',
  '1',
  '-1',
  '99999999999999999999',
  '4294967296',
  '1e3',
  '0x10',
  'NaN',
  'c',
  '.zarray',
  '.zattrs',
  '.zgroup',
  'zarr.json',
  'attributes.json',
  '..',
  '%2e%2e',
  '%252e%252e',
  '..%2f..%2fetc%2fpasswd',
  '%5c..%5c',
  '%00',
  '%ff',
  '%',
  '%zz',
  'con',
  'a'.repeat(300),
  '%F0%9F%92%A5',
  '%20',
  '0.0.0',
  '0.0',
  '.',
  '~',
  '*',
  '?x=1',
  '#frag',
];
const METHODS = [
  ...Array(20).fill('GET'),
  'HEAD',
  'HEAD',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'PROPFIND',
  'TRACE',
];

function send(port: number, path: string, method: string, headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers }, timeout: 120_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => reject(new Error(`hang: ${method} ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

function rawSocket(port: number, bytes: string) {
  return new Promise<string>((resolve) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    s.setTimeout(5_000, () => s.destroy());
    s.on('data', (d) => {
      out += d.toString('latin1');
    });
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    s.end(bytes);
  });
}

const skip = missing('shared fixtures', fixturesPresent());

describe.skipIf(skip)('fuzz', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await startBridge({
      port: 0,
      open: [
        'generated/image_gzip.ome.zarr',
        'generated/image_sharded.ome.zarr',
        'generated/data.n5',
        'zarrita/v2/data.zarr',
        'zarrita/v3/data.zarr',
      ].map((f) => join(FIXTURES, f)),
    });
  });
  afterAll(() => bridge?.close());

  it('answers 2,400 random and malformed requests with 4xx only, then works normally', async () => {
    const next = rng(20261122);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    const port = bridge.port;
    const jobs: (() => Promise<void>)[] = [];
    for (let i = 0; i < 2400; i++) {
      const depth = Math.floor(next() * 7);
      let path = pick(BASES);
      for (let d = 0; d < depth; d++) path += `/${pick(KEYS)}`;
      if (next() < 0.05) path += `/${'x/'.repeat(2000)}`;
      if (next() < 0.1) path = path.replace(/\/(\d+)/g, () => `/${Math.floor(next() * 2 ** 40) - 2 ** 39}`);
      const method = pick(METHODS);
      const headers: Record<string, string> = {};
      if (next() < 0.2)
        headers.Range = pick([
          'bytes=0-',
          'bytes=-1',
          'bytes=999999999-',
          'bytes=5-2',
          'bytes=a-b',
          'bytes=0-1,3-4',
          'lines=1-2',
        ]);
      if (next() < 0.1) headers.Origin = pick(['null', 'https://evil.example', 'http://localhost:1', 'garbage']);
      if (next() < 0.05) headers['If-None-Match'] = '"x"';
      if (next() < 0.05) headers.Authorization = 'Apikey nope';
      jobs.push(async () => {
        const status = await send(port, path, method, headers);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // 200/206/304/416 are fine answers to requests that happened to be valid.
        const ok = [200, 204, 206, 304, 400, 401, 403, 404, 405, 416, 431].includes(status);
        if (!ok) bad.push(`${status} ${method} ${path.slice(0, 200)}`);
      });
    }
    // 16 at a time, as a busy client would.
    for (let i = 0; i < jobs.length; i += 16) await Promise.all(jobs.slice(i, i + 16).map((j) => j()));
    const garbage = [
      'GARBAGE\r\n\r\n',
      'GET /zarr/v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      `GET /zarr/v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX: ${'b'.repeat(70_000)}\r\n\r\n`,
      'GET /zarr/v2/ HTTP/1.1\r\n\r\n',
      'GET /zarr/v2/ HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
      '\u0000\u0001\u0002\r\n',
    ];
    for (const g of garbage) {
      const answer = await rawSocket(port, g);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
      if (status >= 500) bad.push(`${status} raw ${JSON.stringify(g.slice(0, 60))}`);
    }
    console.log('fuzz statuses', JSON.stringify([...statuses].sort()));
    expect(bad, [...statuses].join(' ')).toEqual([]);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(2400);
    // Still serving normally.
    const res = await fetch(`${bridge.url}/zarr/v2/local/image_gzip.ome.zarr/0/0/0/0/0/0`);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});
