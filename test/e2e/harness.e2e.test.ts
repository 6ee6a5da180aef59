/**
 * The harness's pages: those of one file share a browser context (so Chromium keeps the viewer's scripts and
 * their compiled code between tests), yet each page starts with no cookies or storage of the bridge's origin,
 * as a page in a context of its own would: the recent sources one test leaves in localStorage never reach the next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPrerequisites, type Harness, newPage, startHarness } from './harness.js';

const ready = checkPrerequisites();

describe.skipIf(!ready)('the e2e harness', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gives every page clean storage in a context shared with the pages before it', async () => {
    const first = await newPage(h);
    await first.page.goto(`${h.origin}/?test=1`);
    await first.page.evaluate(`localStorage.setItem('left', 'behind'); document.cookie = 'left=behind; path=/'`);
    expect(await first.page.evaluate(`localStorage.getItem('left')`)).toBe('behind');
    const second = await newPage(h);
    expect(second.page.context()).toBe(first.page.context());
    await second.page.goto(`${h.origin}/?test=1`);
    expect(await second.page.evaluate(`localStorage.getItem('left')`)).toBeNull();
    expect(await second.page.evaluate('document.cookie')).not.toContain('left=');
  });
});
