/**
 * Bad input gets a clear answer, never a 500 or a crash: names no file
 * system can hold, on every face and every kind of source.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { type BossdbFixture, startBossdbFixture } from './bossdb-fixture/index.js';
import { FIXTURES, fixturesPresent, missing } from './support/env.js';
import { type StaticServer, startStaticServer } from './support/static-server.js';

describe.skipIf(missing('shared fixtures', fixturesPresent()))('names longer than a file system allows', () => {
  let bossdb: BossdbFixture;
  let upstream: StaticServer;
  let bridge: Bridge;
  beforeAll(async () => {
    bossdb = await startBossdbFixture();
    upstream = await startStaticServer(join(FIXTURES, 'generated'));
    bridge = await startBridge({
      port: 0,
      open: [join(FIXTURES, 'generated/image_gzip.ome.zarr'), join(FIXTURES, 'generated/data.n5')],
      remote: [`${upstream.url}/image_blosc.ome.zarr`],
      bossdb: { url: bossdb.url },
    });
  });
  afterAll(async () => {
    await bridge?.close();
    await upstream?.close();
    await bossdb?.close();
  });

  // 255 bytes is NAME_MAX on Linux, macOS and Windows file systems.
  const long = 'k'.repeat(300);
  const wide = '細'.repeat(100); // 100 characters, 300 UTF-8 bytes
  const places = [
    'local/image_gzip.ome.zarr',
    'local/image_gzip.ome.zarr/0',
    'local/image_gzip.ome.zarr/labels',
    'local/data.n5',
    'local/data.n5/s0',
    'remote/image_blosc.ome.zarr',
    'remote/image_blosc.ome.zarr/0',
    'bossdb',
    'bossdb/zb_public/aniso/em',
  ];
  const urls = (name: string) => [
    ...places.flatMap((p) => [
      `/zarr/v2/${p}/${name}`,
      `/zarr/v2/${p}/${name}/.zattrs`,
      `/zarr/v3/${p}/${name}`,
      `/zarr/v3/${p}/${name}/zarr.json`,
      `/n5/${p}/${name}`,
      `/n5/${p}/${name}/attributes.json`,
      `/catalog/${p}/${name}`,
    ]),
    `/api/zb_public/aniso/${name}/attributes.json`,
    `/api/zb_public/${name}/em/s0/0/0/0/0`,
    `/ome/${name}/aniso/em/.zattrs`,
    `/ome/zb_public/aniso/em/0/${name}`,
  ];

  it.each([
    ['300 ASCII characters', long],
    ['100 CJK characters (300 bytes)', encodeURIComponent(wide)],
  ])('a segment of %s answers 404 or 400 JSON everywhere', async (_what, name) => {
    const answers = await Promise.all(
      urls(name).map(async (u) => {
        const res = await fetch(`${bridge.url}${u}`);
        const body = await res.text();
        let error: unknown;
        try {
          error = (JSON.parse(body) as { error?: unknown }).error;
        } catch {
          error = undefined;
        }
        return { url: u.replace(name, '<long>'), status: res.status, json: typeof error === 'string' };
      }),
    );
    const wrong = answers.filter((a) => !(a.status === 404 || a.status === 400) || !a.json);
    expect(wrong).toEqual([]);
    // The bridge still answers.
    expect((await fetch(`${bridge.url}/zarr/v2/local/image_gzip.ome.zarr/.zattrs`)).status).toBe(200);
  });
});
