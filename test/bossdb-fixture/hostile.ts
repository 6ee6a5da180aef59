/**
 * Hostile bodies for tests: decompression bombs that are small to send and
 * huge to inflate, built by streaming (the test process never holds the
 * inflated size), and forged frame headers that announce more than a chunk
 * can hold.
 */
import { createDeflate, createGzip } from 'node:zlib';

/** A zlib (`deflate`) or gzip stream of `bytes` zero bytes: about bytes / 1000 long. */
export async function zlibBomb(bytes: number, format: 'zlib' | 'gzip' = 'zlib'): Promise<Buffer> {
  const z = format === 'zlib' ? createDeflate({ level: 9 }) : createGzip({ level: 9 });
  const parts: Buffer[] = [];
  z.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise<void>((resolve, reject) => z.on('end', resolve).on('error', reject));
  const block = Buffer.alloc(4 * 2 ** 20);
  for (let left = bytes; left > 0; left -= block.length) {
    if (!z.write(left >= block.length ? block : block.subarray(0, left))) {
      await new Promise((r) => z.once('drain', r));
    }
  }
  z.end();
  await done;
  return Buffer.concat(parts);
}

/** A blosc1 frame whose header announces `nbytes` decoded bytes (and its own true length). */
export function forgedBloscHeader(nbytes: number): Uint8Array {
  const frame = new Uint8Array(64);
  const view = new DataView(frame.buffer);
  frame.set([2, 1, 0x01, 1]); // version 2, lz version 1, byte shuffle, typesize 1
  view.setUint32(4, nbytes, true);
  view.setUint32(8, 2 ** 16, true);
  view.setUint32(12, frame.length, true);
  return frame;
}

/**
 * A real zstd bomb: a frame declaring `bytes` of content, made of RLE blocks
 * of 128 KiB each (4 bytes per block), that would inflate to all of it.
 */
export function zstdBomb(bytes: number): Uint8Array {
  const blockSize = 128 * 1024;
  const blocks = Math.ceil(bytes / blockSize);
  const out = new Uint8Array(4 + 1 + 1 + 8 + blocks * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xfd2fb528, true);
  out[4] = 0xc0; // 8-byte content size, not single-segment
  out[5] = 0x38; // window descriptor: 2^(10+7) = 128 KiB
  view.setBigUint64(6, BigInt(bytes), true);
  for (let b = 0; b < blocks; b++) {
    const size = Math.min(blockSize, bytes - b * blockSize);
    const last = b === blocks - 1 ? 1 : 0;
    const header = (size << 3) | (1 << 1) | last; // RLE block
    const at = 14 + b * 4;
    out[at] = header & 0xff;
    out[at + 1] = (header >> 8) & 0xff;
    out[at + 2] = (header >> 16) & 0xff;
    out[at + 3] = 0; // the byte repeated
  }
  return out;
}

/** numcodecs' LZ4 frame: a little-endian int32 decoded size, then a (here meaningless) block. */
export function forgedLz4(nbytes: number): Uint8Array {
  const frame = new Uint8Array(64);
  new DataView(frame.buffer).setInt32(0, nbytes, true);
  return frame;
}
