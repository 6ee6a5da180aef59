/**
 * The catalog's format-neutral tree. Sources build these nodes; faces read
 * them and nothing else. Metadata is normalised once, when a node is made.
 */
import type { DType } from './dtype.js';
import type { OmeMeta } from './ome.js';

export type Attrs = Record<string, unknown>;
export type FillValue = number | bigint | boolean;

export interface IoOptions {
  readonly signal?: AbortSignal;
  /**
   * A bulk read (a conversion or an export), not one a viewer waits on: a source that queues its reads
   * (BossDB's cutouts in flight) serves the others first, so browsing stays quick while an export runs.
   */
  readonly bulk?: boolean;
}

/** One decoded chunk: C order, little-endian element bytes, full chunk shape. Never modified once read. */
export interface Chunk {
  readonly shape: readonly number[];
  /** Read only: a source may hand the same bytes to every reader (a cached decode, a cached BossDB block). */
  readonly bytes: Uint8Array;
  /**
   * Whether reading this chunk again would still give these bytes, without
   * asking the source (a cached decode whose files were checked within the
   * last second). Checked on every reuse; omitted when the source cannot vouch.
   */
  current?(): boolean;
}

/** A data type that can only be passed through as stored (strings, objects). */
export type OpaqueDType = `opaque:${string}`;

/** One decoded chunk of a string array: C order, full chunk shape. */
export interface StringChunk {
  readonly shape: readonly number[];
  readonly strings: readonly string[];
}

export interface ArrayMeta {
  readonly shape: readonly number[];
  /** The grid a source reads at (a sharded array's inner chunks). */
  readonly chunkShape: readonly number[];
  /** `string`: variable-length UTF-8 (v3 `string`, v2 `|O` + vlen-utf8, and fixed `U`/`S` read as text). */
  readonly dtype: DType | 'string' | OpaqueDType;
  readonly fillValue: FillValue | string;
  readonly dimensionNames?: readonly string[];
}

/** A range of bytes of a stored object, streamed unchanged by the faces. */
export interface ByteRange {
  readonly offset: number;
  /** Omitted: to the end. */
  readonly length?: number;
}

export interface StoredObject {
  readonly size: number;
  /** Changes whenever the bytes change (mtime + size for files). */
  readonly version: string;
  /**
   * The source stands by `version` as naming these bytes exactly (a file's size and mtime, checked
   * when read), so what is computed from them may be kept under it, whether or not the bytes are
   * kept. Not set where a version is only a guess (a remote object's size).
   */
  readonly exactVersion?: boolean;
  read(range: ByteRange | undefined, opts: IoOptions): Promise<NodeJS.ReadableStream | Uint8Array>;
  /** The whole object, when the source holds it in memory (then it can be sent without I/O). */
  readonly held?: Uint8Array;
  /**
   * The whole object in memory as pieces, in order, when joining them would cost a copy of every byte (a
   * gzip header and trailer around deflate data as stored): sent in one gathered write. Not with `held`.
   */
  readonly heldPieces?: readonly Uint8Array[];
  /**
   * Whether `held` may still be sent as is, without asking the source again
   * (a hot-cache entry not yet due for revalidation). Checked on every reuse.
   */
  current?(): boolean;
  /**
   * `held` (or a piece) lives in a reusable buffer: called when the caller is done with
   * the bytes (once a response has handed them to the kernel, or its client
   * has gone); calls after the first do nothing.
   */
  release?(): void;
  /**
   * The object at the same key of the same source, read again: what the URL
   * that served this object names now (undefined once it is gone). Lets the
   * server answer that URL again without walking the catalog.
   */
  reread?(opts: IoOptions): Promise<StoredObject | undefined>;
}

/**
 * How an array is stored, when a face may stream its bytes unchanged:
 * the stored metadata document and a lookup from chunk key to object.
 */
export interface StoredEncoding {
  readonly format: 'zarr2' | 'zarr3' | 'n5';
  /** `.zarray`, the array's `zarr.json`, or N5 `attributes.json`, as stored. */
  readonly metadata: Attrs;
  /** `key` is relative to the array, in the stored format's own spelling. */
  object(key: string, opts: IoOptions): Promise<StoredObject | undefined>;
}

interface NodeBase {
  /** Catalog path, e.g. `local/cells.ome.zarr/0`. */
  readonly path: string;
  /** User attributes, without the OME metadata (which is in `ome`). */
  readonly attrs: Attrs;
  readonly ome?: OmeMeta;
}

export interface GroupNode extends NodeBase {
  readonly kind: 'group';
  /** The group's metadata as stored, for a face of the same format (N5 only). */
  readonly stored?: { readonly format: 'n5'; readonly metadata: Attrs };
  children(opts: IoOptions): Promise<string[]>;
  child(name: string, opts: IoOptions): Promise<CatalogNode | undefined>;
  /**
   * A hint from a walk down a known path: `names` are about to be asked for, one level after another. A
   * source whose levels each cost a round trip (BossDB) starts what they need at once; listing a group
   * never calls this, so browsing stays lazy.
   */
  expect?(names: readonly string[], opts: IoOptions): void;
}

export interface ArrayNode extends NodeBase {
  readonly kind: 'array';
  readonly meta: ArrayMeta;
  /** Decoded chunk at `chunkCoords` of `meta.chunkShape`; fill where nothing is stored. */
  readChunk(chunkCoords: readonly number[], opts: IoOptions): Promise<Chunk>;
  /** For `dtype: 'string'` arrays only. */
  readStrings?(chunkCoords: readonly number[], opts: IoOptions): Promise<StringChunk>;
  readonly stored?: StoredEncoding;
}

export type CatalogNode = GroupNode | ArrayNode;
