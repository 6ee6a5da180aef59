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
  const out = await gzipAsync(bytes, { level });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
