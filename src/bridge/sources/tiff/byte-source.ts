/**
 * The bytes of one TIFF file for geotiff.js: ranges read through the opened
 * folder's store, so a file is confined, opened and revalidated the way the
 * folder source does it (kept-open handles, versions from size and mtime).
 */
import { BridgeError } from '../../errors.js';
import type { IoOptions } from '../../model/node.js';
import type { FolderStore } from '../store/folder-store.js';

export interface ByteSlice {
  readonly offset: number;
  readonly length: number;
}

/** What geotiff.js asks of a source (its `BaseSource` contract). */
export interface TiffByteSource {
  fetch(slices: readonly ByteSlice[], signal?: AbortSignal): Promise<ArrayBuffer[]>;
  readonly fileSize: number | null;
  close(): Promise<void>;
}

/** One range of `key`, as an ArrayBuffer of its own; shorter only at the end of the file. */
export async function readRange(
  store: FolderStore,
  key: string,
  slice: ByteSlice,
  opts: IoOptions,
): Promise<ArrayBuffer> {
  const bytes = await store.getRange(key, { offset: slice.offset, length: slice.length }, { ...opts, upToEnd: true });
  if (!bytes) throw new BridgeError('NotFound', `${key} is no longer there`, { key });
  // geotiff.js reads through DataViews on the ArrayBuffer itself, so it must hold exactly these bytes.
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : bytes.slice().buffer;
}

/**
 * A geotiff.js source over `key`. geotiff.js passes no signal while it parses
 * IFDs (small reads, at most a few KiB each); data reads pass theirs.
 */
export function tiffByteSource(store: FolderStore, key: string): TiffByteSource {
  return {
    fetch: (slices, signal) => Promise.all(slices.map((s) => readRange(store, key, s, { signal }))),
    fileSize: null,
    // The folder store owns the handles.
    close: async () => undefined,
  };
}
