/**
 * gzip on libuv's thread pool, so compressing chunks never blocks the event
 * loop. Level 1: on loopback the link is free and the CPU is not; see the
 * transcoding benchmark for the measurement behind it.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export const GZIP_LEVEL = 1;

export async function gzipBytes(bytes: Uint8Array, level = GZIP_LEVEL): Promise<Uint8Array> {
  // One thread-pool round trip per chunk instead of one per 16 KiB (zlib's default chunkSize).
  const out = await gzipAsync(bytes, { level, chunkSize: Math.max(64 * 1024, bytes.byteLength) });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
