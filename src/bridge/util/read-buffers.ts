/**
 * Reusable buffers for chunk files read once and sent once (the cold path).
 * A fresh 100 KB ArrayBuffer per answer is external memory to V8, and
 * allocating it at thousands per second keeps major collections running;
 * reused buffers halved the CPU of a cold answer (measured: 420 → 220 µs).
 * A buffer comes back only once its answer has been handed to the kernel
 * (the response's 'finish'); one that never comes back is simply collected.
 *
 * Reads made on the read thread (read-thread.ts) land in one shared arena
 * instead, the only memory that thread can write: it is carved into the same
 * size classes, and its views come back through the same `giveBuffer`.
 */

/** Size classes: powers of two from 4 KiB to 1 MiB (the largest file read whole). */
const MIN_CLASS = 12;
const MAX_CLASS = 20;
/** Idle bytes kept for reuse, all classes together. */
const IDLE_MAX = 32 * 2 ** 20;

const idle: ArrayBuffer[][] = Array.from({ length: MAX_CLASS + 1 }, () => []);
let idleBytes = 0;

const classOf = (length: number): number => Math.max(MIN_CLASS, Math.ceil(Math.log2(Math.max(1, length))));

/**
 * `length` bytes for the caller to overwrite whole: not zero-filled first, and in an ArrayBuffer of their
 * own (never Node's shared pool, so `.buffer` holds nothing else).
 */
export function unfilledBuffer(length: number): Uint8Array {
  const buf = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(buf.buffer, buf.byteOffset, length);
}

/** A view of exactly `length` bytes over a reusable buffer (its other bytes are stale), or undefined if too large. */
export function takeBuffer(length: number): Uint8Array | undefined {
  const k = classOf(length);
  if (k > MAX_CLASS) return undefined;
  const ab = idle[k].pop();
  if (ab) {
    idleBytes -= ab.byteLength;
    return new Uint8Array(ab, 0, length);
  }
  return new Uint8Array(unfilledBuffer(2 ** k).buffer, 0, length);
}

/** Gives back the buffer under a view from `takeBuffer` or `takeSharedBuffer`; nothing may read the view afterwards. */
export function giveBuffer(view: Uint8Array): void {
  if (shared && view.buffer === shared) {
    const k = classOf(view.byteLength);
    sharedIdle[k].push(view.byteOffset);
    sharedTaken -= 2 ** k;
    return;
  }
  const ab = view.buffer as ArrayBuffer;
  const k = classOf(ab.byteLength);
  if (2 ** k !== ab.byteLength || k > MAX_CLASS || idleBytes + ab.byteLength > IDLE_MAX) return;
  idle[k].push(ab);
  idleBytes += ab.byteLength;
}

/** The arena for reads on the read thread: its bytes are never all resident unless all are in use at once. */
const SHARED_BYTES = 32 * 2 ** 20;
let shared: SharedArrayBuffer | undefined;
/** Never-used bytes from here on; freed views go to their class's list. */
let sharedUnused = 0;
/** Bytes of the arena taken and not given back (whole size classes). */
let sharedTaken = 0;

/** Bytes of the shared arena in use now: views taken and not yet given back. */
export const sharedBytesInUse = (): number => sharedTaken;
const sharedIdle: number[][] = Array.from({ length: MAX_CLASS + 1 }, () => []);

/** The shared arena (made at the first call). */
export function sharedArena(): SharedArrayBuffer {
  shared ??= new SharedArrayBuffer(SHARED_BYTES);
  return shared;
}

/**
 * A view of exactly `length` bytes of the shared arena (stale bytes: the caller overwrites them), or
 * undefined when too large or when the arena is all in use.
 */
export function takeSharedBuffer(length: number): Uint8Array | undefined {
  const k = classOf(length);
  if (k > MAX_CLASS) return undefined;
  const arena = sharedArena();
  let offset = sharedIdle[k].pop();
  if (offset === undefined) {
    if (sharedUnused + 2 ** k > arena.byteLength) return undefined;
    offset = sharedUnused;
    sharedUnused += 2 ** k;
  }
  sharedTaken += 2 ** k;
  return new Uint8Array(arena, offset, length);
}

/** `giveBuffer(view)` as a release callback that does its work once, however often it is called. */
export function releaserOf(view: Uint8Array): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    giveBuffer(view);
  };
}
