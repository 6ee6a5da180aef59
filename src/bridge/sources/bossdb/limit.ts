/**
 * Decorator: at most `concurrency` loads run at once; the rest wait in FIFO
 * order. A caller that aborts while waiting leaves the queue at once.
 */
import type { IoOptions } from '../../model/node.js';
import { abortedError, type Keyed, type Load } from './load.js';

export interface LimitEvents {
  onStart?(): void;
  onEnd?(): void;
}

export function withConcurrencyLimit<K extends Keyed, V>(
  load: Load<K, V>,
  concurrency: number,
  events: LimitEvents = {},
): Load<K, V> {
  if (!(concurrency >= 1)) throw new RangeError(`concurrency must be ≥ 1, got ${concurrency}`);
  let running = 0;
  const queue: (() => void)[] = [];

  const release = (): void => {
    running--;
    queue.shift()?.();
  };

  const acquire = (id: string, signal: AbortSignal | undefined): Promise<void> => {
    if (signal?.aborted) return Promise.reject(abortedError(`load ${id}`, signal.reason));
    if (running < concurrency) {
      running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        running++;
        resolve();
      };
      const onAbort = (): void => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        reject(abortedError(`load ${id}`, signal?.reason));
      };
      queue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  return async (key: K, opts: IoOptions): Promise<V> => {
    await acquire(key.id, opts.signal);
    events.onStart?.();
    try {
      return await load(key, opts);
    } finally {
      events.onEnd?.();
      release();
    }
  };
}
