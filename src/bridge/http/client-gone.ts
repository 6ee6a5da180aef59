/**
 * Stops a request's work when its client goes away, with an AbortSignal made
 * only if something asks for it. Node makes an AbortSignal by giving an
 * EventTarget another prototype and then its fields, which sends each one
 * down V8's slow paths: made for every request, it was 5 % of the event
 * loop's time on the cold path (`perf` of `npm run bench -- cold`), and most
 * answers (a chunk read and sent) finish without anything looking at it.
 */
import type { IoOptions } from '../model/node.js';

export class ClientGone {
  #controller?: AbortController;
  #gone = false;
  /**
   * I/O options whose `signal` is made when first read (already aborted if the client has gone). An own,
   * enumerable getter: options spread into others (`{ ...opts, maxBytes }`) keep the signal.
   */
  readonly io: IoOptions = lazySignal(this);

  /** Whether the client has gone (without making the signal). */
  get aborted(): boolean {
    return this.#gone;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#gone) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  abort(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#controller?.abort();
  }
}

/** An object literal's getter is its own enumerable property, and cheaper to make than `Object.defineProperty`. */
function lazySignal(owner: ClientGone): IoOptions {
  return {
    get signal(): AbortSignal {
      return owner.signal;
    },
  };
}
