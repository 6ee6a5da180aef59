/**
 * Error messages for people: the bridge's real error answers (a missing folder, a file given as a folder,
 * an unreachable remote, a missing node, a refused settings change) read through `bridgeJson` come out as
 * sentences without errno codes, `fetch failed` or status numbers; the browser's own network failure too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { bridgeJson } from '../src/renderer/src/api/bridgeResponse.js';
import { humanError } from '../src/renderer/src/api/humanError.js';
import { closedPort } from './support/ports.js';

/** What a person should never have to read. */
const RAW = /ENOENT|EACCES|ENOTDIR|ECONNREFUSED|fetch failed|realpath|\b\d{3}\b|Error:|\n\s*at /;

describe('humanError', () => {
  let bridge: Bridge;
  // In a folder of its own, named without a free-standing number (RAW below rejects any 3-digit number).
  const file = join(mkdtempSync(join(tmpdir(), 'zb-human-error-')), 'not-a-folder.txt');
  beforeAll(async () => {
    writeFileSync(file, 'not a folder');
    bridge = await startBridge({ port: 0 });
  });
  afterAll(async () => {
    await bridge?.close();
    rmSync(dirname(file), { recursive: true, force: true });
  });

  /** The error `bridgeJson` throws for this request, as the viewer would see it. */
  async function failure(path: string, init?: RequestInit): Promise<unknown> {
    const res = await fetch(`${bridge.url}${path}`, init);
    try {
      await bridgeJson(res, 'Request');
    } catch (e) {
      return e;
    }
    throw new Error(`${path} did not fail`);
  }
  const post = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it('a folder that does not exist', async () => {
    const e = await failure('/control/open', post({ path: '/no/such/folder' }));
    expect(String((e as Error).message)).toMatch(/no such folder/); // the bridge's own words …
    const text = humanError(e, 'Could not open /no/such/folder');
    expect(text).toBe('Could not open /no/such/folder. There is no file or folder at /no/such/folder.');
    expect(text).not.toMatch(RAW);
  });

  it('a file where a folder is expected', async () => {
    const text = humanError(await failure('/control/open', post({ path: file })));
    expect(text).toContain(`${file} is a file, not a folder`);
    expect(text).not.toMatch(RAW);
  });

  it('a remote that cannot be reached', async () => {
    // Probed before it is mounted: refused at once, with the errno the bridge saw.
    const port = await closedPort();
    const e = await failure('/control/remote', post({ url: `http://127.0.0.1:${port}/x.zarr` }));
    expect((e as Error).message).toMatch(/ECONNREFUSED/);
    const text = humanError(e);
    expect(text).toBe(`127.0.0.1:${port} could not be reached. Check the address and your network connection.`);
  });

  it('a node that is not in the catalog, also from the text older call sites pass', async () => {
    const e = await failure('/catalog/local/gone');
    const expected =
      'local/gone is not in the catalog: it may have been removed, or the link is old. Choose it again in the catalog.';
    expect(humanError(e)).toBe(expected);
    expect(humanError((e as Error).message)).toBe(expected);
    // Worded twice (a component, then the app's error list): unchanged.
    expect(humanError(humanError(e))).toBe(expected);
  });

  it('a settings change refused by `serve`, and a non-http remote', async () => {
    expect(humanError(await failure('/control/settings', { method: 'PUT' }))).toMatch(/command-line flags/);
    expect(humanError(await failure('/control/remote', post({ url: 'ftp://x/y' })))).toBe(
      'Only http:// and https:// addresses can be added.',
    );
  });

  it('the browser cannot reach the bridge; stack text and error prefixes are dropped', () => {
    expect(humanError(new TypeError('Failed to fetch'))).toMatch(/^The bridge is not answering/);
    expect(humanError(new Error('Error: something odd\n    at foo (bar.js:1:2)'))).toBe('Something odd.');
    const aborted = new Error('The operation was aborted.');
    aborted.name = 'AbortError';
    expect(humanError(aborted)).toBe('The request was cancelled.');
  });

  it('texts with what was being done before a colon keep it, worded as a sentence', () => {
    expect(humanError('Tile failed: Failed to fetch')).toMatch(/^Tile failed\. The bridge is not answering/);
    expect(humanError('Well local/p/B/2: Data type uint64 cannot be displayed')).toBe(
      'Well local/p/B/2. Data type uint64 cannot be displayed.',
    );
    expect(humanError("cannot open /x: ENOENT: no such file or directory, realpath '/x'")).toBe(
      'Cannot open /x. There is no file or folder at /x.',
    );
  });
});
