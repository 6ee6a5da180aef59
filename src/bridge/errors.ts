/**
 * Typed errors of the bridge. Each has a discriminating `tag` that the HTTP
 * layer maps to a status; callers test the tag, never the message.
 */

export type BridgeErrorTag =
  /** No such node, or a chunk outside the grid: readers treat it as "empty". */
  | 'NotFound'
  /** A malformed key or parameter sent by the client. */
  | 'BadRequest'
  /** The node exists but this face cannot present it (e.g. bool on N5). */
  | 'NotRepresentable'
  /** Bytes on disk (or from an upstream) that do not decode. */
  | 'CorruptData'
  /** An upstream (BossDB, remote Zarr) failed; never cached, never a 404. */
  | 'Upstream'
  /** An upstream did not answer in time. */
  | 'UpstreamTimeout'
  /** A path that would leave an opened folder. */
  | 'Forbidden'
  /** Missing or wrong credentials for the bridge itself. */
  | 'Unauthorized'
  /** The request was aborted by the client. */
  | 'Aborted';

export class BridgeError extends Error {
  readonly tag: BridgeErrorTag;
  /** The key or path the error is about, echoed to the client. */
  readonly key?: string;

  constructor(tag: BridgeErrorTag, message: string, options?: { key?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = `BridgeError(${tag})`;
    this.tag = tag;
    this.key = options?.key;
  }
}

export function isBridgeError(e: unknown, tag?: BridgeErrorTag): e is BridgeError {
  return e instanceof BridgeError && (tag === undefined || e.tag === tag);
}

export const notFound = (message: string, key?: string): BridgeError => new BridgeError('NotFound', message, { key });
export const badRequest = (message: string, key?: string): BridgeError =>
  new BridgeError('BadRequest', message, { key });

/** True when `e` is the rejection an aborted AbortSignal causes. */
export function isAbortError(e: unknown): boolean {
  return isBridgeError(e, 'Aborted') || (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'));
}
