/**
 * A chunk as the Zarr faces encode it before compression: little-endian
 * element bytes, or vlen-utf8 for string arrays. Shared by /zarr/v2 and /zarr/v3.
 */

import type { Compression } from '../encode/compression.js';
import { compress } from '../encode/compression.js';
import { encodeVlenUtf8 } from '../encode/vlen-utf8.js';
import { BridgeError, notFound } from '../errors.js';
import { isDType } from '../model/dtype.js';
import type { ArrayNode, Chunk, IoOptions } from '../model/node.js';
import type { FaceReply } from './face.js';

/** Whether a face can transcode this array at all (else it is served only as stored). */
export const transcodable = (node: ArrayNode): boolean => isDType(node.meta.dtype) || node.meta.dtype === 'string';

/** The chunk at `coords` as a Zarr face sends it: compressed, and replayable while its source vouches for it. */
export async function zarrChunkReply(
  node: ArrayNode,
  coords: number[],
  compression: Compression,
  opts: IoOptions,
): Promise<FaceReply> {
  if (node.meta.dtype === 'string' && node.readStrings) {
    return {
      kind: 'bytes',
      bytes: await compress(compression, encodeVlenUtf8((await node.readStrings(coords, opts)).strings)),
    };
  }
  if (!isDType(node.meta.dtype)) throw unrepresentable(node);
  const chunk = await node.readChunk(coords, opts);
  return madeFrom(chunk, await compress(compression, chunk.bytes));
}

/** A reply made from `chunk` alone (and the server's settings): as current as the chunk is. */
export const madeFrom = (chunk: Chunk, bytes: Uint8Array): FaceReply =>
  chunk.current ? { kind: 'bytes', bytes, current: chunk.current } : { kind: 'bytes', bytes };

export const unrepresentable = (node: ArrayNode, face = 'this face'): BridgeError =>
  new BridgeError(
    'NotRepresentable',
    `${node.path}: data type ${String(node.meta.dtype)} cannot be presented on ${face}`,
    {
      key: node.path,
    },
  );

/** The stored object at `key` of an array passed through unchanged; a missing one is a 404 (readers fill it). */
export async function storedChunk(node: ArrayNode, key: string, signal: AbortSignal | undefined): Promise<FaceReply> {
  const object = await node.stored!.object(key, { signal });
  if (!object) throw notFound(`no chunk ${key}`, key);
  return { kind: 'object', object };
}
