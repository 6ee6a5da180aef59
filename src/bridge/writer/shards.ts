/**
 * Writing one unit of an array: a shard (Zarr v3 sharding codec: inner
 * chunks in C order, then the index of (offset, nbytes) u64 pairs and its
 * crc32c, index at the end) or a block of plain chunk files. Every file goes
 * to a temporary file inside OUTPUT, is synced, then renamed into place, so a
 * file in OUTPUT is always whole. Also the resume check of a finished shard.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ChunkResult } from './chunk-task.js';
import { crc32c } from './crc32c.js';
import { describeIoError } from './errors.js';

/** Missing inner chunk in a shard index (2^64 − 1 for offset and size). */
const MISSING = 0xffff_ffff_ffff_ffffn;

/** Inner chunks of a unit, in C order, with their place in the level's chunk grid. */
export interface UnitChunks {
  /** Chunk coordinates in the level's chunk grid, C order over the shard; undefined = beyond the array. */
  coords: (number[] | undefined)[];
}

/** Produces encoded chunks in order, at most `window` at a time ahead of the one being written. */
async function* inOrder(
  coords: readonly (number[] | undefined)[],
  produce: (c: number[]) => Promise<ChunkResult>,
  window: number,
): AsyncGenerator<ChunkResult> {
  const ahead: Promise<ChunkResult>[] = [];
  let launched = 0;
  const launch = () => {
    while (launched < coords.length && ahead.length < window) {
      const c = coords[launched++];
      const p = c ? produce(c) : Promise.resolve(undefined);
      // Awaited below in order; a failure of one further ahead must not go unhandled meanwhile.
      p.catch(() => {});
      ahead.push(p);
    }
  };
  launch();
  while (ahead.length > 0) {
    const next = await ahead.shift()!;
    launch();
    yield next;
  }
}

/** Renames a finished temporary file to `target`, making its folder on first need. */
async function commit(tmp: string, target: string): Promise<void> {
  try {
    await rename(tmp, target);
  } catch (e) {
    // Folders are made when a file first lands in them: one mkdir per folder, not one per file.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(dirname(target), { recursive: true });
    await rename(tmp, target);
  }
}

/**
 * Writes a shard to `target`; returns 1, or 0 when every inner chunk is fill
 * (then no file is written, as zarr-python does).
 */
export async function writeShard(
  target: string,
  tmpFile: string,
  chunks: UnitChunks,
  produce: (c: number[]) => Promise<ChunkResult>,
  window: number,
): Promise<number> {
  const n = chunks.coords.length;
  const index = new BigUint64Array(2 * n).fill(MISSING);
  let offset = 0;
  try {
    const fh = await open(tmpFile, 'w');
    try {
      let i = 0;
      for await (const encoded of inOrder(chunks.coords, produce, window)) {
        if (encoded) {
          await fh.write(encoded, 0, encoded.byteLength, offset);
          index[2 * i] = BigInt(offset);
          index[2 * i + 1] = BigInt(encoded.byteLength);
          offset += encoded.byteLength;
        }
        i++;
      }
      if (offset > 0) {
        const indexBytes = new Uint8Array(16 * n + 4);
        // BigUint64Array is little-endian on every platform Node runs on.
        indexBytes.set(new Uint8Array(index.buffer));
        new DataView(indexBytes.buffer).setUint32(16 * n, crc32c(indexBytes.subarray(0, 16 * n)), true);
        await fh.write(indexBytes, 0, indexBytes.byteLength, offset);
        await fh.datasync();
      }
    } finally {
      await fh.close();
    }
    if (offset === 0) {
      await rm(tmpFile, { force: true });
      return 0;
    }
    await commit(tmpFile, target);
    return 1;
  } catch (e) {
    await rm(tmpFile, { force: true }).catch(() => {});
    // File-system errors (they name a syscall) become one-line reasons; others pass as they are.
    if ((e as NodeJS.ErrnoException).syscall) throw describeIoError(e, target);
    throw e;
  }
}

/** Writes each non-fill chunk of a unit as its own file (`keyOf` gives its path); returns the count. */
export async function writeChunkFiles(
  targetOf: (coords: number[]) => string,
  tmpFile: () => string,
  chunks: UnitChunks,
  produce: (c: number[]) => Promise<ChunkResult>,
  window: number,
): Promise<number> {
  let files = 0;
  let i = 0;
  for await (const encoded of inOrder(chunks.coords, produce, window)) {
    const coords = chunks.coords[i++];
    if (!encoded || !coords) continue;
    const target = targetOf(coords);
    const tmp = tmpFile();
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.write(encoded, 0, encoded.byteLength, 0);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await commit(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => {});
      throw (e as NodeJS.ErrnoException).syscall ? describeIoError(e, target) : e;
    }
    files++;
  }
  return files;
}

/**
 * Whether a shard written before is whole: its index checksum holds and
 * every inner chunk lies inside the file. A power cut can leave a renamed
 * file without its bytes; such a shard is written again.
 */
export async function shardIntact(path: string, innerChunks: number): Promise<boolean> {
  const indexSize = 16 * innerChunks + 4;
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await fh.stat();
    if (size < indexSize) return false;
    const buf = new Uint8Array(indexSize);
    await fh.read(buf, 0, indexSize, size - indexSize);
    const view = new DataView(buf.buffer);
    if (view.getUint32(16 * innerChunks, true) !== crc32c(buf.subarray(0, 16 * innerChunks))) return false;
    const dataEnd = BigInt(size - indexSize);
    for (let i = 0; i < innerChunks; i++) {
      const off = view.getBigUint64(16 * i, true);
      const len = view.getBigUint64(16 * i + 8, true);
      if (off === MISSING && len === MISSING) continue;
      if (off + len > dataEnd) return false;
    }
    return true;
  } finally {
    await fh.close();
  }
}

export const joinOut = (output: string, ...parts: string[]): string => join(output, ...parts.filter((p) => p !== ''));
