/**
 * Shared set-up for the viewer's end-to-end tests: prerequisites, the bridge in-process,
 * headless Chromium, and reading rendered pixels back out of the deck.gl canvas.
 * In-page code is passed as strings so this file type-checks without DOM types.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Bridge, type BridgeOptions, startBridge } from '../../src/bridge/bridge.js';
import { CHROMIUM_ARGS, REPO, FIXTURES as SHARED_FIXTURES } from '../support/env.js';

export const FIXTURES = join(SHARED_FIXTURES, 'generated');
export const CHROMIUM = '/usr/bin/chromium';
export const VIEWER_DIR = join(REPO, 'out/renderer');
export const ARTIFACTS = join(REPO, 'test-artifacts');

/** Why the e2e suite cannot run here, or undefined. Under CI a missing prerequisite is a failure, not a skip. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(resolve(VIEWER_DIR, 'index.html')))
    return `no built viewer at ${VIEWER_DIR}/index.html: run \`npx electron-vite build\` first`;
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  if (!existsSync(FIXTURES)) return `no fixtures at ${FIXTURES}`;
  return undefined;
}

export function checkPrerequisites(): boolean {
  const missing = missingPrerequisite();
  if (!missing) return true;
  if (process.env.CI === 'true') throw new Error(`viewer e2e: ${missing}`);
  console.warn(`viewer e2e skipped: ${missing}`);
  return false;
}

/** What a test may do with the browser: open pages and contexts, which the harness closes with it. */
export type HarnessBrowser = Pick<Browser, 'newPage' | 'newContext'>;

export interface Harness {
  bridge: Bridge;
  browser: HarnessBrowser;
  /** The bridge's origin as 127.0.0.1 (the Host it accepts). */
  origin: string;
  close(): Promise<void>;
}

export async function startHarness(folders: string[], extra: Partial<BridgeOptions> = {}): Promise<Harness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const bridge = await startBridge({
    port: 0,
    open: folders.map((f) => resolve(FIXTURES, f)),
    viewerDir: VIEWER_DIR,
    ...extra,
  });
  const browser = await workerBrowser();
  // Every page and context this harness opens is closed with it; the browser itself stays for the next file.
  const contexts = new Set<BrowserContext>();
  const track = (context: BrowserContext) => {
    contexts.add(context);
    context.once('close', () => contexts.delete(context));
    return context;
  };
  const origin = new URL(bridge.url).origin.replace('localhost', '127.0.0.1');
  // Pages asking only for a viewport share one context per harness (one bridge, one origin): its HTTP cache keeps
  // the viewer's files between the file's tests. (Playwright's contexts are off the record: V8 still parses the
  // bundle on every load, 96 ms in a trace of a second load.)
  let shared: Promise<BrowserContext> | undefined;
  /** A page of the harness's shared context, starting without the origin's cookies and storage. */
  const sharedPage = async (viewport: { width: number; height: number } | undefined): Promise<Page> => {
    shared ??= browser.newContext({ deviceScaleFactor: 1 }).then((context) => {
      context.once('close', () => {
        shared = undefined;
      });
      return track(context);
    });
    const context = await shared;
    const page = await context.newPage();
    // Each page starts as in a context of its own: no cookies or storage of the bridge's origin (recent sources
    // live in localStorage). Only the HTTP cache is kept.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', {
      origin,
      storageTypes: 'cookies,local_storage,session_storage,indexeddb,websql,service_workers',
    });
    await cdp.detach();
    await page.setViewportSize(viewport ?? { width: 1280, height: 720 });
    return page;
  };
  return {
    bridge,
    browser: {
      newPage: async (...args: Parameters<Browser['newPage']>) => {
        const [options = {}] = args;
        const { viewport, deviceScaleFactor = 1, ...other } = options;
        const ownContext = Object.keys(other).length > 0 || deviceScaleFactor !== 1 || viewport === null;
        const page = ownContext ? await browser.newPage(...args) : await sharedPage(viewport);
        if (ownContext) track(page.context());
        // Playwright's own waits (selectors, clicks) default to 30 s: pages get the same hang margin as everything else.
        page.setDefaultTimeout(HANG_MS);
        return page;
      },
      newContext: async (...args: Parameters<Browser['newContext']>) => track(await browser.newContext(...args)),
    },
    origin,
    async close() {
      await Promise.all([...contexts].map((c) => c.close()));
      await bridge.close();
    },
  };
}

let launched: Promise<Browser> | undefined;

/**
 * One Chromium per test worker, shared by the e2e files it runs (vitest's `isolate: false` keeps this module
 * between files): a launch costs about 1.5 s of CPU, and each test gets fresh contexts anyway. Playwright
 * closes it when the worker exits; a browser that crashed or was closed is launched again.
 */
async function workerBrowser(): Promise<Browser> {
  const running = await launched?.catch(() => undefined);
  if (running?.isConnected()) return running;
  launched = chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return launched;
}

export async function newPage(h: Harness): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await h.browser.newPage({ viewport: { width: 1200, height: 700 }, deviceScaleFactor: 1 });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { page, pageErrors };
}

/** Polls `check` (e.g. a page.evaluate) until true; throws naming `what` on timeout. */
/**
 * Every wait here is for a state of the page (a frame drawn, a URL updated), bounded only to catch a hang:
 * on a busy 2-core machine a slow pass must still pass.
 */
export const HANG_MS = 120_000;

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = HANG_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Number of image loads reported by the viewer so far (0 before the first). */
export async function viewportLoads(page: Page): Promise<number> {
  return (await page.evaluate('window.__zarrBridge?.viewportLoads ?? 0')) as number;
}

/** The window issue 11 measures in (a laptop screen); older tests keep 1200 × 700. */
export const LAPTOP = { width: 1280, height: 800 };

export async function openViewer(
  h: Harness,
  query: string,
  viewport = { width: 1200, height: 700 },
): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await h.browser.newPage({ viewport, deviceScaleFactor: 1 });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${h.origin}/${query}${query.includes('test=1') ? '' : '&test=1'}`);
  // Poll with page.evaluate: waitForFunction evals its predicate in the page, which the viewer's CSP forbids.
  const deadline = Date.now() + HANG_MS;
  while (!((await page.evaluate('window.__zarrBridge?.viewportLoads ?? 0')) as number)) {
    if (Date.now() > deadline) {
      const errors = await page.evaluate(`document.querySelector('[data-testid="errors"]')?.textContent ?? ''`);
      throw new Error(`viewer never finished loading ${query}: ${errors} ${pageErrors.join('; ')}`);
    }
    await page.waitForTimeout(100);
  }
  return { page, pageErrors };
}

export type Rgba = [number, number, number, number];

/** RGBA of the rendered canvas at the screen position of level-0 image coordinate (x, y). */
export async function samplePixels(page: Page, points: [number, number][]): Promise<Rgba[]> {
  const fn = `(points) => {
    const hooks = window.__zarrBridge;
    // deck.gl's canvas, not the overview's.
    const canvas = document.querySelector('.viewer canvas#deckgl-overlay') ?? document.querySelector('.viewer canvas');
    const copy = document.createElement('canvas');
    copy.width = canvas.width; copy.height = canvas.height;
    const ctx = copy.getContext('2d');
    // Composite over the stage's black background, as the page shows it.
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, copy.width, copy.height);
    ctx.drawImage(canvas, 0, 0);
    return points.map(([x, y]) => {
      const [sx, sy] = hooks.project(x, y);
      return Array.from(ctx.getImageData(Math.floor(sx), Math.floor(sy), 1, 1).data);
    });
  }`;
  return (await page.evaluate(`(${fn})(${JSON.stringify(points)})`)) as Rgba[];
}

/**
 * Polls until every sampled pixel is within `tolerance` of its expectation (tiles arrive asynchronously),
 * and returns the last samples so the caller's assertion shows what was actually drawn.
 */
export async function waitForPixels(
  page: Page,
  points: [number, number][],
  expected: Rgb[],
  tolerance: number,
  timeoutMs = HANG_MS,
): Promise<Rgba[]> {
  const deadline = Date.now() + timeoutMs;
  let last: Rgba[] = [];
  while (Date.now() < deadline) {
    try {
      last = await samplePixels(page, points);
    } catch {
      // The canvas may not exist yet right after a navigation.
      await page.waitForTimeout(200);
      continue;
    }
    const ok = last.every((px, i) => px.slice(0, 3).every((v, k) => Math.abs(v - expected[i][k]) <= tolerance));
    if (ok) return last;
    await page.waitForTimeout(200);
  }
  return last;
}

/** Grey level a white channel draws for value v with contrast limits [lo, hi]. */
export function grey(v: number, lo: number, hi: number): number {
  return Math.round(Math.max(0, Math.min(1, (v - lo) / (hi - lo))) * 255);
}

/** Image coordinates at pixel centres: sampling a centre avoids interpolation with neighbours. */
export function centres(points: [number, number][]): [number, number][] {
  return points.map(([x, y]) => [x + 0.5, y + 0.5]);
}

export type Rgb = [number, number, number];

/** Asserts each pixel's RGB within `tolerance`; the message names the pixel and both values. */
export function expectPixels(got: Rgba[], expected: Rgb[], tolerance: number): void {
  if (got.length !== expected.length)
    throw new Error(`sampled ${got.length} pixels, expected ${expected.length} (no canvas?)`);
  got.forEach((px, i) => {
    const bad = px.slice(0, 3).some((v, k) => Math.abs(v - expected[i][k]) > tolerance);
    if (bad) throw new Error(`pixel ${i}: drew [${px.slice(0, 3)}], expected [${expected[i]}] ±${tolerance}`);
  });
}

/** RGBA of pixel (x, y) of the 2D canvas matching `selector` (plate thumbnails, the overview); undefined if blank. */
export async function canvasPixel(page: Page, selector: string, x: number, y: number): Promise<Rgba | undefined> {
  const fn = `(() => { const c = document.querySelector(${JSON.stringify(selector)});
    if (!c || c.width <= ${x} || c.height <= ${y}) return undefined;
    const px = Array.from(c.getContext('2d').getImageData(${x}, ${y}, 1, 1).data);
    return px[3] === 0 ? undefined : px; })()`;
  return (await page.evaluate(fn)) as Rgba | undefined;
}
