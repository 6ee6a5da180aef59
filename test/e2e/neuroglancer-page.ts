/** Driving the built-in Neuroglancer in a test page: open it, wait until it has drawn, read its layer errors. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO } from '../support/env.js';
import { checkPrerequisites, type Harness } from './harness.js';

export const NEUROGLANCER_DIR = join(REPO, 'out/neuroglancer');

/** Chromium and the viewer are there, and Neuroglancer is built; under CI a missing build is an error, not a skip. */
export function neuroglancerReady(): boolean {
  if (!checkPrerequisites()) return false;
  if (existsSync(join(NEUROGLANCER_DIR, 'index.html'))) return true;
  const why = `no built Neuroglancer at ${NEUROGLANCER_DIR}: run \`npm run build\``;
  if (process.env.CI === 'true') throw new Error(why);
  console.warn(`SKIPPED: ${why}`);
  return false;
}

export interface Opened {
  page: Page;
  /** Console lines about the Content-Security-Policy, and page errors. */
  problems: string[];
}

export async function openNeuroglancer(h: Harness, url: string): Promise<Opened> {
  const page = await h.browser.newPage({ viewport: { width: 800, height: 600 }, deviceScaleFactor: 1 });
  const problems = watch(page);
  await page.goto(url);
  await whenReady(page);
  return { page, problems };
}

export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content.Security.Policy|unsafe-eval/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return problems;
}

/** Neuroglancer's own readiness (what its screenshot tool waits for): every visible chunk loaded and drawn. */
export async function whenReady(page: Page, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!((await page.evaluate('window.viewer?.isReady() === true')) as boolean)) {
    if (Date.now() > deadline) throw new Error(`Neuroglancer never became ready: ${await layerErrors(page)}`);
    await page.waitForTimeout(250);
  }
}

/** Each layer's data source errors, by name (empty when every source loaded). */
export async function layerErrors(page: Page): Promise<string> {
  return (await page.evaluate(`JSON.stringify(Object.fromEntries(window.viewer.layerManager.managedLayers.flatMap((l) => {
    const errors = (l.layer?.dataSources ?? []).map((d) => d.loadState?.error?.message).filter(Boolean);
    return errors.length ? [[l.name, errors]] : [];
  })))`)) as string;
}
