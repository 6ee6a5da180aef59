/**
 * The source under upstream faults: 5xx, truncated bodies, dropped
 * connections and stalls are retried until the bytes are right, or end in a
 * typed 'Upstream' / 'UpstreamTimeout' error; never wrong bytes, never a
 * NotFound, never a cached failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isBridgeError } from '../src/bridge/errors.js';
import type { ArrayNode } from '../src/bridge/model/node.js';
import { asReadFailure, BossdbError } from '../src/bridge/sources/bossdb/errors.js';
import { type BossdbSource, type BossdbSourceOptions, createBossdbSource } from '../src/bridge/sources/bossdb/index.js';
import { chunkMismatches } from './bossdb-fixture/check.js';
import { type BossdbFixture, FIXTURE_TOKEN, startBossdbFixture } from './bossdb-fixture/index.js';

let fx: BossdbFixture;
beforeAll(async () => {
  fx = await startBossdbFixture();
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.resetFaults();
  fx.resetCounters();
});

const PATH = 'zb_public/aniso/em16';

/**
 * A fresh source (empty cache) with fast retries, and level `k` of PATH. Its timeout is out of reach
 * (only a test about stalls sets one that can end an attempt): attempts end by their faults, not by time.
 */
async function setup(
  k = 0,
  options: Partial<BossdbSourceOptions> = {},
): Promise<{ src: BossdbSource; arr: ArrayNode }> {
  const src = createBossdbSource({ url: fx.url, timeoutMs: 120_000, retryBaseDelayMs: 5, ...options });
  let node = await src.root.child('zb_public', {});
  for (const name of ['aniso', 'em16', String(k)])
    node = node?.kind === 'group' ? await node.child(name, {}) : undefined;
  if (node?.kind !== 'array') throw new Error('no array');
  return { src, arr: node };
}

async function expectRight(arr: ArrayNode, k: number, coords: number[]): Promise<void> {
  const chunk = await arr.readChunk(coords, {});
  expect(chunkMismatches(PATH, k, coords, chunk)).toEqual([]);
}

describe('retried until right', () => {
  it.each([
    ['two 500s', { failNext: 2 }],
    ['a 503', { failNext: 1, failStatus: 503 }],
    ['a 504', { failNext: 1, failStatus: 504 }],
    ['a reset mid-body', { truncateNext: 1, truncateMode: 'reset' }],
    ['a short but well-formed body', { truncateNext: 1, truncateMode: 'clean' }],
    ['a dropped connection', { dropNext: 1 }],
    ['a stalled body', { stallNext: 1 }],
  ] as const)('%s', async (_name, faults) => {
    // Only a stall needs a timeout to end; every other fault ends by itself, so its attempts get a timeout
    // no busy machine reaches, and exactly one cutout is served whole. A stalled attempt ends at 1 s; the
    // attempts after it may themselves run past 1 s on a busy machine, so they get retries to spare, and
    // the verdict is on values (the bytes, and one more attempt than failures), not on how many were served.
    const stall = 'stallNext' in faults;
    const { src, arr } = await setup(2, stall ? { timeoutMs: 1_000, retries: 10 } : { timeoutMs: 120_000 });
    fx.resetCounters();
    Object.assign(fx.settings, faults);
    await expectRight(arr, 2, [1, 0, 1]);
    const s = src.stats();
    expect(s.retries).toBeGreaterThanOrEqual(1);
    expect(s.upstreamCutouts).toBe(s.upstreamFailures + 1);
    if (stall) expect(fx.counters.cutoutsServed).toBeGreaterThanOrEqual(1);
    else expect(fx.counters.cutoutsServed).toBe(1);
  });

  it('reads a whole level right with every 3rd cutout failing and a 20% failure rate', async () => {
    const { arr } = await setup(1, { retries: 8 });
    fx.settings.failEveryNth = 3;
    fx.settings.failRate = 0.2;
    const grid = arr.meta.shape.map((n, i) => Math.ceil(n / arr.meta.chunkShape[i]!));
    const reads: Promise<void>[] = [];
    for (let z = 0; z < grid[0]!; z++)
      for (let y = 0; y < grid[1]!; y++) for (let x = 0; x < grid[2]!; x++) reads.push(expectRight(arr, 1, [z, y, x]));
    await Promise.all(reads);
    expect(fx.counters.faultsInjected).toBeGreaterThan(0);
  });
});

describe('failing for good', () => {
  it('ends in Upstream after a bounded number of attempts, and caches nothing', async () => {
    const { src, arr } = await setup(0, { retries: 3 });
    fx.settings.failRate = 1;
    const e = await arr.readChunk([0, 0, 0], {}).catch((x: unknown) => x);
    expect(isBridgeError(e, 'Upstream')).toBe(true);
    expect((e as Error).message).toContain('HTTP 500');
    expect(src.stats()).toMatchObject({ upstreamCutouts: 4, upstreamFailures: 4, retries: 3, cacheEntries: 0 });
    fx.resetFaults();
    await expectRight(arr, 0, [0, 0, 0]);
    expect(src.stats().upstreamCutouts).toBe(5);
  });

  it('ends in UpstreamTimeout when BossDB keeps stalling', async () => {
    const { arr } = await setup(0, { timeoutMs: 200, retries: 1 });
    fx.settings.stallNext = 10;
    const e = await arr.readChunk([0, 0, 0], {}).catch((x: unknown) => x);
    expect(isBridgeError(e, 'UpstreamTimeout')).toBe(true);
  });

  it('stops retrying when the retry budget is spent', async () => {
    const { src, arr } = await setup(0, { retries: 50, retryBaseDelayMs: 50, retryBudgetMs: 200 });
    fx.settings.failRate = 1;
    const e = await arr.readChunk([0, 0, 0], {}).catch((x: unknown) => x);
    expect(isBridgeError(e, 'Upstream')).toBe(true);
    expect(src.stats().upstreamCutouts).toBeLessThan(8);
  });

  it('turns a refused token into Upstream, not retried and never NotFound', async () => {
    const src = createBossdbSource({ url: fx.url, token: FIXTURE_TOKEN, retryBaseDelayMs: 5 });
    let node = await src.root.child('zb_private', {});
    for (const name of ['secret', 'data', '0']) node = node?.kind === 'group' ? await node.child(name, {}) : undefined;
    if (node?.kind !== 'array') throw new Error('no array');
    fx.settings.tokens = []; // the token is revoked while the bridge runs
    const e = await node.readChunk([0, 0, 0], {}).catch((x: unknown) => x);
    expect(isBridgeError(e, 'Upstream')).toBe(true);
    expect((e as Error).message).not.toContain(FIXTURE_TOKEN);
    expect(src.stats().upstreamCutouts).toBe(1);
  });

  it('maps a BossDB 404/400 on a data read to Upstream', () => {
    for (const status of [404, 400, 413]) {
      const e = asReadFailure(new BossdbError({ failure: 'http', what: 'cutout x', status, code: 4000 }));
      expect(isBridgeError(e, 'Upstream')).toBe(true);
    }
  });
});

describe('aborts', () => {
  it('an aborted reader leaves; the shared fetch continues for the others', async () => {
    const { src, arr } = await setup(0);
    fx.settings.latencyMs = 200;
    const leaving = new AbortController();
    const a = arr.readChunk([0, 0, 0], { signal: leaving.signal });
    const b = arr.readChunk([0, 0, 1], {});
    setTimeout(() => leaving.abort(), 50);
    await expect(a).rejects.toSatisfy((e: unknown) => isBridgeError(e, 'Aborted'));
    expect(chunkMismatches(PATH, 0, [0, 0, 1], await b)).toEqual([]);
    expect(src.stats()).toMatchObject({ upstreamCutouts: 1, upstreamFailures: 0 });
  });

  it('the shared fetch is aborted when every reader has gone, and not reused', async () => {
    const { src, arr } = await setup(0);
    fx.settings.latencyMs = 200;
    const ac = new AbortController();
    const reads = [arr.readChunk([0, 0, 0], { signal: ac.signal }), arr.readChunk([0, 1, 0], { signal: ac.signal })];
    setTimeout(() => ac.abort(), 50);
    for (const r of reads) await expect(r).rejects.toSatisfy((e: unknown) => isBridgeError(e, 'Aborted'));
    await new Promise((r) => setTimeout(r, 20));
    expect(src.stats()).toMatchObject({
      upstreamCutouts: 1,
      upstreamFailures: 1,
      retries: 0,
      inFlight: 0,
      cacheEntries: 0,
    });
    fx.resetFaults();
    await expectRight(arr, 0, [0, 0, 0]);
    expect(src.stats().upstreamCutouts).toBe(2);
  });
});
