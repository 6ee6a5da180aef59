/**
 * The contract of a face: a pure function of (catalog, key) to a reply.
 * The HTTP layer turns replies into responses (Range, HEAD, ETag, errors).
 */
import type { CatalogView } from '../catalog/catalog.js';
import type { Compression } from '../encode/compression.js';
import type { IoOptions, StoredObject } from '../model/node.js';

export type FaceReply =
  /** A metadata document; `listing` replies go out with no Content-Type (fsspec parses them only then). */
  | { kind: 'json'; body: unknown; listing?: boolean }
  /**
   * Bytes made for this request (a transcoded chunk). `current`, when given,
   * says the same key still gives these bytes (the chunk's source vouches for
   * its inputs, as `Chunk.current` does): the server may replay them unasked.
   */
  | { kind: 'bytes'; bytes: Uint8Array; current?: () => boolean }
  /** Bytes stored by the source, streamed unchanged. */
  | { kind: 'object'; object: StoredObject };

export interface FaceRequest {
  /** Decoded path segments after the face's prefix. */
  readonly segments: readonly string[];
  /** Absolute URL of this request without query, for listings. */
  readonly url: string;
  /** How this server compresses transcoded chunks (declared in the metadata it writes). */
  readonly compression: Compression;
}

export interface Face {
  /** URL prefix, e.g. `/zarr/v2`. */
  readonly prefix: string;
  handle(catalog: CatalogView, request: FaceRequest, opts: IoOptions): Promise<FaceReply>;
}

/** Absolute child URLs, as Tiled lists a group. */
export function listing(url: string, names: readonly string[]): FaceReply {
  const base = url.replace(/\/+$/, '');
  return { kind: 'json', listing: true, body: names.map((n) => `${base}/${encodeURIComponent(n)}`) };
}
