/**
 * The byte-level contract under every Zarr/N5 source, zarrita's shape:
 * keys are `/`-separated paths relative to the source root, a missing key is
 * `undefined`, an error is thrown. `list` exists only where the backing store
 * can enumerate (a folder; not plain HTTP).
 */
import { BridgeError } from '../../errors.js';
import type { IoOptions, StoredObject } from '../../model/node.js';

export type RangeQuery = { offset: number; length: number } | { suffixLength: number };

/** A read that refuses objects larger than `maxBytes` (a CorruptData naming the key) instead of holding them. */
export interface ReadOptions extends IoOptions {
  readonly maxBytes?: number;
  /**
   * A range that runs past the end reads what there is, instead of being damage: a TIFF
   * parser reads its directories in fixed-size blocks, and the last one may end after the file.
   */
  readonly upToEnd?: boolean;
}

export interface KvStore {
  get(key: string, opts: ReadOptions): Promise<Uint8Array | undefined>;
  getRange(key: string, range: RangeQuery, opts: ReadOptions): Promise<Uint8Array | undefined>;
  /** The object at `key`, for streaming unchanged; undefined when missing. */
  object(key: string, opts: IoOptions): Promise<StoredObject | undefined>;
  /** Names of the sub-folders of `prefix` (`''` = the root), when enumerable. */
  list?(prefix: string, opts: IoOptions): Promise<string[]>;
  /**
   * A cheap version of the object at `key` (null when absent), for caches of
   * what was decoded from it; undefined when the store cannot tell.
   */
  version?(key: string, opts: IoOptions): Promise<string | null | undefined>;
}

/** Options of a read that also notes which keys it touched (for the decoded-chunk cache). */
export interface NotedReadOptions extends ReadOptions {
  reads?: string[];
}

export const joinKey = (...parts: string[]): string => parts.filter((p) => p !== '').join('/');

/** The error for an object larger than the reader may take. */
export const tooLarge = (key: string, size: number, maxBytes: number): BridgeError =>
  new BridgeError('CorruptData', `${key} is ${size} bytes, more than the ${maxBytes} it can hold`, { key });
