/**
 * How transcoded chunks are compressed, one setting per server. On loopback
 * the link costs nothing while gzip holds a core to ~60 MB/s (see `npm run
 * bench -- gzip`), so a loopback bridge serves raw chunks by default; a bridge
 * exposed to a network gzips at level 1. Stored bytes passed through are
 * never touched.
 */
import { GZIP_LEVEL, gzipBytes } from './gzip.js';

export type Compression = 'gzip' | 'raw';

export const zarrV2Compressor = (c: Compression) => (c === 'gzip' ? { id: 'gzip', level: GZIP_LEVEL } : null);

export const zarrV3Compression = (c: Compression) =>
  c === 'gzip' ? [{ name: 'gzip', configuration: { level: GZIP_LEVEL } }] : [];

export const n5Compression = (c: Compression) =>
  c === 'gzip' ? { type: 'gzip', level: GZIP_LEVEL, useZlib: false } : { type: 'raw' };

export async function compress(c: Compression, bytes: Uint8Array): Promise<Uint8Array> {
  return c === 'gzip' ? gzipBytes(bytes) : bytes;
}
