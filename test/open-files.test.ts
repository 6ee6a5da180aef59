/**
 * Kept-open file handles (shard reads): reused while fresh, re-checked after
 * the window (a replaced file is reopened, a path swapped for a symlink out
 * of the folder is refused), closed on eviction only once no read holds them.
 */
import { mkdirSync, mkdtempSync, readSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecondReadAdmission } from '../src/bridge/sources/store/admission.js';
import { FolderStore, hotObjectBytes } from '../src/bridge/sources/store/folder-store.js';
import { OpenFiles } from '../src/bridge/sources/store/open-files.js';
import { SyncGuard } from '../src/bridge/sources/store/sync-guard.js';
import { giveBuffer, sharedArena, takeSharedBuffer } from '../src/bridge/util/read-buffers.js';
import { readThread } from '../src/bridge/util/read-thread.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const mode of ['opened on the event loop', 'opened on the thread pool'] as const) {
  describe(`open file handles, ${mode}`, () => {
    let work: string;
    let folder: string;
    let store: FolderStore;
    let files: OpenFiles;

    beforeEach(async () => {
      work = mkdtempSync(join(tmpdir(), 'zb-files-'));
      folder = join(work, 'data');
      mkdirSync(join(folder, 'sub'), { recursive: true });
      for (const name of ['a', 'b', 'c']) writeFileSync(join(folder, name), `content of ${name}`);
      writeFileSync(join(work, 'outside'), 'CANARY outside');
      store = await FolderStore.open(folder);
      files = openFiles(2, 50);
    });
    afterEach(async () => {
      await files.close();
      await store.close();
      rmSync(work, { recursive: true, force: true });
    });

    const openFiles = (max: number, freshMs: number, idleMs?: number) =>
      new OpenFiles((key) => store.resolve(key), {
        max,
        freshMs,
        idleMs,
        // As FolderStore does: a kept handle is re-checked with one stat of its unresolved path.
        pathOf: (key) => join(folder, ...key.split('/')),
        ...(mode === 'opened on the event loop'
          ? { sync: { locate: (key: string) => store.resolveSync(key), guard: new SyncGuard() } }
          : {}),
      });

    const read = async (key: string) => {
      const lease = await files.acquire(key);
      if (!lease) return undefined;
      try {
        const buf = Buffer.alloc(lease.file.size);
        readSync(lease.file.fd, buf, 0, buf.length, 0);
        return { text: buf.toString(), fd: lease.file.fd };
      } finally {
        lease.release();
      }
    };

    it('reuses one handle while fresh, and reopens a replaced file after the window', async () => {
      const first = await read('a');
      expect(first?.text).toBe('content of a');
      expect((await read('a'))?.fd).toBe(first?.fd);
      writeFileSync(join(folder, 'a.new'), 'new content of a');
      renameSync(join(folder, 'a.new'), join(folder, 'a'));
      await sleep(80);
      expect((await read('a'))?.text).toBe('new content of a');
    });

    it('refuses a path swapped for a symlink leading outside, once re-checked', async () => {
      expect((await read('b'))?.text).toBe('content of b');
      rmSync(join(folder, 'b'));
      symlinkSync(join(work, 'outside'), join(folder, 'b'));
      await sleep(80);
      await expect(read('b')).rejects.toMatchObject({ tag: 'Forbidden' });
    });

    it('answers undefined for missing files and folders, without remembering the miss', async () => {
      expect(await read('missing')).toBeUndefined();
      expect(await read('sub')).toBeUndefined();
      writeFileSync(join(folder, 'missing'), 'now here');
      expect((await read('missing'))?.text).toBe('now here');
    });

    it('closes evicted handles only after their last read', async () => {
      const held = await files.acquire('a');
      expect(held).toBeDefined();
      await read('b');
      await read('c'); // evicts 'a' (max 2), which is still leased
      expect(files.openDescriptors).toBe(3);
      const buf = Buffer.alloc(4);
      readSync(held!.file.fd, buf, 0, 4, 0);
      expect(buf.toString()).toBe('cont');
      held!.release();
      held!.release(); // a second release changes nothing
      await sleep(20);
      expect(files.openDescriptors).toBe(2);
    });

    it('reads larger files by range through the kept handles: only the bytes asked for', async () => {
      const big = Buffer.alloc(2 * 2 ** 20 + 5);
      for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 255;
      writeFileSync(join(folder, 'shard'), big);
      const huge = Buffer.alloc(5 * 2 ** 20, 3);
      writeFileSync(join(folder, 'huge'), huge);
      const object = await store.object('shard', {});
      expect(object?.size).toBe(big.length);
      expect(object?.held).toBeUndefined();
      const part = await object!.read({ offset: 4096 * 7, length: 4097 }, {});
      expect(Buffer.from(part as Uint8Array).equals(big.subarray(4096 * 7, 4096 * 8 + 1))).toBe(true);
      const whole = await object!.read(undefined, {});
      expect(Buffer.from(whole as Uint8Array).equals(big)).toBe(true);
      // Past 4 MiB the bytes stream.
      const stream = (await (await store.object('huge', {}))!.read(undefined, {})) as NodeJS.ReadableStream;
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(huge)).toBe(true);
    });

    it('keeps one hot-object budget for all folders', async () => {
      const otherDir = join(work, 'other');
      mkdirSync(otherDir);
      writeFileSync(join(otherDir, 'a'), 'another folder, another a');
      const other = await FolderStore.open(otherDir);
      const before = hotObjectBytes();
      // A first read is served but not kept (see admission.ts); the second one is kept.
      expect(Buffer.from((await store.object('a', {}))!.held!).toString()).toBe('content of a');
      expect(hotObjectBytes()).toBe(before);
      const mine = await store.object('a', {});
      await other.object('a', {});
      const theirs = await other.object('a', {});
      // Same key, two folders: two entries, counted in one total.
      expect(Buffer.from(mine!.held!).toString()).toBe('content of a');
      expect(Buffer.from(theirs!.held!).toString()).toBe('another folder, another a');
      expect(hotObjectBytes() - before).toBeGreaterThanOrEqual(mine!.size + theirs!.size);
      expect(await store.object('a', {})).toBe(mine);
      await other.close();
    });

    it('reads a chunk file read once on the read thread, and sends its bytes from the shared arena', async () => {
      const chunk = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13) & 0xff);
      writeFileSync(join(folder, 'chunk-once'), chunk);
      const before = readThread().taken;
      const object = await store.object('chunk-once', {});
      expect(readThread().taken).toBe(before + 1);
      expect(object!.held!.buffer).toBe(sharedArena());
      expect(Buffer.from(object!.held!).equals(chunk)).toBe(true);
      // Given back once sent: the next view of that size is the same memory.
      const offset = object!.held!.byteOffset;
      object!.release?.();
      const next = takeSharedBuffer(70_000);
      expect(next?.byteOffset).toBe(offset);
      if (next) giveBuffer(next);
    });

    it('closes handles left idle', async () => {
      const idle = openFiles(8, 1_000, 60);
      const lease = await idle.acquire('a');
      lease!.release();
      expect(idle.openDescriptors).toBe(1);
      await sleep(200);
      expect(idle.openDescriptors).toBe(0);
      // Still readable: the next use opens it again.
      const again = await idle.acquire('a');
      expect(idle.openDescriptors).toBe(1);
      again!.release();
      await idle.close();
      await sleep(20);
      expect(idle.openDescriptors).toBe(0);
    });

    it('closes everything on close', async () => {
      const lease = await files.acquire('c');
      lease!.release();
      expect(files.openDescriptors).toBe(1);
      await files.close();
      await sleep(20);
      expect(files.openDescriptors).toBe(0);
    });
  });
}

describe('admission to the hot-object cache', () => {
  it('admits a file on its second read within a cache of reads, not on its first', () => {
    const door = new SecondReadAdmission(1000);
    expect(door.admit('a', 100)).toBe(false);
    expect(door.admit('a', 100)).toBe(true);
    expect(door.admit('a', 100)).toBe(false); // admitted once; a later miss starts over
  });

  it('forgets first reads pushed out by a cache of other reads (a scan larger than the cache)', () => {
    const door = new SecondReadAdmission(1000);
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`); // 20 × ~356 bytes: 7 times the window
    for (let round = 0; round < 3; round++) for (const k of keys) expect(door.admit(k, 100)).toBe(false);
  });
});

describe('synchronous metadata calls', () => {
  // Calls made slow on purpose (a busy loop of 8 ms against a 5 ms limit): slow however busy the machine is.
  const slowCall = () => {
    const until = performance.now() + 8;
    while (performance.now() < until);
  };

  it('survive one slow call (a busy machine preempts now and then)', () => {
    const guard = new SyncGuard(5, 3);
    expect(guard.run(() => 42)).toBe(42);
    guard.run(slowCall);
    expect(guard.allowed).toBe(true);
  });

  it('count calls timed elsewhere (reads on the read thread) alike', () => {
    const guard = new SyncGuard(5, 3);
    guard.note(7);
    guard.note(1);
    guard.note(7);
    expect(guard.allowed).toBe(true);
    guard.note(7);
    expect(guard.allowed).toBe(false);
  });

  it('survive slow calls far apart (a garbage collection or a preemption now and then)', () => {
    const guard = new SyncGuard(5, 3, 20);
    for (let i = 0; i < 4; i++) {
      guard.run(slowCall);
      for (let j = 0; j < 20; j++) guard.run(() => 42);
    }
    expect(guard.allowed).toBe(true);
  });

  it('are given up for good at the third slow call among 20', () => {
    const guard = new SyncGuard(5, 3, 20);
    guard.run(slowCall);
    for (let j = 0; j < 8; j++) guard.run(() => 42);
    guard.run(slowCall);
    for (let j = 0; j < 8; j++) guard.run(() => 42);
    expect(guard.allowed).toBe(true);
    guard.run(slowCall);
    expect(guard.allowed).toBe(false);
    expect(guard.run(() => 42)).toBe(42);
    expect(guard.allowed).toBe(false);
  });

  it('still refuse a symlink out of the folder', async () => {
    const work = mkdtempSync(join(tmpdir(), 'zb-sync-'));
    mkdirSync(join(work, 'data'));
    writeFileSync(join(work, 'outside'), 'CANARY');
    symlinkSync(join(work, 'outside'), join(work, 'data', 'link'));
    const store = await FolderStore.open(join(work, 'data'));
    try {
      expect(() => store.resolveSync('link')).toThrow(/outside the opened folder/);
      await expect(store.getRange('link', { offset: 0, length: 6 }, {})).rejects.toMatchObject({ tag: 'Forbidden' });
    } finally {
      await store.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
