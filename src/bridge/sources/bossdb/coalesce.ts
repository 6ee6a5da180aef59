/**
 * Decorator: concurrent loads of the same key share one underlying load.
 * Each caller keeps its own AbortSignal: a caller that aborts leaves with
 * 'Aborted' while the shared load continues for the others; the shared load
 * is aborted only when every caller has gone. The shared load is bulk
 * (`IoOptions.bulk`) only while every caller waiting on it is.
 */
import type { IoOptions } from '../../model/node.js';
import { abortedError, type Keyed, type Load } from './load.js';

interface Shared<V> {
  promise: Promise<V>;
  controller: AbortController;
  waiters: number;
  /** Waiters that are not bulk reads. */
  urgent: number;
}

export interface CoalesceEvents {
  /** A caller joined a load already under way. */
  onJoin?(): void;
}

export function withCoalescing<K extends Keyed, V>(load: Load<K, V>, events: CoalesceEvents = {}): Load<K, V> {
  const inFlight = new Map<string, Shared<V>>();
  const forget = (id: string, shared: Shared<V>): void => {
    if (inFlight.get(id) === shared) inFlight.delete(id);
  };

  return (key: K, opts: IoOptions): Promise<V> => {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(abortedError(`load ${key.id}`, signal.reason));
    let shared = inFlight.get(key.id);
    if (shared) events.onJoin?.();
    else {
      const controller = new AbortController();
      const created = { controller, waiters: 0, urgent: 0 } as Shared<V>;
      // Read when the load is queued for a slot (limit.ts): a viewer that joins a queued export read moves it ahead.
      created.promise = load(key, {
        signal: controller.signal,
        get bulk() {
          return created.urgent === 0;
        },
      });
      inFlight.set(key.id, created);
      // Leave the map as soon as the load settles, so a failure is never served again.
      created.promise.then(
        () => forget(key.id, created),
        () => forget(key.id, created),
      );
      shared = created;
    }
    const s = shared;
    const urgent = !opts.bulk;
    s.waiters++;
    if (urgent) s.urgent++;
    return new Promise<V>((resolve, reject) => {
      let done = false;
      const onAbort = (): void => {
        if (done) return;
        done = true;
        s.waiters--;
        if (urgent) s.urgent--;
        if (s.waiters === 0) {
          forget(key.id, s);
          s.controller.abort();
        }
        reject(abortedError(`load ${key.id}`, signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      s.promise.then(
        (v) => {
          if (done) return;
          done = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          if (done) return;
          done = true;
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  };
}
