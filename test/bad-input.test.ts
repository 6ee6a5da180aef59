/**
 * Bad input gets a clear answer, never a 500 or a crash: names no file
 * system can hold, on every face and every kind of source; folders and URLs
 * that cannot be opened, refused in one line that says why — by
 * `zarr-bridge serve` and by the viewer's /control routes alike.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { type BossdbFixture, startBossdbFixture } from './bossdb-fixture/index.js';
import { finished } from './support/convert.js';
import { FIXTURES, fixturesPresent, missing, REPO } from './support/env.js';
import { closedPort } from './support/ports.js';
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

const CLI = join(REPO, 'out/main/cli.js');

/** Runs `zarr-bridge …` to its end (it exits on bad input); its exit code and what it printed. */
const runCli = (args: string[]) =>
  finished(spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));

describe.skipIf(
  missing('shared fixtures', fixturesPresent()) || missing('a built CLI (npm run build)', existsSync(CLI)),
)('sources that cannot be opened', () => {
  let work: string;
  let upstream: StaticServer;
  let refused: string;
  const tried = 'tried zarr.json (Zarr v3), .zgroup, .zarray, .zattrs (Zarr v2) and attributes.json (N5)';
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zb-bad-input-'));
    mkdirSync(join(work, 'empty'));
    mkdirSync(join(work, 'photos', 'holiday'), { recursive: true });
    writeFileSync(join(work, 'photos', 'readme.txt'), 'no arrays here');
    writeFileSync(join(work, 'photos', 'holiday', 'beach.jpg'), 'not an image either');
    writeFileSync(join(work, 'file.zarr'), 'a file, not a folder');
    upstream = await startStaticServer(work);
    refused = `http://127.0.0.1:${await closedPort()}/image.zarr`;
  });
  afterAll(async () => {
    await upstream?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const cases = (): { args: string[]; says: string; control?: string }[] => [
    {
      args: ['--open', join(work, 'empty')],
      says: `${join(work, 'empty')} is an empty folder: there is nothing to open`,
    },
    {
      args: ['--open', join(work, 'photos')],
      says: `${join(work, 'photos')} holds no Zarr, N5 or image slices: none of zarr.json, .zgroup, .zarray, .zattrs, attributes.json is in it or in a folder directly inside it`,
    },
    { args: ['--open', join(work, 'no-such.zarr')], says: `no such folder: ${join(work, 'no-such.zarr')}` },
    {
      args: ['--open', join(work, 'file.zarr')],
      says: `${join(work, 'file.zarr')} is a file, not a folder, and not a TIFF: open a .zarr, .ome.zarr or .n5 folder, a TIFF file or a folder of image slices`,
    },
    {
      args: ['--bossdb-url', 'ftp://x'],
      says: '--bossdb-url: ftp://x is not an http(s) URL (or "none" to leave BossDB out)',
    },
    {
      args: ['--remote', 'ftp://x/a.zarr'],
      says: '--remote: ftp://x/a.zarr is not an http(s) URL',
      control: 'only http(s) URLs can be mounted, not ftp: ftp://x/a.zarr',
    },
    {
      args: ['--remote', `${upstream.url}/photos`],
      says: `no Zarr or N5 data at ${upstream.url}/photos: ${tried}, and each was missing (404)`,
    },
    { args: ['--remote', refused], says: `cannot read ${refused}: connection refused (ECONNREFUSED) (${tried})` },
  ];

  it('`zarr-bridge serve` refuses each in one line and exits', async () => {
    const runs = cases().map(async (c) => {
      const bossdb = c.args[0] === '--bossdb-url' ? [] : ['--bossdb-url', 'none'];
      return { c, r: await runCli(['serve', '--port', '0', '--no-viewer', ...bossdb, ...c.args]) };
    });
    for (const { c, r } of await Promise.all(runs)) {
      expect(r.code, c.args.join(' ')).not.toBe(0);
      expect(r.stdout, c.args.join(' ')).not.toContain('listening');
      const first = r.stderr.split('\n')[0];
      expect(first.replace(/^zarr-bridge: /, ''), c.args.join(' ')).toBe(c.says);
      expect(r.stderr, c.args.join(' ')).not.toMatch(/ENOENT|realpath|\n\s+at /);
    }
  });

  it("the viewer's /control routes answer the same reasons as JSON, and mount nothing", async () => {
    const bridge = await startBridge({ port: 0 });
    try {
      const post = async (route: string, body: unknown) => {
        const res = await fetch(`${bridge.url}/control/${route}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as { error: string; detail: string } };
      };
      for (const c of cases()) {
        if (c.args[0] === '--open') {
          const r = await post('open', { path: c.args[1] });
          expect(r, c.args.join(' ')).toEqual({ status: 400, body: { error: 'BadRequest', detail: c.says } });
        } else if (c.args[0] === '--remote') {
          const r = await post('remote', { url: c.args[1] });
          expect(r.body.detail, c.args.join(' ')).toBe(c.control ?? c.says);
          expect([400, 502], c.args.join(' ')).toContain(r.status);
        }
      }
      expect(bridge.catalog.mounts()).toEqual([]);
      expect((await fetch(`${bridge.url}/catalog/remote`)).status).toBe(404);
    } finally {
      await bridge.close();
    }
  });

  it('`zarr-bridge --version` prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `zarr-bridge ${(await import('../package.json')).version}\n` });
  });

  it('an explicit --port that is taken is refused, naming the port', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const r = await runCli(['serve', '--port', String(port), '--no-viewer', '--bossdb-url', 'none']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `zarr-bridge: port ${port} on 127.0.0.1 is taken by another program: choose another with --port N, or --port 0 for any free port\n`,
      );
    } finally {
      holder.close();
    }
  });
});
