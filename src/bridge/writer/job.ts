/**
 * Runs a conversion: catalog node → layout → a plan per image → shards,
 * level by level, with bounded memory, progress and cancel → metadata last,
 * the root's very last. Level k+1 is made from level k as written (read back
 * through the catalog's own Zarr reader), so a level never needs the whole
 * image in memory and `--resume` and parts can restart at any shard.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bytesPerElement, type DType } from '../model/dtype.js';
import type { ArrayNode, Attrs, CatalogNode } from '../model/node.js';
import { FolderStore } from '../sources/store/folder-store.js';
import { storeTree } from '../sources/store/open-node.js';
import { type ArrayEncoding, arrayDocs, chunkKey } from './array-doc.js';
import { type Box, BoxReader, copyOverlap } from './box-reader.js';
import { BufferPool } from './buffer-pool.js';
import type { ChunkResult } from './chunk-task.js';
import { codecSpec } from './codec.js';
import { describeIoError, WriterError } from './errors.js';
import { collectEvery } from './gc-pressure.js';
import { fingerprintOf, Journal, partScope } from './journal.js';
import { groupDocs, type ImageSource, imageOme, layoutOf } from './layout.js';
import { MemoryBudget } from './memory.js';
import type { DownsampleMethod, RunMode, WriteOptions } from './options.js';
import { claimOutput } from './output.js';
import { LevelPieces, pieceBytes, piecesFit, piecesOf } from './pieces.js';
import { type LevelPlan, partOf, planLevels, shardBox, shardCoords } from './plan.js';
import { ReadAhead } from './read-ahead.js';
import { joinOut, shardIntact, writeChunkFiles, writeShard } from './shards.js';
import { type ChunkPool, createChunkPool } from './worker-pool.js';

export interface Progress {
  phase: 'writing' | 'metadata' | 'done';
  /** Level being written (0-based) and how many levels the deepest image has. */
  level: number;
  levels: number;
  unitsDone: number;
  unitsTotal: number;
  /** Voxels of every level this run writes (skipped, finished units count as done). */
  voxelsDone: number;
  voxelsTotal: number;
  /** Uncompressed bytes of those voxels. */
  bytesDone: number;
  bytesTotal: number;
  /** Compressed bytes written to disk by this run. */
  bytesWritten: number;
  elapsedMs: number;
}

export interface ConvertRequest {
  /** The input, resolved in the catalog. */
  node: CatalogNode;
  /** What the input is (a mount's origin and path), part of the plan's fingerprint. */
  inputIdentity: string;
  output: string;
  options: WriteOptions;
  mode: RunMode;
  /** Local folders the input reads from: OUTPUT may not overlap them. */
  inputFolders?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Codec workers the caller started (see `startChunkPool`) and closes; by default the job starts its own. */
  pool?: ChunkPool;
}

export interface ConvertResult {
  output: string;
  /** False for a part: `--finalize` completes the dataset. */
  complete: boolean;
  images: number;
  levels: number;
  voxelsWritten: number;
  bytesWritten: number;
  elapsedMs: number;
}

interface ImageJob {
  source: ImageSource;
  levels: LevelPlan[];
  method: DownsampleMethod;
  encoding: ArrayEncoding;
  bpe: number;
}

interface Unit {
  image: number;
  level: number;
  coords: number[];
  id: string;
  voxels: number;
}

const voxelsOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The chunks of a unit's shard in the order they are written; undefined past the array's edge. */
function unitChunks(level: LevelPlan, unitCoords: readonly number[]): (number[] | undefined)[] {
  const perShard = level.shard.map((s, d) => s / level.chunk[d]);
  const chunkGrid = level.shape.map((s, d) => Math.ceil(s / level.chunk[d]));
  const coords: (number[] | undefined)[] = [];
  const total = voxelsOf(perShard);
  for (let n = 0; n < total; n++) {
    let rest = n;
    const c = new Array<number>(perShard.length);
    for (let d = perShard.length - 1; d >= 0; d--) {
      c[d] = unitCoords[d] * perShard[d] + (rest % perShard[d]);
      rest = Math.floor(rest / perShard[d]);
    }
    coords.push(c.every((v, d) => v < chunkGrid[d]) ? c : undefined);
  }
  return coords;
}

/** Where level 0's chunk `c` lies in the input (`origin`: the region's corner, or zeros). */
function inputBox(level: LevelPlan, c: readonly number[], origin: readonly number[]): Box {
  const start = c.map((v, d) => v * level.chunk[d]);
  return {
    start: start.map((s, d) => s + origin[d]),
    shape: start.map((s, d) => Math.min(level.chunk[d], level.shape[d] - s)),
  };
}

/** JSON written atomically: temporary file inside OUTPUT, then rename. */
async function writeJson(path: string, doc: Attrs, journal: Journal): Promise<void> {
  const tmp = journal.tmpFile();
  try {
    await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`);
    await mkdir(join(path, '..'), { recursive: true });
    await rename(tmp, path);
  } catch (e) {
    throw describeIoError(e, path);
  }
}

function interrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new WriterError('Interrupted', 'interrupted: run again with --resume to continue');
}

export function planImages(sources: readonly ImageSource[], options: WriteOptions): ImageJob[] {
  const codec = codecSpec(options.compression, options.compressionLevel);
  return sources.map((source) => {
    const method = options.downsample ?? (source.categorical ? 'mode' : 'mean');
    const dtype = source.level0.meta.dtype as DType;
    return {
      source,
      method,
      levels: planLevels(source.geometry, options, method),
      bpe: bytesPerElement(dtype),
      encoding: {
        version: options.ome,
        dtype,
        codec,
        sharded: options.ome === '0.5' && options.shard > 1,
        dimensionNames: source.geometry.axes.map((a) => a.name),
      },
    };
  });
}

/** The codec workers for a conversion with `options`, each loading its codec now. */
export function startChunkPool(options: WriteOptions): ChunkPool {
  const pool = createChunkPool(Math.max(1, options.threads));
  pool.warm(codecSpec(options.compression, options.compressionLevel));
  return pool;
}

export async function runConvert(req: ConvertRequest): Promise<ConvertResult> {
  // The codec workers start, and compile their WebAssembly, while the input's metadata is read and OUTPUT is
  // claimed, rather than after: on a conversion of a few seconds that start-up is a visible part of the time.
  if (req.pool) return convertWith(req, req.pool);
  const pool = startChunkPool(req.options);
  try {
    return await convertWith(req, pool);
  } finally {
    await pool.close();
  }
}

async function convertWith(req: ConvertRequest, pool: ChunkPool): Promise<ConvertResult> {
  const started = performance.now();
  const { options, mode, signal } = req;
  const output = resolve(req.output);
  if (mode.part && mode.finalize) throw new WriterError('Usage', '--part and --finalize are separate runs');
  if (mode.part && mode.overwrite) throw new WriterError('Usage', '--overwrite cannot be used with --part');
  const layout = await layoutOf(req.node, options, { signal });
  const images = planImages(layout.images, options);
  const fingerprint = fingerprintOf({
    format: 1,
    input: req.inputIdentity,
    options: { ...options, threads: undefined, memoryBytes: undefined },
    images: images.map((i) => ({ path: i.source.outPath, dtype: i.encoding.dtype, levels: i.levels })),
  });
  const state = await claimOutput(output, mode, req.inputFolders ?? []);
  const deepest = Math.max(...images.map((i) => i.levels.length));
  if (state === 'complete') {
    return {
      output,
      complete: true,
      images: images.length,
      levels: deepest,
      voxelsWritten: 0,
      bytesWritten: 0,
      elapsedMs: 0,
    };
  }
  const scope = mode.part ? partScope(mode.part.index, mode.part.count) : mode.finalize ? 'finalize' : 'all';
  const journal = await Journal.open(output, scope, fingerprint, mode.part?.count);
  const partCount = mode.part?.count ?? (mode.finalize ? await journal.parts() : undefined);
  if (mode.finalize) {
    if (partCount === undefined) throw new WriterError('PartsPending', 'no parts have run in OUTPUT');
    const pending = await journal.pendingParts(partCount);
    if (pending.length > 0) {
      throw new WriterError(
        'PartsPending',
        `parts not done yet: ${pending.map((p) => `${p + 1}/${partCount}`).join(', ')}`,
      );
    }
  }

  // Every level's array document first: level k+1 reads level k back through them.
  for (const image of images) {
    for (const level of image.levels) {
      for (const [name, doc] of Object.entries(arrayDocs(level, image.encoding))) {
        await writeJson(joinOut(output, image.source.outPath, String(level.index), name), doc, journal);
      }
    }
  }

  // Which units this run writes.
  const units: Unit[][] = Array.from({ length: deepest }, () => []);
  images.forEach((image, i) => {
    for (const level of image.levels) {
      for (const coords of shardCoords(level)) {
        if (mode.part || mode.finalize) {
          const part = partCount! > 1 ? partOf(image.levels, level.index, coords, partCount!) : 0;
          if (mode.part && part !== mode.part.index) continue;
          if (mode.finalize && part !== -1) continue;
        }
        const id = `${i}/${level.index}/${coords.join('.')}`;
        units[level.index].push({
          image: i,
          level: level.index,
          coords,
          id,
          voxels: voxelsOf(shardBox(level, coords).shape),
        });
      }
    }
  });
  const all = units.flat();
  const bpeOf = (u: Unit) => images[u.image].bpe;
  const progress: Progress = {
    phase: 'writing',
    level: 0,
    levels: deepest,
    unitsDone: 0,
    unitsTotal: all.length,
    voxelsDone: 0,
    voxelsTotal: all.reduce((a, u) => a + u.voxels, 0),
    bytesDone: 0,
    bytesTotal: all.reduce((a, u) => a + u.voxels * bpeOf(u), 0),
    bytesWritten: 0,
    elapsedMs: 0,
  };
  const report = () => req.onProgress?.({ ...progress, elapsedMs: performance.now() - started });

  const threads = Math.max(1, options.threads);
  // What the process holds whatever the data (Node, its heap, a codec worker each, garbage not yet
  // collected) is kept out of the budget; the rest is shared by the chunks in flight, the input
  // cache, the next level's pieces and the idle input blocks kept for reuse. A codec worker is an
  // isolate with the WebAssembly memory its codec grows to: with 24 MiB each, 420 MB converted at
  // --memory 360 peaked at 296–330 MiB; with 32, at 288–301 MiB, as fast.
  const reserve = 64 * 2 ** 20 + threads * 32 * 2 ** 20;
  const usable = Math.max(32 * 2 ** 20, options.memoryBytes - reserve);
  // The chunks in flight (a few per unit) rarely use a third of their share; the read-ahead takes part of it.
  const budget = new MemoryBudget(usable * 0.25);
  const inputCacheBytes = usable * 0.15;
  const inputAheadBytes = usable * 0.1;
  const pieces = new LevelPieces(usable * 0.3);
  const blocks = new BufferPool(usable * 0.05);
  const noteBytes = collectEvery(8 * 2 ** 20);
  const store = await FolderStore.open(output);
  const written = storeTree(store, 'output');
  try {
    for (let k = 0; k < deepest; k++) {
      interrupted(signal);
      progress.level = k;
      const todo: Unit[] = [];
      for (const u of units[k]) {
        const files = journal.done(u.id);
        const image = images[u.image];
        const intact =
          files !== undefined &&
          (files === 0 ||
            !image.encoding.sharded ||
            (await shardIntact(
              joinOut(output, image.source.outPath, String(k), chunkKey(options.ome, u.coords)),
              voxelsOf(image.levels[k].shard.map((s, d) => s / image.levels[k].chunk[d])),
            )));
        if (intact) {
          progress.unitsDone++;
          progress.voxelsDone += u.voxels;
          progress.bytesDone += u.voxels * bpeOf(u);
        } else {
          if (files !== undefined) journal.forget(u.id);
          todo.push(u);
        }
      }
      report();
      // Level 0 reads the input, ahead of need; a lower level reads the level before back only for chunks
      // without pieces.
      const inputReaders = new Map<number, BoxReader>();
      const inputReader = (i: number): BoxReader => {
        let r = inputReaders.get(i);
        if (!r) {
          r = new BoxReader(images[i].source.level0, inputCacheBytes, inputAheadBytes);
          inputReaders.set(i, r);
        }
        return r;
      };
      const readers = new Map<number, Promise<BoxReader>>();
      const readerFor = (i: number): Promise<BoxReader> => {
        let r = readers.get(i);
        if (!r) {
          r = (async () => {
            if (k === 0) return inputReader(i);
            const key = [images[i].source.outPath, String(k - 1)].filter((s) => s !== '').join('/');
            const node = await written.open(key, { signal });
            if (node?.kind !== 'array') throw new WriterError('Output', `level ${k - 1} of ${key} cannot be read back`);
            // Each chunk of the level before is needed by exactly one chunk of this one: no cache.
            return new BoxReader(node as ArrayNode, 0);
          })();
          readers.set(i, r);
        }
        return r;
      };
      const remaining = new Map<number, number>();
      for (const u of todo) remaining.set(u.image, (remaining.get(u.image) ?? 0) + 1);
      let next = 0;
      const ahead =
        k === 0
          ? new ReadAhead<Unit>(
              {
                boxesOf: (u) =>
                  unitChunks(images[u.image].levels[0], u.coords)
                    .filter((c) => c !== undefined)
                    .map((c) => inputBox(images[u.image].levels[0], c, images[u.image].source.start)),
                readerOf: (u) => inputReader(u.image),
                upcoming: () => todo.slice(next, next + threads),
              },
              threads,
            )
          : undefined;
      // The first unit that fails stops the others (see `produce`), and the level waits until every one has
      // settled: a failed conversion answers only once no shard of another unit is still being written (one that
      // went on after a disk-full answer held a file open in OUTPUT).
      let failed: { error: unknown } | undefined;
      const worker = async () => {
        while (next < todo.length && !failed) {
          interrupted(signal);
          const u = todo[next++];
          ahead?.begin(u);
          let files: number;
          try {
            files = await writeUnit(u, images[u.image]);
          } finally {
            ahead?.end(u);
          }
          await journal.markDone(u.id, files);
          progress.unitsDone++;
          progress.voxelsDone += u.voxels;
          progress.bytesDone += u.voxels * bpeOf(u);
          report();
          const left = (remaining.get(u.image) ?? 1) - 1;
          remaining.set(u.image, left);
          // Its input chunks are no longer needed: let the cache go.
          if (left === 0) {
            readers.delete(u.image);
            inputReaders.get(u.image)?.close();
            inputReaders.delete(u.image);
          }
        }
      };
      const window = Math.max(2, 2 * threads);
      const writeUnit = async (u: Unit, image: ImageJob): Promise<number> => {
        const level = image.levels[k];
        const before = k > 0 ? image.levels[k - 1] : undefined;
        const after = image.levels[k + 1];
        const fromPieces = before !== undefined && piecesFit(before, level);
        const makesPieces = after !== undefined && piecesFit(level, after);
        const coords = unitChunks(level, u.coords);
        const chunkBytes = voxelsOf(level.chunk) * image.bpe;
        const pieceKey = (lvl: number, c: readonly number[]) => `${u.image}/${lvl}/${c.join(',')}`;
        /** The chunk's voxels from the pieces of the level before, or undefined when one is missing. */
        const assembled = (c: number[], box: Box): Uint8Array | undefined => {
          if (!before || !fromPieces) return undefined;
          const refs = piecesOf(before, level, c);
          const found = refs.map((r) => pieces.get(pieceKey(k, r.coords)));
          if (found.some((p) => p === undefined)) return undefined;
          const { buffer: out, fresh } = blocks.take(voxelsOf(box.shape) * image.bpe);
          if (fresh) noteBytes(out.byteLength);
          refs.forEach((r, i) => {
            const piece = found[i]!;
            if (piece !== 'fill') copyOverlap(piece, r.box, out, box, image.bpe);
            pieces.delete(pieceKey(k, r.coords));
          });
          return out;
        };
        // Chunks are produced in order (see `inOrder`): the n-th call is the unit's n-th input box.
        let asked = 0;
        const produce = async (c: number[]): Promise<ChunkResult> => {
          const index = asked++;
          const start = c.map((v, d) => v * level.chunk[d]);
          const shape = start.map((s, d) => Math.min(level.chunk[d], level.shape[d] - s));
          const nextBytes = makesPieces ? pieceBytes(level, after, c, image.bpe) : 0;
          // The most a chunk can take: reading a level back decodes its chunks besides the box
          // they fill (twice a box of up to 2^rank chunks), then the padded and encoded chunk.
          const read = before ? 2 * voxelsOf(shape.map((s, d) => s * level.factor[d])) : voxelsOf(shape);
          const cost = read * image.bpe + 2 * chunkBytes;
          await budget.acquire(cost);
          const reserved = nextBytes > 0 && pieces.reserve(nextBytes) ? nextBytes : 0;
          let kept = false;
          try {
            interrupted(signal);
            if (failed) throw new WriterError('Interrupted', 'stopped: another unit failed');
            let src = assembled(c, { start, shape });
            let srcShape = shape;
            let factors = shape.map(() => 1);
            if (!src) {
              const reader = await readerFor(u.image);
              const srcStart = before
                ? start.map((s, d) => s * level.factor[d])
                : start.map((s, d) => s + image.source.start[d]);
              srcShape = before
                ? shape.map((s, d) => Math.min(s * level.factor[d], before.shape[d] - srcStart[d]))
                : shape;
              if (before) factors = level.factor;
              const into = blocks.take(voxelsOf(srcShape) * image.bpe);
              if (!before) ahead?.reading(u, index);
              src = await reader.read({ start: srcStart, shape: srcShape }, { signal }, into.buffer);
              // Only once a box has come does the read-ahead go on: a unit's first box then comes first, rather
              // than at the pace of every read started with it (one decode worker takes frames in order).
              if (!before) ahead?.pump({ signal });
              // The box if new, and (reading a level back) the chunks decoded to make it.
              noteBytes((before ? src.byteLength : 0) + (into.fresh ? src.byteLength : 0));
            }
            const result = await pool.run({
              src,
              srcShape,
              factors,
              method: image.method,
              dtype: image.encoding.dtype,
              chunk: level.chunk,
              codec: image.encoding.codec,
              next: reserved > 0 ? after.factor : undefined,
            });
            if (reserved > 0 && result.piece !== undefined) {
              pieces.put(pieceKey(k + 1, c), result.piece, reserved);
              kept = true;
            }
            blocks.give(result.spare);
            if (result.encoded) progress.bytesWritten += result.encoded.byteLength;
            return result.encoded;
          } finally {
            if (reserved > 0 && !kept) pieces.release(reserved);
            budget.release(cost);
          }
        };
        const arrayDir = joinOut(output, image.source.outPath, String(k));
        if (image.encoding.sharded) {
          return writeShard(
            join(arrayDir, chunkKey(options.ome, u.coords)),
            journal.tmpFile(),
            { coords },
            produce,
            window,
          );
        }
        return writeChunkFiles(
          (c) => join(arrayDir, chunkKey(options.ome, c)),
          () => journal.tmpFile(),
          { coords },
          produce,
          window,
        );
      };
      // Each worker's failure is caught (and kept) here, so this waits for all of them.
      await Promise.all(
        Array.from({ length: Math.min(threads, Math.max(1, todo.length)) }, () =>
          worker().catch((error: unknown) => {
            failed ??= { error };
          }),
        ),
      );
      for (const r of inputReaders.values()) r.close();
      if (failed) throw failed.error;
      // Pieces of this level that no chunk took (their chunks were written before a --resume, or by another part).
      for (let i = 0; i < images.length; i++) pieces.dropLevel(`${i}/${k}/`);
    }
  } catch (e) {
    if (signal?.aborted)
      throw new WriterError('Interrupted', 'interrupted: run again with --resume to continue', { cause: e });
    throw e;
  } finally {
    await store.close();
  }

  if (mode.part) {
    await journal.markComplete();
    progress.phase = 'done';
    report();
    return result(false);
  }
  interrupted(signal);
  progress.phase = 'metadata';
  report();
  // Groups deepest first, OUTPUT's root last: a reader sees a dataset only once it is whole.
  const docs: { path: string; docs: Record<string, Attrs> }[] = [
    ...images.map((i) => ({
      path: i.source.outPath,
      docs: groupDocs(imageOme(i.source, i.levels, i.method), options.ome),
    })),
    ...layout.groups.map((g) => ({ path: g.outPath, docs: groupDocs(g.ome && { ...g.ome }, options.ome) })),
  ];
  const depth = (p: string) => (p === '' ? 0 : p.split('/').length);
  docs.sort((a, b) => depth(b.path) - depth(a.path));
  for (const group of docs) {
    for (const [name, doc] of Object.entries(group.docs))
      await writeJson(joinOut(output, group.path, name), doc, journal);
  }
  await journal.remove();
  progress.phase = 'done';
  report();
  return result(true);

  function result(complete: boolean): ConvertResult {
    return {
      output,
      complete,
      images: images.length,
      levels: deepest,
      voxelsWritten: progress.voxelsDone,
      bytesWritten: progress.bytesWritten,
      elapsedMs: performance.now() - started,
    };
  }
}

export const writerInternals = { planImages };
