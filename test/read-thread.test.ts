/**
 * The read thread (src/bridge/util/read-thread.ts): it reads what it is asked into the shared arena, says
 * which error a read met, refuses work it cannot take now (full, stopped, stuck behind a read that does not
 * return) so the caller reads elsewhere, and never leaves a caller waiting.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../src/bridge/bridge.js';
import { giveBuffer, sharedBytesInUse, takeBuffer, takeSharedBuffer } from '../src/bridge/util/read-buffers.js';
import { ReadThread, readThread } from '../src/bridge/util/read-thread.js';
import { until } from './support/until.js';

let work: string;
let file: string;
/** 300 KiB, every byte a function of its position. */
const content = Uint8Array.from({ length: 300 * 1024 }, (_, i) => (i * 7 + (i >> 10)) & 0xff);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'zb-read-thread-'));
  file = join(work, 'data.bin');
  writeFileSync(file, content);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh read thread and a descriptor of the test file for `body`, both closed after it. */
async function withThreadOnFile(body: (thread: ReadThread, fd: number) => Promise<void>): Promise<void> {
  const thread = new ReadThread();
  const fd = openSync(file, 'r');
  try {
    await body(thread, fd);
  } finally {
    closeSync(fd);
    thread.stop();
  }
}

const shared = (length: number): Uint8Array => {
  const view = takeSharedBuffer(length);
  if (!view) throw new Error('the shared arena is full');
  return view;
};

describe('the read thread', () => {
  it('reads the bytes asked for, at their positions, many at once', async () => {
    await withThreadOnFile(async (thread, fd) => {
      const asks = Array.from({ length: 200 }, (_, i) => ({
        position: (i * 1531) % 200_000,
        length: 1 + ((i * 977) % 90_000),
      }));
      const views = asks.map((a) => shared(a.length));
      const reads = asks.map((a, i) => thread.read(fd, views[i], a.position));
      expect(reads.every((r) => r !== undefined)).toBe(true);
      const results = await Promise.all(reads);
      results.forEach((r, i) => {
        expect(r?.bytesRead).toBe(asks[i].length);
        expect(
          Buffer.from(views[i]).equals(content.subarray(asks[i].position, asks[i].position + asks[i].length)),
        ).toBe(true);
      });
      for (const v of views) giveBuffer(v);
    });
  });

  it('answers fewer bytes at the end of the file, and none past it', async () => {
    await withThreadOnFile(async (thread, fd) => {
      const tail = shared(4096);
      const past = shared(4096);
      const [a, b] = await Promise.all([
        thread.read(fd, tail, content.length - 100),
        thread.read(fd, past, content.length + 10),
      ]);
      expect(a?.bytesRead).toBe(100);
      expect(Buffer.from(tail.subarray(0, 100)).equals(content.subarray(content.length - 100))).toBe(true);
      expect(b?.bytesRead).toBe(0);
      giveBuffer(tail);
      giveBuffer(past);
    });
  });

  it("rejects with the read's error code", async () => {
    await withThreadOnFile(async (thread, ok) => {
      // A folder opens for reading on Linux, and reading it fails with EISDIR.
      const folder = openSync(work, 'r');
      const view = shared(16);
      try {
        await expect(thread.read(folder, view, 0)).rejects.toMatchObject({ code: 'EISDIR', syscall: 'read' });
        // And goes on reading afterwards.
        await expect(thread.read(ok, view, 5)).resolves.toMatchObject({ bytesRead: 16 });
        expect(Buffer.from(view).equals(content.subarray(5, 21))).toBe(true);
      } finally {
        giveBuffer(view);
        closeSync(folder);
      }
    });
  });

  it('takes only memory of the shared arena, and at most 256 reads in flight', async () => {
    await withThreadOnFile(async (thread, fd) => {
      const own = takeBuffer(16);
      try {
        expect(own && thread.read(fd, own, 0)).toBeUndefined();
        const views = Array.from({ length: 257 }, () => shared(4096));
        const reads = views.map((v, i) => thread.read(fd, v, i * 100));
        expect(reads.slice(0, 256).every((r) => r !== undefined)).toBe(true);
        expect(reads[256]).toBeUndefined();
        await Promise.all(reads);
        // Room again once they are done.
        const again = thread.read(fd, views[256], 0);
        expect(again).toBeDefined();
        await again;
        for (const v of views) giveBuffer(v);
      } finally {
        if (own) giveBuffer(own);
      }
    });
  });

  it('sends reads elsewhere while one does not return, and takes them again once it has', async () => {
    const thread = new ReadThread();
    // Opened for reading and writing, a FIFO opens at once and a read of it waits until something is written.
    const fifo = (name: string) => {
      const path = join(work, name);
      execFileSync('mkfifo', [path]);
      return openSync(path, 'r+');
    };
    const first = fifo('first.fifo');
    const second = fifo('second.fifo');
    const data = openSync(file, 'r');
    // views[3] takes the reads made while polling (some are taken, and land there in any order).
    const views = [shared(5), shared(6), shared(64), shared(64)];
    try {
      // -1: from the current position (a pipe cannot be read at one). The second waits behind the first.
      const one = thread.read(first, views[0], -1);
      const two = thread.read(second, views[1], -1);
      expect(one && two).toBeDefined();
      // Refused once the first has been out longer than the thread's patience (100 ms): waited for, not timed.
      await expect.poll(() => thread.read(data, views[3], 0) === undefined, { interval: 50 }).toBe(true);
      writeSync(first, 'HELLO');
      await expect(one).resolves.toMatchObject({ bytesRead: 5 });
      expect(Buffer.from(views[0]).toString()).toBe('HELLO');
      // The second, asked for long ago, has only just begun: reads are taken again (queued behind it).
      const behind = thread.read(data, views[2], 1000);
      expect(behind).toBeDefined();
      // Until it too has been out too long.
      await expect.poll(() => thread.read(data, views[3], 0) === undefined, { interval: 50 }).toBe(true);
      writeSync(second, 'WORLD!');
      await expect(two).resolves.toMatchObject({ bytesRead: 6 });
      await behind;
      expect(Buffer.from(views[2]).equals(content.subarray(1000, 1064))).toBe(true);
      expect(thread.read(data, views[3], 0)).toBeDefined();
    } finally {
      for (const fd of [first, second, data]) closeSync(fd);
      thread.stop();
    }
  });

  it('answers every read waiting when it stops, and takes none afterwards', async () => {
    const thread = new ReadThread();
    const fifo = join(work, 'stop.fifo');
    execFileSync('mkfifo', [fifo]);
    const fd = openSync(fifo, 'r+');
    const view = shared(5);
    try {
      const waiting = thread.read(fd, view, -1);
      thread.stop();
      await expect(waiting).resolves.toBeUndefined();
      expect(thread.read(fd, shared(5), -1)).toBeUndefined();
    } finally {
      // Ends the read the stopped thread may still be blocked in (`view` is not given back: it may be written).
      writeSync(fd, 'HELLO');
      closeSync(fd);
    }
  });
});

describe('chunks read on the read thread, served by the bridge', () => {
  it('go back to the shared arena, also when their clients leave before the bytes are read', async () => {
    // A Zarr v3 array of 24 chunk files (64 KiB each, raw): each one is read once, so on the read thread.
    const folder = join(work, 'leavers.zarr');
    mkdirSync(folder);
    const chunks = 24;
    writeFileSync(
      join(folder, 'zarr.json'),
      JSON.stringify({
        zarr_format: 3,
        node_type: 'array',
        shape: [chunks * 256, 256],
        data_type: 'uint8',
        chunk_grid: { name: 'regular', configuration: { chunk_shape: [256, 256] } },
        chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
        codecs: [{ name: 'bytes' }],
        fill_value: 0,
      }),
    );
    for (let i = 0; i < chunks; i++) {
      mkdirSync(join(folder, 'c', String(i)), { recursive: true });
      writeFileSync(join(folder, 'c', String(i), '0'), new Uint8Array(256 * 256).fill(i));
    }
    // Counted before the bridge opens the folder: looking for its metadata reads files once too.
    const inUse = sharedBytesInUse();
    const bridge = await startBridge({ port: 0, open: [folder] });
    const thread = readThread();
    const patience = thread.patienceMs;
    // The thread is held on a FIFO below for as long as the test needs: its reads must not go elsewhere.
    thread.patienceMs = 3_600_000;
    const fifo = join(work, 'hold.fifo');
    execFileSync('mkfifo', [fifo]);
    const holdFd = openSync(fifo, 'r+');
    const hold = shared(1);
    try {
      // The array opened first (a chunk read twice would be kept in the hot cache, read on libuv's pool), on a
      // connection that closes after it (the count of open connections below is then only the leavers').
      const opened = await new Promise<number>((resolve, reject) => {
        const path = '/zarr/v3/local/leavers.zarr/zarr.json';
        const headers = { Host: `127.0.0.1:${bridge.port}`, Connection: 'close' };
        request({ host: '127.0.0.1', port: bridge.port, path, headers, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
          .on('error', reject)
          .end();
      });
      expect(opened).toBe(200);
      const held = thread.read(holdFd, hold, -1);
      expect(held).toBeDefined();
      const taken = thread.taken;
      for (let i = 0; i < chunks; i++) {
        const path = `/zarr/v3/local/leavers.zarr/c/${i}/0`;
        const req = request({
          host: '127.0.0.1',
          port: bridge.port,
          path,
          headers: { Host: `127.0.0.1:${bridge.port}` },
        });
        req.on('error', () => undefined);
        req.end();
        // Left once the bridge has asked the thread for the chunk (queued behind the held read).
        await until(() => thread.taken > taken + i);
        req.destroy();
      }
      // The bridge has seen every client go.
      await until(() => new Promise<boolean>((resolve) => bridge.server.getConnections((_e, n) => resolve(n === 0))));
      writeSync(holdFd, 'x');
      await expect(held).resolves.toMatchObject({ bytesRead: 1 });
      giveBuffer(hold);
      // Every chunk read for a client that had gone is given back (none is collected: the arena has no collector).
      await expect.poll(() => sharedBytesInUse()).toBe(inUse);
      // And `/health` says so.
      const health = (await (await fetch(`${bridge.url}/health`)).json()) as { readArenaBytes: number };
      expect(health.readArenaBytes).toBe(inUse);
    } finally {
      thread.patienceMs = patience;
      closeSync(holdFd);
      await bridge.close();
    }
  });
});

describe('metadata files read to find a group’s children', () => {
  it('go back to the shared arena', async () => {
    const folder = join(work, 'group.zarr');
    const group = JSON.stringify({ zarr_format: 3, node_type: 'group', attributes: {} });
    mkdirSync(folder);
    writeFileSync(join(folder, 'zarr.json'), group);
    for (const name of ['a', 'b', 'c']) {
      mkdirSync(join(folder, name));
      writeFileSync(join(folder, name, 'zarr.json'), group);
    }
    mkdirSync(join(folder, 'not-zarr'));
    const inUse = sharedBytesInUse();
    const bridge = await startBridge({ port: 0, open: [folder] });
    try {
      const node = await bridge.catalog.resolve('local/group.zarr', {});
      expect(node?.kind).toBe('group');
      const children = node?.kind === 'group' ? await node.children({}) : [];
      expect([...children].sort()).toEqual(['a', 'b', 'c']);
      expect(sharedBytesInUse()).toBe(inUse);
    } finally {
      await bridge.close();
    }
  });
});
