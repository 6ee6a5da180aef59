/**
 * Metadata memo: successful results are kept for a while (BossDB metadata
 * changes rarely, and every catalog walk would otherwise re-ask it);
 * concurrent requests share one load; failures are never kept.
 */
import type { IoOptions } from '../../model/node.js';
import { withCoalescing } from './coalesce.js';

interface Job<T> {
  readonly id: string;
  readonly run: (opts: IoOptions) => Promise<T>;
}

export class Memo {
  readonly #ttlMs: number;
  readonly #values = new Map<string, { value: unknown; expires: number }>();
  readonly #load = withCoalescing<Job<unknown>, unknown>((job, opts) => job.run(opts));

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  async get<T>(id: string, run: (opts: IoOptions) => Promise<T>, opts: IoOptions): Promise<T> {
    const hit = this.#values.get(id);
    if (hit && hit.expires > Date.now()) return hit.value as T;
    const value = (await this.#load({ id, run }, opts)) as T;
    this.#values.set(id, { value, expires: Date.now() + this.#ttlMs });
    return value;
  }

  clear(): void {
    this.#values.clear();
  }
}
