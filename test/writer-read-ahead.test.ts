/**
 * Reading a conversion's input ahead (`BoxReader.prefetch`, `ReadAhead`), checked by values: which chunks are
 * asked for while an earlier one is held back, how many bytes are held, what a failed or abandoned read-ahead
 * leaves. Nothing here depends on timing: a held chunk is a promise the test resolves, and every wait only
 * detects a hang.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArrayNode, Chunk, IoOptions } from '../src/bridge/model/node.js';
import { type Box, BoxReader } from '../src/bridge/writer/box-reader.js';
import { runConvert } from '../src/bridge/writer/job.js';
import { defaultWriteOptions } from '../src/bridge/writer/options.js';
import { ReadAhead } from '../src/bridge/writer/read-ahead.js';
import { readWritten } from './support/convert.js';

/** A uint8 z,y,x array whose input chunks are whole z-layers; each voxel a formula of its place. */
const voxel = (z: number, y: number, x: number) => (z * 7 + y * 3 + x) & 0xff;

interface Ask {
  z: number;
  signal: AbortSignal | undefined;
}

/**
 * An input of `layers` layers of `depth`×`side`×`side` voxels. `hold(z)` decides, per call, whether layer z's
 * answer waits for `release(z)`; `fail(z, n)` whether the n-th ask of layer z fails.
 */
function layeredInput(
  layers: number,
  depth: number,
  side: number,
  rules: { hold?: (z: number) => boolean; fail?: (z: number, n: number) => boolean } = {},
) {
  const asks: Ask[] = [];
  const held = new Map<number, () => void>();
  const waiters: { z: number; go: () => void }[] = [];
  const layer = (z: number): Chunk => {
    const bytes = new Uint8Array(depth * side * side);
    for (let k = 0; k < depth; k++)
      for (let y = 0; y < side; y++)
        for (let x = 0; x < side; x++) bytes[(k * side + y) * side + x] = voxel(z * depth + k, y, x);
    return { shape: [depth, side, side], bytes };
  };
  const node: ArrayNode = {
    kind: 'array',
    path: 'memory/layers',
    attrs: {},
    meta: {
      shape: [layers * depth, side, side],
      chunkShape: [depth, side, side],
      dtype: 'uint8',
      fillValue: 0,
      dimensionNames: ['z', 'y', 'x'],
    },
    async readChunk(coords: readonly number[], opts: IoOptions): Promise<Chunk> {
      const z = coords[0];
      asks.push({ z, signal: opts.signal });
      for (const w of waiters.filter((w) => w.z === z)) w.go();
      const n = asks.filter((a) => a.z === z).length;
      if (rules.fail?.(z, n)) throw new Error(`layer ${z} failed (ask ${n})`);
      if (rules.hold?.(z)) {
        await new Promise<void>((resolve, reject) => {
          held.set(z, resolve);
          opts.signal?.addEventListener('abort', () => reject(opts.signal?.reason), { once: true });
        });
      }
      return layer(z);
    },
  };
  return {
    node,
    asks,
    /** Resolves once layer z has been asked for. */
    asked: (z: number) =>
      asks.some((a) => a.z === z) ? Promise.resolve() : new Promise<void>((go) => waiters.push({ z, go })),
    release: (z: number) => held.get(z)?.(),
  };
}

const box = (z0: number, depth: number, side: number): Box => ({ start: [z0, 0, 0], shape: [depth, side, side] });

describe('BoxReader.prefetch', () => {
  it('reads ahead up to its bytes, and a read takes what was read ahead instead of asking again', async () => {
    const input = layeredInput(6, 4, 16); // 1 KiB layers
    const reader = new BoxReader(input.node, 1 << 20, 3 * 1024);
    expect(reader.prefetch(box(0, 8, 16), {})).toBe(true); // layers 0, 1
    expect(reader.aheadHeld).toBe(2048);
    // Layer 2 fits, layer 3 does not: false, and layer 3 is not asked for.
    expect(reader.prefetch(box(8, 8, 16), {})).toBe(false);
    expect(reader.aheadHeld).toBe(3072);
    expect(input.asks.map((a) => a.z)).toEqual([0, 1, 2]);
    const bytes = await reader.read(box(2, 8, 16), {}); // layers 0 (part), 1, 2 (part)
    for (let k = 0; k < 8; k++) expect(bytes[k * 256 + 17]).toBe(voxel(2 + k, 1, 1));
    expect(input.asks.map((a) => a.z)).toEqual([0, 1, 2]);
    // Taken into the cache, they free the read-ahead: the next prefetch goes on from layer 3.
    expect(reader.aheadHeld).toBe(0);
    expect(reader.prefetch(box(8, 16, 16), {})).toBe(true);
    expect(input.asks.map((a) => a.z)).toEqual([0, 1, 2, 3, 4, 5]);
    reader.close();
  });

  it('drops a read ahead that failed: the read that needs the chunk asks again and gets it', async () => {
    const input = layeredInput(2, 4, 16, { fail: (z, n) => z === 1 && n === 1 });
    const reader = new BoxReader(input.node, 1 << 20, 1 << 20);
    reader.prefetch(box(0, 8, 16), {});
    await new Promise((r) => setImmediate(r));
    expect(reader.aheadHeld).toBe(1024); // layer 0 only
    const bytes = await reader.read(box(4, 4, 16), {});
    expect(bytes[3 * 256 + 5 * 16 + 9]).toBe(voxel(7, 5, 9));
    expect(input.asks.map((a) => a.z)).toEqual([0, 1, 1]);
    reader.close();
  });

  it('asks again when a read takes a read ahead that then fails', async () => {
    const input = layeredInput(1, 4, 16);
    let release = () => {};
    const gate = new Promise<void>((go) => {
      release = go;
    });
    let calls = 0;
    const node: ArrayNode = {
      ...input.node,
      readChunk: async (c, opts) => {
        calls++;
        if (calls === 1) {
          await gate;
          throw new Error('the first answer broke');
        }
        return input.node.readChunk(c, opts);
      },
    };
    const reader = new BoxReader(node, 1 << 20, 1 << 20);
    reader.prefetch(box(0, 4, 16), {});
    const reading = reader.read(box(0, 4, 16), {}); // takes the read ahead, still unanswered
    release();
    const bytes = await reading;
    expect(bytes[2 * 256 + 3 * 16 + 4]).toBe(voxel(2, 3, 4));
    expect(calls).toBe(2);
    reader.close();
  });

  it('aborts the reads ahead on close and when the caller aborts, and lets go of their bytes', async () => {
    const input = layeredInput(4, 4, 16, { hold: () => true });
    const reader = new BoxReader(input.node, 1 << 20, 1 << 20);
    const caller = new AbortController();
    reader.prefetch(box(0, 8, 16), { signal: caller.signal });
    expect(input.asks.every((a) => a.signal && !a.signal.aborted)).toBe(true);
    caller.abort(new Error('Ctrl-C'));
    expect(input.asks.every((a) => a.signal?.aborted)).toBe(true);

    const second = new BoxReader(input.node, 1 << 20, 1 << 20);
    second.prefetch(box(8, 8, 16), {});
    const mine = input.asks.slice(2);
    expect(second.aheadHeld).toBe(2048);
    second.close();
    expect(mine.every((a) => a.signal?.aborted)).toBe(true);
    expect(second.aheadHeld).toBe(0);
    reader.close();
  });
});

describe('ReadAhead', () => {
  /** A reader that records what it is asked to prefetch and says full after `room` boxes. */
  const recorder = (room: number) => {
    const seen: string[] = [];
    let taken = 0;
    const reader = {
      prefetch(b: Box) {
        if (taken >= room) return false;
        taken++;
        seen.push(`${b.start[0]}`);
        return true;
      },
    } as unknown as BoxReader;
    return { seen, reader };
  };

  it('takes the units being written in turn, then the next ones in order, never going back', () => {
    const { seen, reader } = recorder(9);
    // Unit u's boxes start at u*100, u*100+1, …
    const boxesOf = (u: number) => [0, 1, 2, 3].map((i) => box(u * 100 + i, 1, 1));
    const todo = [2, 3];
    const ahead = new ReadAhead<number>({ boxesOf, readerOf: () => reader, upcoming: () => todo }, 1);
    ahead.begin(0);
    ahead.begin(1);
    ahead.reading(0, 1); // unit 0 asks for its boxes 0 and 1 itself
    ahead.pump({});
    // Units 0 and 1 alternate (unit 0 from its box 2), then unit 2 (only one upcoming unit is looked at).
    expect(seen).toEqual(['2', '100', '3', '101', '102', '103', '200', '201', '202']);
    seen.length = 0;
    ahead.pump({});
    expect(seen).toEqual([]); // full: nothing more, and nothing again
  });
});

describe('convert reads its input ahead', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-read-ahead-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const options = {
    ...defaultWriteOptions(2),
    chunk: 16,
    shard: 8,
    levels: 2,
    voxelSize: [1, 1, 1],
  };

  it('asks for the layers after one that is held back, and writes every voxel once it comes', async () => {
    // 4 layers of 16×128×128: one shard (128³ holds the 64-deep volume), four layers of 64 chunks each.
    let holding = true;
    const input = layeredInput(4, 16, 128, { hold: (z) => holding && z === 1 });
    const output = join(tmp, 'held.ome.zarr');
    const done = runConvert({
      node: input.node,
      inputIdentity: 'memory:held',
      output,
      options,
      mode: { overwrite: false, resume: false, finalize: false },
    });
    // Without reading ahead, layer 2 is asked for only once layer 1's chunks are written: never, while it is held.
    await input.asked(3);
    expect(input.asks.map((a) => a.z).sort()).toEqual([0, 1, 2, 3]);
    holding = false;
    input.release(1);
    const result = await done;
    expect(result.complete).toBe(true);
    // Each layer read once.
    expect(input.asks.map((a) => a.z).sort()).toEqual([0, 1, 2, 3]);
    const level0 = await readWritten(output, '0');
    expect(level0.shape).toEqual([64, 128, 128]);
    const data = level0.data as Uint8Array;
    let wrong = 0;
    for (let z = 0; z < 64; z++)
      for (let y = 0; y < 128; y++)
        for (let x = 0; x < 128; x++) if (data[(z * 128 + y) * 128 + x] !== voxel(z, y, x)) wrong++;
    expect(wrong).toBe(0);
  }, 60_000); // only detects a hang: without reading ahead it never gets past the held layer

  it('stops the reads ahead when the conversion is interrupted', async () => {
    const input = layeredInput(4, 16, 128, { hold: (z) => z >= 1 });
    const controller = new AbortController();
    const done = runConvert({
      node: input.node,
      inputIdentity: 'memory:interrupted',
      output: join(tmp, 'interrupted.ome.zarr'),
      options,
      mode: { overwrite: false, resume: false, finalize: false },
      signal: controller.signal,
    });
    await input.asked(3);
    controller.abort();
    await expect(done).rejects.toThrow(/interrupted/);
    const ahead = input.asks.filter((a) => a.z >= 1);
    expect(ahead.length).toBeGreaterThan(0);
    expect(ahead.every((a) => a.signal?.aborted)).toBe(true);
  }, 60_000); // only detects a hang: without reading ahead layer 3 is never asked for
});
