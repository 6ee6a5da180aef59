/**
 * Chunk-sized buffers used again. Every chunk's input block used to be a
 * fresh allocation on the main thread (the kernel maps and zeroes its pages,
 * the collector later frees them), which cost more than copying the voxels
 * into it. The codec worker hands each block back once it has encoded it, and
 * the next block of the same size is read into it. Byte-bounded: what does
 * not fit is left to the collector.
 */
export class BufferPool {
  readonly #capacity: number;
  readonly #free = new Map<number, Uint8Array[]>();
  #bytes = 0;

  constructor(capacityBytes: number) {
    this.#capacity = capacityBytes;
  }

  /** A zero-filled buffer of `bytes`, used before if one is free; `fresh` says which. */
  take(bytes: number): { buffer: Uint8Array; fresh: boolean } {
    const kept = this.#free.get(bytes)?.pop();
    if (!kept) return { buffer: new Uint8Array(bytes), fresh: true };
    this.#bytes -= bytes;
    kept.fill(0);
    return { buffer: kept, fresh: false };
  }

  /** Keeps a whole buffer nobody else holds any more, if there is room. */
  give(buffer: Uint8Array | undefined): void {
    if (!buffer || buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength) return;
    if (buffer.byteLength === 0 || this.#bytes + buffer.byteLength > this.#capacity) return;
    let list = this.#free.get(buffer.byteLength);
    if (!list) {
      list = [];
      this.#free.set(buffer.byteLength, list);
    }
    list.push(buffer);
    this.#bytes += buffer.byteLength;
  }
}
