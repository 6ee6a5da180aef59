/** A request's abort signal, made only when asked for (src/bridge/http/client-gone.ts). */
import { describe, expect, it } from 'vitest';
import { ClientGone } from '../src/bridge/http/client-gone.js';

describe('ClientGone', () => {
  it('aborts a signal made before the client went', () => {
    const gone = new ClientGone();
    const { signal } = gone.io;
    expect(signal?.aborted).toBe(false);
    gone.abort();
    expect(signal?.aborted).toBe(true);
    expect(gone.aborted).toBe(true);
  });

  it('makes a signal asked for after the client went already aborted', () => {
    const gone = new ClientGone();
    gone.abort();
    expect(gone.aborted).toBe(true);
    expect(gone.io.signal?.aborted).toBe(true);
    expect(() => gone.io.signal?.throwIfAborted()).toThrow();
  });

  it('keeps one signal, also through options spread into others', () => {
    const gone = new ClientGone();
    const spread = { ...gone.io, maxBytes: 10 };
    expect(spread.signal).toBe(gone.io.signal);
    gone.abort();
    expect(spread.signal?.aborted).toBe(true);
  });
});
