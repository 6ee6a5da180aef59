/**
 * The shape every efficiency decorator wraps: a keyed, abortable async load.
 * Keys carry a string `id` (equal ids = the same bytes), so decorators can be
 * stacked in any order without knowing what they load.
 */
import { BridgeError } from '../../errors.js';
import type { IoOptions } from '../../model/node.js';

export interface Keyed {
  readonly id: string;
}

export type Load<K extends Keyed, V> = (key: K, opts: IoOptions) => Promise<V>;

export const abortedError = (what: string, cause?: unknown): BridgeError =>
  new BridgeError('Aborted', `${what}: aborted by the caller`, { cause });

/** Resolve after `ms`, or reject with 'Aborted' as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError('wait', signal.reason));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError('wait', signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
