/**
 * Export from the viewer, the bridge side: only the bridge's own viewer gets
 * the token and may start, list or cancel jobs (the CORS allow-list and other
 * loopback pages never may), export is off when the bridge is exposed unless
 * --allow-export, a job writes the image with progress and opens it, and a
 * cancelled job stops. Also the desktop menu item and its native dialog.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { ExportGuard, TOKEN_HEADER } from '../src/bridge/export/guard.js';
import type { ExportJob } from '../src/bridge/export/jobs.js';
import { exportDialogOptions } from '../src/desktop/export-dialog.js';
import { IPC, ipcHandlers } from '../src/desktop/ipc.js';
import { appMenuTemplate } from '../src/desktop/menu.js';
import { SettingsStore } from '../src/desktop/settings-store.js';
import { readWritten } from './support/convert.js';
import { FIXTURES, fixturesPresent, missing } from './support/env.js';
import { startStaticServer } from './support/static-server.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('ExportGuard', () => {
  const guard = new ExportGuard({ host: '127.0.0.1', allowExport: false });
  guard.listening(5020);
  const own = 'http://127.0.0.1:5020';

  it('gives the token to the bridge’s own viewer only', () => {
    expect(guard.mayGetToken(req({ 'sec-fetch-site': 'same-origin' })).ok).toBe(true);
    expect(guard.mayGetToken(req({ origin: own, 'sec-fetch-site': 'same-origin' })).ok).toBe(true);
    expect(guard.mayGetToken(req({ origin: 'http://localhost:5020' })).ok).toBe(true);
    // Allow-listed public viewers, other loopback pages, other schemes: never.
    for (const origin of [
      'https://neuroglancer-demo.appspot.com',
      'https://hms-dbmi.github.io',
      'http://127.0.0.1:8080',
      'null',
      'file://',
    ]) {
      expect(guard.mayGetToken(req({ origin })).ok, origin).toBe(false);
    }
    expect(guard.mayGetToken(req({ 'sec-fetch-site': 'cross-site' })).ok).toBe(false);
    expect(guard.mayGetToken(req({ 'sec-fetch-site': 'same-site' })).ok).toBe(false);
  });

  it('needs the token, from the own origin, to export', () => {
    expect(guard.mayExport(req({ [TOKEN_HEADER]: guard.token, origin: own })).ok).toBe(true);
    expect(guard.mayExport(req({ origin: own })).ok).toBe(false);
    expect(guard.mayExport(req({ [TOKEN_HEADER]: 'x'.repeat(guard.token.length), origin: own })).ok).toBe(false);
    // A page on an allow-listed origin that somehow holds the token is still refused.
    expect(
      guard.mayExport(req({ [TOKEN_HEADER]: guard.token, origin: 'https://neuroglancer-demo.appspot.com' })).ok,
    ).toBe(false);
    expect(new ExportGuard({ host: '127.0.0.1', allowExport: false }).token).not.toBe(guard.token);
  });

  it('is off when the bridge is exposed, unless --allow-export', () => {
    const exposed = new ExportGuard({ host: '0.0.0.0', allowExport: false });
    exposed.listening(5020);
    expect(exposed.mayGetToken(req({})).ok).toBe(false);
    expect(exposed.mayExport(req({ [TOKEN_HEADER]: exposed.token })).ok).toBe(false);
    const allowed = new ExportGuard({ host: '0.0.0.0', allowExport: true });
    allowed.listening(5020);
    expect(allowed.mayExport(req({ [TOKEN_HEADER]: allowed.token })).ok).toBe(true);
  });
});

describe.skipIf(missing('shared fixtures', fixturesPresent()))('export jobs over HTTP', () => {
  let bridge: Bridge;
  let tmp: string;
  let token: string;
  const image = join(FIXTURES, 'generated/image_blosc.ome.zarr');

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-export-'));
    bridge = await startBridge({ port: 0, open: [image] });
    // Every test has the token, as the viewer has from its start (the first test checks how it is handed out).
    token = await sessionToken();
  });
  afterAll(async () => {
    await bridge?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  async function sessionToken(): Promise<string> {
    const res = await fetch(`${bridge.url}/control/export/session`, { headers: { 'Sec-Fetch-Site': 'same-origin' } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  }

  async function until(id: string, done: (j: ExportJob) => boolean): Promise<ExportJob> {
    for (let i = 0; i < 600; i++) {
      const res = await fetch(`${bridge.url}/control/export/jobs/${id}`, { headers: { [TOKEN_HEADER]: token } });
      const job = (await res.json()) as ExportJob;
      if (done(job)) return job;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id} never finished`);
  }

  it('hands the token to same-origin requests only', async () => {
    const refused = await fetch(`${bridge.url}/control/export/session`, {
      headers: { Origin: 'https://neuroglancer-demo.appspot.com' },
    });
    expect(refused.status).toBe(403);
    const cross = await fetch(`${bridge.url}/control/export/session`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(cross.status).toBe(403);
    const res = await fetch(`${bridge.url}/control/export/session`, { headers: { 'Sec-Fetch-Site': 'same-origin' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const handed = ((await res.json()) as { token: string }).token;
    expect(handed).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // One token per process.
    expect(handed).toBe(token);
  });

  it('refuses to start a job without the token, or from an allow-listed origin', async () => {
    const out = join(tmp, 'refused.ome.zarr');
    const body = { source: 'local/image_blosc.ome.zarr', output: out, options: {} };
    expect((await post('/control/export/jobs', body)).status).toBe(403);
    const ng = await post('/control/export/jobs', body, {
      [TOKEN_HEADER]: token,
      Origin: 'https://neuroglancer-demo.appspot.com',
    });
    expect(ng.status).toBe(403);
    expect((await fetch(`${bridge.url}/control/export/jobs`)).status).toBe(403);
    expect(existsSync(out)).toBe(false);
  });

  it('writes a sharded 0.5 export of the view’s box with progress, then opens it', async () => {
    const out = join(tmp, 'region.ome.zarr');
    const res = await post(
      '/control/export/jobs',
      {
        source: 'local/image_blosc.ome.zarr',
        output: out,
        options: { chunk: 32, shard: 2, region: { x: [10, 74], y: [20, 84] } },
      },
      { [TOKEN_HEADER]: token, Origin: bridge.url },
    );
    expect(res.status).toBe(202);
    const started = (await res.json()) as ExportJob;
    const job = await until(started.id, (j) => j.status !== 'queued' && j.status !== 'running');
    expect(job.status, job.error).toBe('done');
    expect(job.progress?.fraction).toBe(1);
    expect(job.opened).toBe('local/region.ome.zarr');
    // Opened: the bridge serves it.
    expect((await fetch(`${bridge.url}/zarr/v3/local/region.ome.zarr/zarr.json`)).status).toBe(200);
    const level0 = await readWritten(out, '0');
    expect(level0.shape).toEqual([2, 2, 8, 64, 64]);
    const data = level0.data as Uint16Array;
    for (const [t, c, z, y, x] of [
      [0, 0, 0, 0, 0],
      [1, 1, 7, 63, 63],
      [0, 1, 3, 10, 40],
    ]) {
      const i = (((t * 2 + c) * 8 + z) * 64 + y) * 64 + x;
      expect(data[i]).toBe((t * 20000 + c * 10000 + z * 1000 + (y + 20) * 7 + (x + 10)) % 65536);
    }
    const list = (await (
      await fetch(`${bridge.url}/control/export/jobs`, { headers: { [TOKEN_HEADER]: token } })
    ).json()) as { jobs: ExportJob[] };
    expect(list.jobs.map((j) => j.id)).toContain(started.id);
  });

  it('cancels a running job', async () => {
    // The job reads the image over HTTP from a server that answers its first level-0 chunks and holds the
    // rest: the job is still running when the cancel arrives, however fast the machine (an export of the
    // local folder could finish between two polls).
    const upstream = await startStaticServer(join(FIXTURES, 'generated'));
    try {
      upstream.fault = { prefix: '/image_blosc.ome.zarr/0/', kind: 'hold', after: 4 };
      const mounted = await post('/control/remote', { url: `${upstream.url}/image_blosc.ome.zarr` });
      expect(await mounted.json()).toEqual({ path: 'remote/image_blosc.ome.zarr' });
      const out = join(tmp, 'cancelled.ome.zarr');
      const res = await post(
        '/control/export/jobs',
        { source: 'remote/image_blosc.ome.zarr', output: out, options: { chunk: 8, shard: 1, compression: 'gzip' } },
        { [TOKEN_HEADER]: token },
      );
      const started = (await res.json()) as ExportJob;
      await expect.poll(() => upstream.held).toBeGreaterThan(0);
      expect((await until(started.id, () => true)).status).toBe('running');
      const cancel = await post(`/control/export/jobs/${started.id}/cancel`, {}, { [TOKEN_HEADER]: token });
      expect(cancel.status).toBe(200);
      const job = await until(started.id, (j) => j.status !== 'running');
      expect(job.status).toBe('cancelled');
      // Never a dataset that looks complete.
      expect(existsSync(join(out, 'zarr.json'))).toBe(false);
    } finally {
      upstream.fault = undefined;
      upstream.release();
      await upstream.close();
    }
  });

  it('rejects bad requests with 400', async () => {
    const bad = await post(
      '/control/export/jobs',
      { source: 'local/x', output: 'relative/path', options: {} },
      { [TOKEN_HEADER]: token },
    );
    expect(bad.status).toBe(400);
    const badOpt = await post(
      '/control/export/jobs',
      { source: 'local/x', output: join(tmp, 'y'), options: { ome: '0.9' } },
      { [TOKEN_HEADER]: token },
    );
    expect(badOpt.status).toBe(400);
  });
});

describe('File → Export in the desktop app', () => {
  it('is a menu item that asks the viewer for its Export dialog', () => {
    let asked = 0;
    const noop = () => undefined;
    const menu = appMenuTemplate(
      { open: noop, addRemote: noop, settings: noop, urlHelp: noop, exportImage: () => void asked++ },
      'linux',
    );
    const item = (menu[0] as { submenu: { label?: string; click?: () => void; accelerator?: string }[] }).submenu.find(
      (i) => i.label === 'Export…',
    );
    expect(item?.accelerator).toBe('CmdOrCtrl+E');
    item?.click?.();
    expect(asked).toBe(1);
  });

  it('chooses the output with the native save dialog', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zb-export-desktop-'));
    const settings = await SettingsStore.open(join(dir, 'settings.json'), {
      isEncryptionAvailable: () => false,
      backend: () => undefined,
      encrypt: (s) => Buffer.from(s),
      decrypt: (b) => b.toString(),
    });
    const h = ipcHandlers({
      bridgeUrl: 'http://127.0.0.1:5020',
      settings,
      mountFolder: async (p) => ({ path: p }),
      mountRemote: async (u) => ({ path: u }),
      choose: async () => undefined,
      chooseExportFolder: async () => '/data/export.ome.zarr',
      openExternal: async () => {},
    });
    expect(await h[IPC.chooseExportFolder]()).toBe('/data/export.ome.zarr');
    expect(exportDialogOptions()).toMatchObject({ title: 'Export as OME-Zarr', defaultPath: 'export.ome.zarr' });
    rmSync(dir, { recursive: true, force: true });
  });
});
