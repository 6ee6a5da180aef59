/**
 * A conversion's state inside OUTPUT (`.zarr-bridge-convert/`): the plan's
 * fingerprint, an append-only log of finished shards per writer (the whole
 * job, a part, or finalize), and each writer's temporary files. It lets
 * `--resume` skip what is done, lets parts share one OUTPUT, and is removed
 * once the root metadata is written.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeIoError, WriterError } from './errors.js';

export const JOB_DIR = '.zarr-bridge-convert';

interface PlanFile {
  fingerprint: string;
  /** Set by the first `--part`: every part and `--finalize` must agree. */
  parts?: number;
}

export const fingerprintOf = (plan: unknown): string => createHash('sha256').update(JSON.stringify(plan)).digest('hex');

const COMPLETE = '#complete';

export class Journal {
  readonly dir: string;
  readonly scope: string;
  /** Finished units → how many files each wrote (0: all fill). */
  readonly #done = new Map<string, number>();
  readonly #tmp: string;
  #counter = 0;

  private constructor(output: string, scope: string) {
    this.dir = join(output, JOB_DIR);
    this.scope = scope;
    this.#tmp = join(this.dir, `tmp-${scope}`);
  }

  /**
   * Opens (or starts) the journal in `output`. A plan made with other
   * options, or another part count, is a PlanMismatch.
   */
  static async open(output: string, scope: string, fingerprint: string, parts?: number): Promise<Journal> {
    const j = new Journal(output, scope);
    try {
      await mkdir(j.dir, { recursive: true });
      const planPath = join(j.dir, 'plan.json');
      const existing = await readFile(planPath, 'utf8').then(
        (t) => JSON.parse(t) as PlanFile,
        () => undefined,
      );
      if (existing && existing.fingerprint !== fingerprint) {
        throw new WriterError(
          'PlanMismatch',
          'OUTPUT holds an unfinished conversion made with other options or input; use the same ones, or --overwrite',
        );
      }
      if (existing?.parts !== undefined && parts !== undefined && existing.parts !== parts) {
        throw new WriterError('PlanMismatch', `OUTPUT is being written in ${existing.parts} parts, not ${parts}`);
      }
      if (!existing || (existing.parts === undefined && parts !== undefined)) {
        const next: PlanFile = { fingerprint, ...(parts !== undefined ? { parts } : {}) };
        const tmp = `${planPath}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(next));
        await rename(tmp, planPath);
      }
      // Temporary files of an interrupted run of this writer are worthless: start its folder afresh.
      await rm(j.#tmp, { recursive: true, force: true });
      await mkdir(j.#tmp, { recursive: true });
      for (const name of await readdir(j.dir)) {
        if (!name.startsWith('done-')) continue;
        for (const line of (await readFile(join(j.dir, name), 'utf8')).split('\n')) {
          // A line cut short by a crash does not parse, and its unit is simply written again.
          const m = /^(\S+) (\d+)$/.exec(line);
          if (m) j.#done.set(m[1], Number(m[2]));
        }
      }
    } catch (e) {
      if (e instanceof WriterError) throw e;
      throw describeIoError(e, `the job state in ${output}`);
    }
    return j;
  }

  /** The part count recorded by the parts, if any. */
  async parts(): Promise<number | undefined> {
    const plan = JSON.parse(await readFile(join(this.dir, 'plan.json'), 'utf8')) as PlanFile;
    return plan.parts;
  }

  /** Files a finished unit wrote, or undefined when it is not finished. */
  done(unit: string): number | undefined {
    return this.#done.get(unit);
  }

  /** Forget a unit whose files did not survive (found damaged on resume). */
  forget(unit: string): void {
    this.#done.delete(unit);
  }

  /** A fresh temporary file name inside OUTPUT (same file system as the target: rename is atomic). */
  tmpFile(): string {
    return join(this.#tmp, `${process.pid}-${this.#counter++}`);
  }

  async markDone(unit: string, files: number): Promise<void> {
    this.#done.set(unit, files);
    await this.#append(`${unit} ${files}\n`);
  }

  async markComplete(): Promise<void> {
    await this.#append(`${COMPLETE}\n`);
  }

  /** Parts (0-based) of `count` that have not marked themselves complete. */
  async pendingParts(count: number): Promise<number[]> {
    const pending: number[] = [];
    for (let i = 0; i < count; i++) {
      const log = await readFile(join(this.dir, `done-${partScope(i, count)}.log`), 'utf8').catch(() => '');
      if (!log.split('\n').includes(COMPLETE)) pending.push(i);
    }
    return pending;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  async #append(text: string): Promise<void> {
    const file = join(this.dir, `done-${this.scope}.log`);
    try {
      await appendFile(file, text);
      // On disk before the next shard starts: a power cut must not lose the record of what is done.
      const fh = await open(file, 'r');
      try {
        await fh.datasync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      throw describeIoError(e, file);
    }
  }
}

export const partScope = (index: number, count: number): string => `part-${index + 1}-of-${count}`;
