/**
 * Decorator: retry what may succeed if sent again (BossdbError.retryable:
 * 5xx, timeouts, resets, truncated bodies) with exponential backoff and
 * jitter, within a bounded number of attempts and a bounded total wait.
 * Anything else, and the last failure, is thrown unchanged.
 */
import { isAbortError } from '../../errors.js';
import type { IoOptions } from '../../model/node.js';
import { isBossdbError } from './errors.js';
import { type Keyed, type Load, sleep } from './load.js';

export interface RetryPolicy {
  /** Retries after the first attempt (0 = no retry). */
  retries: number;
  /** First backoff; doubled at each retry. */
  baseDelayMs: number;
  /** Cap on one backoff. */
  maxDelayMs: number;
  /** Cap on the sum of backoffs: past it, no more retries. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 200, maxDelayMs: 5_000, budgetMs: 15_000 };

export interface RetryEvents {
  onRetry?(error: unknown, attempt: number): void;
}

export const isRetryable = (e: unknown): boolean => !isAbortError(e) && isBossdbError(e) && e.retryable;

/** Run `attempt` until it succeeds, fails for good, or the policy is spent. */
export async function retry<T>(
  attempt: (opts: IoOptions) => Promise<T>,
  policy: RetryPolicy,
  opts: IoOptions,
  events: RetryEvents = {},
): Promise<T> {
  let waited = 0;
  for (let n = 0; ; n++) {
    try {
      return await attempt(opts);
    } catch (e) {
      if (!isRetryable(e) || n >= policy.retries || opts.signal?.aborted) throw e;
      // "Equal jitter": half fixed, half random, so simultaneous failures spread out.
      const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
      const delay = full / 2 + (Math.random() * full) / 2;
      if (waited + delay > policy.budgetMs) throw e;
      waited += delay;
      events.onRetry?.(e, n + 1);
      await sleep(delay, opts.signal);
    }
  }
}

export function withRetry<K extends Keyed, V>(
  load: Load<K, V>,
  policy: RetryPolicy,
  events: RetryEvents = {},
): Load<K, V> {
  return (key, opts) => retry((o) => load(key, o), policy, opts, events);
}
