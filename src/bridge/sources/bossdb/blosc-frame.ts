/**
 * Decoding BossDB's `application/blosc` bodies: one c-blosc1 chunk holding the
 * C-order little-endian voxels. BossDB writes the header's typesize byte as
 * the BIT depth (8/16/64) and shuffles with that width; numcodecs' decoder
 * honours whatever the header says, so the voxels come back right.
 *
 * blosc1 has no checksum, and numcodecs happily "decodes" a truncated or
 * garbled chunk into a buffer of the announced size, so the header is checked
 * first: its total size must equal the body received, and its uncompressed
 * size must equal the voxels asked for.
 */
import type { IoOptions } from '../../model/node.js';
import { decodeOffThread } from '../../util/decode-pool.js';

export const BLOSC_HEADER_BYTES = 16;

export interface BloscHeader {
  version: number;
  versionlz: number;
  flags: number;
  /** As written; BossDB puts the bit depth here. */
  typesize: number;
  /** Uncompressed bytes. */
  nbytes: number;
  blocksize: number;
  /** Total chunk bytes, header included. */
  ctbytes: number;
}

export function parseBloscHeader(frame: Uint8Array): BloscHeader | undefined {
  if (frame.length < BLOSC_HEADER_BYTES) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, BLOSC_HEADER_BYTES);
  return {
    version: frame[0]!,
    versionlz: frame[1]!,
    flags: frame[2]!,
    typesize: frame[3]!,
    nbytes: view.getUint32(4, true),
    blocksize: view.getUint32(8, true),
    ctbytes: view.getUint32(12, true),
  };
}

/** Why a frame cannot hold `expectedBytes` of voxels, or undefined when it can. */
export function bloscFrameProblem(frame: Uint8Array, expectedBytes: number): string | undefined {
  const h = parseBloscHeader(frame);
  if (!h) return `blosc frame of ${frame.length} bytes is shorter than its header`;
  if (h.ctbytes !== frame.length) return `blosc frame announces ${h.ctbytes} bytes, body has ${frame.length}`;
  if (h.nbytes !== expectedBytes) return `blosc frame holds ${h.nbytes} bytes, expected ${expectedBytes}`;
  return undefined;
}

/** The uncompressed bytes of a frame already checked by `bloscFrameProblem` (on a decode worker). */
export function decodeBlosc(frame: Uint8Array, io: IoOptions = {}): Promise<Uint8Array> {
  return decodeOffThread('blosc', frame, io);
}
