/**
 * The guarantees of `zarr-bridge convert`, each with a test: kill -9 then
 * --resume gives the same bytes as an uninterrupted run; parts + --finalize
 * give the same bytes too; no half-written dataset looks complete; an
 * existing OUTPUT is an error and untouched; --overwrite replaces only a
 * dataset; OUTPUT may not overlap the input; disk full and permission
 * denied exit 1 with the reason; exit codes 0/1/2/130; nothing is written
 * outside OUTPUT.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWriterError } from '../src/bridge/writer/errors.js';
import { Journal } from '../src/bridge/writer/journal.js';
import { convertChild, convertHere, finished, NO_DAC_OVERRIDE, treeBytes, treeDiff } from './support/convert.js';
import { missing, pythonZarrPresent, REPO } from './support/env.js';
import { runPython } from './support/python.js';
import { startStaticServer } from './support/static-server.js';

const skip = missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent());
const isRoot = process.getuid?.() === 0;

describe.skipIf(skip)('convert: guarantees', () => {
  let tmp: string;
  let volume: string;
  let reference: Map<string, Buffer>;
  const common = ['--chunk', '32', '--shard', '2', '--progress', 'json'];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zb-guarantees-'));
    volume = join(tmp, 'volume.zarr');
    // 48×384×384 uint16 (14 MB): enough shards (and time) to be killed halfway.
    const made = await runPython([join(REPO, 'test/py/make_volume.py'), volume, 'uint16', '48', '384', '384', '64']);
    expect(made.status, made.stderr).toBe(0);
    const r = await convertHere([volume, '-o', join(tmp, 'reference.ome.zarr'), ...common]);
    expect(r.code, r.stderr).toBe(0);
    reference = treeBytes(join(tmp, 'reference.ome.zarr'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /**
   * A conversion of the volume read over HTTP, stopped halfway: the server answers the first half of the
   * input's chunks and holds the rest, and `stop` is called once a request is held. On a fast machine a
   * conversion stopped "when progress passes 30 %" had often finished before the signal landed; held input
   * cannot finish, whatever the machine's speed. With one thread, units are written one after the other, and
   * each level-0 shard reads one input chunk: when the 19th is asked for, 17 or 18 shards are in place.
   */
  async function stoppedHalfway(out: string, stop: (child: ChildProcess) => void) {
    const server = await startStaticServer(tmp);
    // 48×384×384 in 64³ chunks: 36 input chunks, one per level-0 shard (64³ of 32³ chunks, 2 per shard side).
    server.fault = { prefix: '/volume.zarr/0/', kind: 'hold', after: 18 };
    const input = `${server.url}/volume.zarr`;
    const child = convertChild([input, '-o', out, ...common, '--threads', '1']);
    const done = finished(child);
    try {
      await expect.poll(() => server.held).toBeGreaterThan(0);
    } catch (e) {
      // Never held (the conversion failed, or read otherwise): nothing is left running.
      child.kill('SIGKILL');
      await done;
      await server.close();
      throw e;
    }
    stop(child);
    const result = await done;
    server.fault = undefined;
    server.release();
    return { input, server, result };
  }

  /** Level-0 shards in place in `out`. */
  const shardsWritten = (out: string) =>
    readdirSync(join(out, '0/c'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

  it('kill -9 halfway, then --resume: the same bytes as an uninterrupted run', async () => {
    const out = join(tmp, 'killed.ome.zarr');
    const { input, server, result } = await stoppedHalfway(out, (child) => child.kill('SIGKILL'));
    try {
      expect(result.signal, `not killed (stdout: ${result.stdout.slice(-300)})`).toBe('SIGKILL');
      // 36 level-0 shards in all.
      expect(shardsWritten(out)).toBeGreaterThanOrEqual(17);
      expect(shardsWritten(out)).toBeLessThan(36);
      // Half written: data is there, but nothing makes it look like a complete dataset.
      expect(existsSync(join(out, '0/zarr.json'))).toBe(true);
      expect(existsSync(join(out, 'zarr.json'))).toBe(false);
      const resumed = await convertHere([input, '-o', out, ...common, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(treeDiff(treeBytes(out), reference)).toEqual([]);
      // Nothing left beside the data: no job folder, no temporary files.
      expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('Ctrl-C exits 130, and --resume completes to the same bytes', async () => {
    const out = join(tmp, 'interrupted.ome.zarr');
    const { input, server, result } = await stoppedHalfway(out, (child) => child.kill('SIGINT'));
    try {
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toMatch(/interrupted.*--resume/);
      expect(shardsWritten(out)).toBeGreaterThanOrEqual(17);
      expect(existsSync(join(out, 'zarr.json'))).toBe(false);
      const resumed = await convertHere([input, '-o', out, ...common, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(treeDiff(treeBytes(out), reference)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('--part 1/3, 2/3, 3/3 then --finalize: the same bytes; --finalize before the parts is refused', async () => {
    const out = join(tmp, 'parts.ome.zarr');
    const first = await convertHere([volume, '-o', out, ...common, '--part', '2/3']);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(out, 'zarr.json'))).toBe(false);
    const early = await convertHere([volume, '-o', out, ...common, '--finalize']);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/parts not done yet: 1\/3, 3\/3/);
    // The other two at once, as a job array would run them.
    const [a, b] = await Promise.all([
      finished(convertChild([volume, '-o', out, ...common, '--part', '1/3'])),
      finished(convertChild([volume, '-o', out, ...common, '--part', '3/3'])),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const fin = await convertHere([volume, '-o', out, ...common, '--finalize']);
    expect(fin.code, fin.stderr).toBe(0);
    expect(treeDiff(treeBytes(out), reference)).toEqual([]);
  });

  it('an existing OUTPUT is an error and is not touched; --overwrite replaces a dataset', async () => {
    const out = join(tmp, 'existing.ome.zarr');
    mkdirSync(out);
    writeFileSync(join(out, 'zarr.json'), '{"zarr_format":3,"node_type":"group"}');
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const before = treeBytes(out);
    const r = await convertHere([volume, '-o', out, ...common]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exists: pass --overwrite/);
    expect(treeDiff(treeBytes(out), before)).toEqual([]);
    const o = await convertHere([volume, '-o', out, ...common, '--overwrite']);
    expect(o.code, o.stderr).toBe(0);
    expect(treeDiff(treeBytes(out), reference)).toEqual([]);
  });

  it('--overwrite never deletes a folder that holds no dataset, nor overlaps the input', async () => {
    const folder = join(tmp, 'documents');
    mkdirSync(folder);
    writeFileSync(join(folder, 'thesis.tex'), 'precious');
    const r = await convertHere([volume, '-o', folder, ...common, '--overwrite']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds no Zarr dataset/);
    expect(existsSync(join(folder, 'thesis.tex'))).toBe(true);
    const inside = await convertHere([volume, '-o', join(volume, 'out.zarr'), ...common]);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/overlap/);
    const over = await convertHere([volume, '-o', volume, ...common, '--overwrite']);
    expect(over.code).toBe(2);
    expect(existsSync(join(volume, '.zarray'))).toBe(true);
  });

  it('usage errors exit 2, input errors exit 1, each with a one-line reason', async () => {
    const usage = await convertHere([volume, '-o', join(tmp, 'x.zarr'), '--ome', '0.6']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.split('\n')[0]).toMatch(/--ome: 0.5 or 0.4, not 0.6/);
    const region = await convertHere([volume, '-o', join(tmp, 'y.zarr'), '--region', 'q=0:4']);
    expect(region.code).toBe(2);
    expect(region.stderr).toMatch(/no axis "q"/);
    const level = await convertHere([volume, '-o', join(tmp, 'w.zarr'), '--compression-level', '99']);
    expect(level.code).toBe(2);
    expect(level.stderr.split('\n')[0]).toMatch(/--compression-level: zstd levels are 1–22, not 99/);
    const input = await convertHere([join(tmp, 'nothing-here'), '-o', join(tmp, 'z.zarr')]);
    expect(input.code).toBe(1);
    expect(input.stderr.trim().split('\n')).toHaveLength(1);
    // A failed run leaves nothing behind.
    expect(existsSync(join(tmp, 'x.zarr'))).toBe(false);
    expect(existsSync(join(tmp, 'w.zarr'))).toBe(false);
    expect(existsSync(join(tmp, 'z.zarr'))).toBe(false);
  });

  it('nothing is written outside OUTPUT', async () => {
    const parent = join(tmp, 'parent');
    mkdirSync(parent);
    const r = await convertHere([volume, '-o', join(parent, 'out.ome.zarr'), ...common]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['out.ome.zarr']);
  });

  /** Files this process holds open under `dir` (its descriptors' targets). */
  const openFilesUnder = (dir: string): string[] =>
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(join('/proc/self/fd', fd));
        } catch {
          return ''; // closed meanwhile
        }
      })
      .filter((target) => target.startsWith(`${dir}/`));

  it.skipIf(missing('root (to mount a 1 MB tmpfs)', isRoot))('disk full exits 1 with the reason', async () => {
    const mnt = join(tmp, 'small');
    mkdirSync(mnt);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    expect(mounted.status, mounted.stderr.toString()).toBe(0);
    try {
      const r = await convertHere([
        volume,
        '-o',
        join(mnt, 'out.ome.zarr'),
        ...common,
        '--compression',
        'none',
        '--threads',
        '2',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/no space left on the device/);
      // By the time it has answered, no shard of the other thread is still being written: nothing in OUTPUT is
      // open, and the file system comes off at once (a busy tmpfs once failed this file's clean-up under load).
      expect(openFilesUnder(mnt)).toEqual([]);
      const unmounted = spawnSync('umount', [mnt]);
      expect(unmounted.status, unmounted.stderr.toString()).toBe(0);
    } finally {
      if (spawnSync('mountpoint', ['-q', mnt]).status === 0) spawnSync('umount', ['-l', mnt]);
    }
  });

  it.skipIf(missing('root (to mount a tmpfs)', isRoot))(
    'disk full while recording a finished shard: the same one-line reason',
    async () => {
      // The CI run that found this filled the disk at the journal's append, not at a shard.
      const mnt = join(tmp, 'journal-full');
      mkdirSync(mnt);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
      expect(mounted.status, mounted.stderr.toString()).toBe(0);
      try {
        const journal = await Journal.open(mnt, 'all', 'fingerprint');
        // Fill every block that is left, so the next append is the write that fails.
        const filler = openSync(join(mnt, 'filler'), 'w');
        try {
          for (;;) writeSync(filler, Buffer.alloc(4096));
        } catch (e) {
          expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
        } finally {
          closeSync(filler);
        }
        const failed = await journal.markDone('0/0/0/0', 1).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isWriterError(failed, 'Output'), String(failed)).toBe(true);
        expect((failed as Error).message).toMatch(/no space left on the device/);
      } finally {
        spawnSync('umount', [mnt]);
      }
    },
  );

  /** Root writes anywhere: it runs the command without the capabilities that bypass permissions (setpriv). */
  const canBeRefused = () => !isRoot || spawnSync('setpriv', [...NO_DAC_OVERRIDE, 'true']).status === 0;

  it.skipIf(missing('a user the file system can refuse (not root, or root with setpriv)', canBeRefused()))(
    'permission denied exits 1 with the reason',
    async () => {
      const locked = join(tmp, 'locked');
      mkdirSync(locked);
      // Readable and listable, not writable: the output folder cannot be made in it.
      chmodSync(locked, 0o555);
      const r = await finished(
        convertChild([volume, '-o', join(locked, 'out.ome.zarr'), ...common], { asRootWithoutOverride: isRoot }),
      );
      expect(r.code, r.stderr).toBe(1);
      // The command's own one-line reason, not a stack.
      expect(r.stderr).toMatch(/^zarr-bridge convert: cannot write .*locked.*: permission denied$/m);
    },
  );
});
