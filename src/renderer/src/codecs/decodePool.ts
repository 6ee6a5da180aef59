/**
 * A small pool of decode workers. Each request goes to the worker with the fewest requests in flight; bytes
 * travel as transferred copies (the caller's buffer may still be cached by the store). Workers start on first
 * use, so a page that only ever sees gzip or raw chunks starts none.
 */
import type { DecodeReply, PooledCodecName } from './decodeProtocol';

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: number;
}

export class DecodeError extends Error {
  readonly kind = 'DecodeError';
}

export class DecodePool {
  readonly #slots: Slot[] = [];
  readonly #pending = new Map<number, Pending & { slot: Slot }>();
  #nextId = 1;

  constructor(
    private readonly size: number,
    private readonly spawn: () => Worker,
  ) {}

  readonly #warmed = new Set<PooledCodecName>();

  /**
   * Starts every worker and has it ready `codec`'s decoder, so the first chunks do not wait for workers to
   * load and compile WebAssembly. Once per codec.
   */
  warm(codec: PooledCodecName): void {
    if (this.#warmed.has(codec)) return;
    this.#warmed.add(codec);
    for (let i = 0; i < this.size; i++) {
      const slot = this.#spawn();
      const id = this.#nextId++;
      this.#pending.set(id, { resolve: () => undefined, reject: () => undefined, slot });
      slot.inFlight += 1;
      slot.worker.postMessage({ id, codec });
    }
  }

  decode(codec: PooledCodecName, bytes: Uint8Array): Promise<Uint8Array> {
    const slot = this.#pick();
    const id = this.#nextId++;
    const copy = bytes.slice();
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, slot });
      slot.inFlight += 1;
      slot.worker.postMessage({ id, codec, bytes: copy }, [copy.buffer]);
    });
  }

  #pick(): Slot {
    if (this.#slots.length < this.size) {
      const idle = this.#slots.find((s) => s.inFlight === 0);
      return idle ?? this.#spawn();
    }
    return this.#slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
  }

  /** A new worker when the pool is not full, else the least busy one. */
  #spawn(): Slot {
    if (this.#slots.length >= this.size) return this.#slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const worker = this.spawn();
    const slot: Slot = { worker, inFlight: 0 };
    worker.onmessage = (e: MessageEvent<DecodeReply>) => this.#settle(e.data);
    // A worker that fails to load fails every request sent to it, with the reason.
    worker.onerror = (e: ErrorEvent) => this.#failAll(slot, e.message || 'decode worker failed to start');
    this.#slots.push(slot);
    return slot;
  }

  #settle(reply: DecodeReply): void {
    const p = this.#pending.get(reply.id);
    if (!p) return;
    this.#pending.delete(reply.id);
    p.slot.inFlight -= 1;
    if ('error' in reply) p.reject(new DecodeError(reply.error));
    else p.resolve(reply.bytes);
  }

  #failAll(slot: Slot, message: string): void {
    for (const [id, p] of this.#pending) {
      if (p.slot !== slot) continue;
      this.#pending.delete(id);
      p.reject(new DecodeError(message));
    }
    slot.inFlight = 0;
    slot.worker.terminate();
    this.#slots.splice(this.#slots.indexOf(slot), 1);
  }
}
