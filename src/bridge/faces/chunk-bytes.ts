/**
 * A chunk as the Zarr faces encode it before compression: little-endian
 * element bytes, or vlen-utf8 for string arrays. Shared by /zarr/v2 and /zarr/v3.
 */

import { encodeVlenUtf8 } from '../encode/vlen-utf8.js';
import { BridgeError, notFound } from '../errors.js';
import { isDType } from '../model/dtype.js';
import type { ArrayNode, IoOptions } from '../model/node.js';
import type { FaceReply } from './face.js';

/** Whether a face can transcode this array at all (else it is served only as stored). */
export const transcodable = (node: ArrayNode): boolean => isDType(node.meta.dtype) || node.meta.dtype === 'string';

export async function chunkPayload(node: ArrayNode, coords: number[], opts: IoOptions): Promise<Uint8Array> {
  if (node.meta.dtype === 'string' && node.readStrings) {
    return encodeVlenUtf8((await node.readStrings(coords, opts)).strings);
  }
  if (!isDType(node.meta.dtype)) throw unrepresentable(node);
  return (await node.readChunk(coords, opts)).bytes;
}

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
