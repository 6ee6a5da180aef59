/**
 * The Chromium every e2e test and the viewer bench launch (test/support/env.ts): it opens no address-bar popup
 * page beside each page under test, and it still has every feature Playwright itself turns off (Chromium keeps
 * only the last `--disable-features`, and ours comes after Playwright's).
 */
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/env.js';
import { checkPrerequisites } from './harness.js';

const ready = checkPrerequisites();

describe.skipIf(!ready)('the test Chromium', () => {
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens a page without the address bar popup page beside it', async () => {
    const page = await browser.newPage();
    await page.goto('data:text/html,<p>a page</p>');
    const cdp = await browser.newBrowserCDPSession();
    const { targetInfos } = (await cdp.send('Target.getTargets')) as {
      targetInfos: { type: string; url: string }[];
    };
    expect(targetInfos.map((t) => t.url)).toContain('data:text/html,<p>a page</p>');
    expect(targetInfos.filter((t) => t.url.startsWith('chrome://omnibox-popup'))).toEqual([]);
    await page.close();
  });

  it("keeps every feature Playwright disables disabled: the browser's last --disable-features holds them all", async () => {
    const cdp = await browser.newBrowserCDPSession();
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    const main = processInfo.find((p) => p.type === 'browser');
    expect(main).toBeDefined();
    const argv = readFileSync(`/proc/${main!.id}/cmdline`, 'utf8').split('\0');
    const lists = argv
      .filter((a) => a.startsWith('--disable-features='))
      .map((a) => a.slice('--disable-features='.length).split(','));
    // Playwright's own list first, ours last: the one Chromium applies.
    expect(lists.length).toBeGreaterThanOrEqual(2);
    const applied = new Set(lists[lists.length - 1]);
    const dropped = lists.slice(0, -1).flatMap((l) => l.filter((f) => f && !applied.has(f)));
    expect(dropped).toEqual([]);
  });
});
