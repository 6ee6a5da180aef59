/**
 * Decorator: at most `concurrency` loads run at once; the rest wait, the
 * others before bulk ones (`IoOptions.bulk`: an export's reads never hold a
 * viewer's behind them), each kind in FIFO order. Whether a load is bulk is
 * read when a slot frees, so one a viewer has since joined (coalesce.ts)
 * moves ahead. A caller that aborts while waiting leaves the queue at once.
 */
import type { IoOptions } from '../../model/node.js';
import { takeNext } from '../../util/bulk-last.js';
import { abortedError, type Keyed, type Load } from './load.js';

export interface LimitEvents {
  onStart?(): void;
  onEnd?(): void;
  /** Loads waiting for a slot, whenever that number changes. */
  onWaiting?(waiting: number): void;
}

export function withConcurrencyLimit<K extends Keyed, V>(
  load: Load<K, V>,
  concurrency: number,
  events: LimitEvents = {},
): Load<K, V> {
  if (!(concurrency >= 1)) throw new RangeError(`concurrency must be ≥ 1, got ${concurrency}`);
  let running = 0;
  const queue: { grant: () => void; opts: IoOptions }[] = [];

  const release = (): void => {
    running--;
    const next = takeNext(queue, (w) => w.opts);
    if (!next) return;
    next.grant();
    events.onWaiting?.(queue.length);
  };

  const acquire = (id: string, opts: IoOptions): Promise<void> => {
    const { signal } = opts;
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
      const waiter = { grant, opts };
      const onAbort = (): void => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        events.onWaiting?.(queue.length);
        reject(abortedError(`load ${id}`, signal?.reason));
      };
      queue.push(waiter);
      events.onWaiting?.(queue.length);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  return async (key: K, opts: IoOptions): Promise<V> => {
    await acquire(key.id, opts);
    events.onStart?.();
    try {
      return await load(key, opts);
    } finally {
      events.onEnd?.();
      release();
    }
  };
}
