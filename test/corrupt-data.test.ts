/**
 * Damaged data on disk: a truncated chunk, a bad gzip stream, a damaged shard
 * index, invalid JSON metadata. Each gives a JSON error naming the key (never
 * a 200 with wrong bytes, never a 404 that readers would take as "empty"),
 * and every other key keeps working.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { FIXTURES, fixturesPresent, missing } from './support/env.js';

const skip = missing('shared fixtures', fixturesPresent());

describe.skipIf(skip)('corrupt data on disk', () => {
  let bridge: Bridge;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zb-corrupt-'));
    const gz = join(work, 'gzip.ome.zarr');
    cpSync(join(FIXTURES, 'generated/image_gzip.ome.zarr'), gz, { recursive: true });
    // Truncated chunk and a chunk whose gzip stream is garbage.
    truncateSync(join(gz, '0/0/0/0/0/0'), 40);
    const bad = readFileSync(join(gz, '0/0/0/0/0/1'));
    bad.fill(0x55, 10, 60);
    writeFileSync(join(gz, '0/0/0/0/0/1'), bad);
    writeFileSync(join(gz, '1/.zarray'), '{"zarr_format": 2, "shape": [');
    const sh = join(work, 'sharded.ome.zarr');
    cpSync(join(FIXTURES, 'generated/image_sharded.ome.zarr'), sh, { recursive: true });
    // Damage the index (at the end) of one level-0 shard: offsets point past the file.
    const shard = join(sh, '0/c/0/0/0/0');
    const bytes = readFileSync(shard);
    bytes.fill(0xee, bytes.length - 132, bytes.length - 4);
    writeFileSync(shard, bytes);
    bridge = await startBridge({ port: 0, open: [gz, sh] });
  });
  afterAll(async () => {
    await bridge?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const get = async (path: string) => {
    const res = await fetch(`${bridge.url}${path}`);
    const body = res.headers.get('content-type')?.includes('json')
      ? ((await res.json()) as Record<string, unknown>)
      : undefined;
    return { status: res.status, body };
  };

  it.each([
    ['/zarr/v3/local/gzip.ome.zarr/0/c/0/0/0/0/0', 'truncated chunk'],
    ['/zarr/v3/local/gzip.ome.zarr/0/c/0/0/0/0/1', 'bad gzip stream'],
    ['/n5/local/gzip.ome.zarr/s0/1/0/0/0/0', 'bad gzip stream on N5'],
    ['/zarr/v2/local/sharded.ome.zarr/0/0/0/0/0', 'damaged shard index'],
    ['/zarr/v2/local/gzip.ome.zarr/1/.zarray', 'invalid JSON metadata'],
  ])('%s (%s) is a JSON error naming the key', async (path) => {
    const { status, body } = await get(path);
    expect(status).toBe(500);
    expect(body?.error).toBe('CorruptData');
    expect(typeof body?.key).toBe('string');
    expect(String(body?.key).length).toBeGreaterThan(0);
  });

  it('keeps every other key working', async () => {
    expect((await get('/zarr/v3/local/gzip.ome.zarr/0/c/0/0/0/1/0')).status).toBe(200);
    expect((await get('/zarr/v2/local/gzip.ome.zarr/2/0/0/0/0/0')).status).toBe(200);
    expect((await get('/zarr/v2/local/gzip.ome.zarr/.zattrs')).status).toBe(200);
    expect((await get('/zarr/v2/local/sharded.ome.zarr/0/1/0/0/0')).status).toBe(200);
    // Passing the damaged shard through unchanged is what a v3 reader asked for; its bytes are the file's.
    expect((await get('/zarr/v3/local/sharded.ome.zarr/0/c/0/0/0/0')).status).toBe(200);
  });
});
