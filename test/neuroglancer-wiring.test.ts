/**
 * How Neuroglancer is built, served and opened, without a browser: the build's
 * icon and worker plugins, the bridge's `/neuroglancer/` (its own CSP on every
 * file), and the desktop app's wiring (custom scheme, window, IPC, CORS)
 * tested as plain functions, since Electron cannot run here.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../src/bridge/bridge.js';
import { OriginPolicy } from '../src/bridge/http/origin-policy.js';
import { fileResponse, routeAppRequest } from '../src/desktop/app-protocol.js';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  isNeuroglancerPage,
  neuroglancerWindowOptions,
  neuroglancerWindowPolicy,
  senderAllowed,
  windowOpenDecision,
} from '../src/desktop/security.js';
import { iconFile, ikonateIcons, type MissingIconError } from '../src/neuroglancer/build/ikonate-icons.js';
import { withoutChunkNameComments } from '../src/neuroglancer/build/worker-urls.js';
import { neuroglancerContentSecurityPolicy } from '../src/shared/csp.js';
import { REPO } from './support/env.js';

const work = mkdtempSync(join(tmpdir(), 'zb-ng-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

describe('build plugins', () => {
  it('takes icons from ikonate, then from our own folder, and fails naming a missing one', () => {
    const ikonate = join(REPO, 'node_modules/ikonate/icons');
    const own = join(REPO, 'src/neuroglancer/icons');
    expect(iconFile('eye', ikonate, own)).toBe(join(ikonate, 'eye.svg'));
    // The three Neuroglancer 2.41 uses that ikonate 1.1.1 lacks.
    for (const name of ['code-alt', 'controls-alt', 'layers']) {
      expect(iconFile(name, ikonate, join(work, 'none'))).toBeUndefined();
      const file = iconFile(name, ikonate, own);
      expect(file).toBe(join(own, `${name}.svg`));
      expect(readFileSync(file as string, 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 24 24"/);
    }
    const plugin = ikonateIcons(own);
    const resolve = plugin.resolveId as (source: string) => string | null;
    expect(resolve('ikonate/icons/layers.svg?raw')).toBe(`${join(own, 'layers.svg')}?raw`);
    expect(resolve('ikonate/icons/eye.svg?raw')).toBe(`${join(ikonate, 'eye.svg')}?raw`);
    expect(resolve('neuroglancer/unstable/viewer.js')).toBeNull();
    try {
      resolve('ikonate/icons/no-such-icon.svg?raw');
      expect.unreachable();
    } catch (e) {
      expect((e as MissingIconError).tag).toBe('MissingIcon');
      expect((e as MissingIconError).icon).toBe('no-such-icon');
    }
  });

  it('uncovers Neuroglancer workers for Vite', () => {
    const source = readFileSync(join(REPO, 'node_modules/neuroglancer/lib/data_management_context.js'), 'utf8');
    expect(source).toMatch(/new Worker\(\s*\/\*/);
    expect(withoutChunkNameComments(source)).toMatch(
      /new Worker\(\s*new URL\("\.\/chunk_worker\.bundle\.js", import\.meta\.url\)/,
    );
  });
});

describe('policies', () => {
  it("keeps the viewer's policy without unsafe-eval and measures Neuroglancer's", () => {
    const viewer = directives(contentSecurityPolicy());
    expect(viewer.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    const ng = directives(neuroglancerContentSecurityPolicy());
    expect(ng.get('script-src')).toEqual(["'self'", "'unsafe-eval'", "'wasm-unsafe-eval'"]);
    expect(ng.get('connect-src')).toEqual(["'self'"]);
    expect(ng.get('style-src')).toEqual(["'self'"]);
    for (const d of ['object-src', 'base-uri', 'frame-ancestors', 'form-action']) expect(ng.get(d)).toEqual(["'none'"]);
    const desktop = directives(neuroglancerWindowPolicy('http://127.0.0.1:5021'));
    expect(desktop.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:5021', 'http://localhost:5021']);
  });
});

describe('desktop wiring', () => {
  const renderer = join(work, 'renderer');
  const ng = join(work, 'neuroglancer');
  beforeAll(() => {
    mkdirSync(join(ng, 'assets'), { recursive: true });
    mkdirSync(renderer, { recursive: true });
    writeFileSync(join(ng, 'index.html'), '<!doctype html>');
    writeFileSync(join(ng, 'assets', 'worker-abc12345.js'), 'self.x = 1;');
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>');
  });

  it('serves /neuroglancer/ from its own folder, confined, with its policy on every file', async () => {
    const b = 'http://127.0.0.1:5020';
    expect(routeAppRequest(`${APP_ORIGIN}/neuroglancer/#!{}`, renderer, b, ng)).toEqual({
      kind: 'file',
      path: join(ng, 'index.html'),
      neuroglancer: true,
    });
    expect(routeAppRequest(`${APP_ORIGIN}/neuroglancer/assets/worker-abc12345.js`, renderer, b, ng)).toEqual({
      kind: 'file',
      path: join(ng, 'assets/worker-abc12345.js'),
      neuroglancer: true,
    });
    expect(routeAppRequest(`${APP_ORIGIN}/neuroglancer/%2F..%2F..%2Fetc%2Fpasswd`, renderer, b, ng).kind).toBe(
      'refused',
    );
    expect(routeAppRequest(`${APP_ORIGIN}/neuroglancer/..%2Frenderer%2Findex.html`, renderer, b, ng).kind).toBe(
      'refused',
    );
    // Without a Neuroglancer folder the path is just a (missing) viewer file.
    expect(routeAppRequest(`${APP_ORIGIN}/neuroglancer/`, renderer, b)).toMatchObject({ kind: 'file' });
    expect(routeAppRequest(`${APP_ORIGIN}/zarr/v3/local/a`, renderer, b, ng).kind).toBe('bridge');

    const policy = neuroglancerWindowPolicy(b);
    const worker = await fileResponse(join(ng, 'assets/worker-abc12345.js'), policy);
    expect(worker.headers.get('content-security-policy')).toBe(policy);
    expect(worker.headers.get('content-type')).toBe('text/javascript');
    const page = await fileResponse(join(renderer, 'index.html'));
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect((await fileResponse(join(ng, 'missing.js'), policy)).status).toBe(404);
  });

  it("opens the app's Neuroglancer in its own sandboxed window without IPC", () => {
    const url = `${APP_ORIGIN}/neuroglancer/#!{"layers":[]}`;
    expect(isNeuroglancerPage(url)).toBe(true);
    expect(windowOpenDecision(url)).toBe('neuroglancer-window');
    expect(windowOpenDecision('https://neuroglancer-demo.appspot.com/#!{}')).toBe('external');
    expect(windowOpenDecision(`${APP_ORIGIN}/?source=x`)).toBe('deny');
    expect(windowOpenDecision('zarr-bridge://evil/neuroglancer/')).toBe('deny');
    expect(windowOpenDecision('file:///neuroglancer/')).toBe('deny');
    const options = neuroglancerWindowOptions();
    expect(options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect('preload' in options.webPreferences).toBe(false);
    expect(senderAllowed(url)).toBe(false);
    expect(senderAllowed(`${APP_ORIGIN}/index.html`)).toBe(true);
  });

  it("lets the bridge answer the app scheme's origin only when it is listed", () => {
    const listed = new OriginPolicy({ allowedOrigins: [APP_ORIGIN], boundHost: '127.0.0.1' });
    expect(listed.allowedOrigin(APP_ORIGIN)).toBe(APP_ORIGIN);
    expect(listed.allowedOrigin('zarr-bridge://other')).toBeUndefined();
    expect(listed.allowedOrigin('https://evil.example')).toBeUndefined();
    const headless = new OriginPolicy({ allowedOrigins: [], boundHost: '127.0.0.1' });
    expect(headless.allowedOrigin(APP_ORIGIN)).toBeUndefined();
  });
});

describe('the bridge serves /neuroglancer/', () => {
  it('with its own policy on the page and on every script, and 404 when not built', async () => {
    const bridge = await startBridge({ port: 0, neuroglancerDir: join(work, 'neuroglancer') });
    const none = await startBridge({ port: 0, neuroglancerDir: join(work, 'not-built') });
    try {
      const page = await fetch(`${bridge.url}/neuroglancer/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(neuroglancerContentSecurityPolicy());
      const script = await fetch(`${bridge.url}/neuroglancer/assets/worker-abc12345.js`);
      expect(script.headers.get('content-security-policy')).toBe(neuroglancerContentSecurityPolicy());
      expect(script.headers.get('cache-control')).toContain('immutable');
      const bare = await fetch(`${bridge.url}/neuroglancer`, { redirect: 'manual' });
      expect([301, 302, 308]).toContain(bare.status);
      expect(bare.headers.get('location')).toBe('/neuroglancer/');
      expect((await fetch(`${bridge.url}/neuroglancer/../../etc/passwd`)).status).toBe(404);
      expect((await fetch(`${bridge.url}/neuroglancer/%2e%2e/%2e%2e/etc/passwd`)).status).toBeGreaterThanOrEqual(400);
      expect((await fetch(`${none.url}/neuroglancer/`)).status).toBe(404);
    } finally {
      await bridge.close();
      await none.close();
    }
  });
});
