/**
 * Export jobs of a running bridge: each converts a catalog node to an
 * OME-Zarr folder with the writer, one at a time, with progress and cancel;
 * a finished export is mounted, so the viewer can open it at once.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import type { ExportJob, ExportStatus } from '../../shared/export.js';
import type { Catalog } from '../catalog/catalog.js';
import { COMPRESSIONS } from '../writer/codec.js';
import { isWriterError, WriterError } from '../writer/errors.js';
import { type Progress, runConvert } from '../writer/job.js';
import { defaultWriteOptions, type WriteOptions } from '../writer/options.js';

export type { ExportJob, ExportStatus };

export interface ExportRequest {
  /** Catalog path of an image, array or plate. */
  source: string;
  /** Absolute path of the folder to write. */
  output: string;
  options: Partial<Pick<WriteOptions, 'ome' | 'chunk' | 'shard' | 'compression' | 'levels' | 'region'>>;
  overwrite?: boolean;
}

export interface ExportJobsOptions {
  catalog: Catalog;
  /** Mounts a finished export (the bridge's `mountFolder`). */
  mount(path: string): Promise<{ path: string }>;
  /** Memory bound of one export (default 512 MiB: the bridge keeps serving meanwhile). */
  memoryBytes?: number;
}

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

/** The options come from a page: each is checked before the writer sees it. */
function checkOptions(o: ExportRequest['options']): void {
  const bad = (what: string) => new WriterError('Usage', `options.${what}`);
  if (o.ome !== undefined && o.ome !== '0.4' && o.ome !== '0.5') throw bad('ome: 0.4 or 0.5');
  if (o.compression !== undefined && !COMPRESSIONS.includes(o.compression)) throw bad('compression');
  if (o.shard !== undefined && !positiveInt(o.shard)) throw bad('shard: a positive integer');
  if (o.levels !== undefined && o.levels !== 'auto' && !positiveInt(o.levels))
    throw bad('levels: auto or a positive integer');
  if (o.chunk !== undefined && !(positiveInt(o.chunk) || (Array.isArray(o.chunk) && o.chunk.every(positiveInt)))) {
    throw bad('chunk: a positive integer or a list of them');
  }
  if (o.region !== undefined) {
    const ok =
      typeof o.region === 'object' &&
      o.region !== null &&
      Object.values(o.region).every(
        (r) =>
          Array.isArray(r) &&
          r.length === 2 &&
          r.every((v) => v === null || v === undefined || (Number.isInteger(v) && v >= 0)),
      );
    if (!ok) throw bad('region: {axis: [start, stop]}');
  }
}

function progressOf(p: Progress): NonNullable<ExportJob['progress']> {
  const s = p.elapsedMs / 1000;
  const voxelsPerSecond = s > 0 ? p.voxelsDone / s : 0;
  return {
    fraction: p.voxelsTotal > 0 ? p.voxelsDone / p.voxelsTotal : 0,
    level: p.level,
    levels: p.levels,
    voxelsPerSecond: Math.round(voxelsPerSecond),
    mbPerSecond: s > 0 ? Number((p.bytesDone / s / 1e6).toFixed(2)) : 0,
    etaSeconds: voxelsPerSecond > 0 ? Math.round((p.voxelsTotal - p.voxelsDone) / voxelsPerSecond) : null,
  };
}

export class ExportJobs {
  readonly #jobs = new Map<string, { job: ExportJob; controller: AbortController }>();
  readonly #options: ExportJobsOptions;
  #queue: Promise<void> = Promise.resolve();
  #next = 1;

  constructor(options: ExportJobsOptions) {
    this.#options = options;
  }

  list(): ExportJob[] {
    return [...this.#jobs.values()].map((j) => ({ ...j.job }));
  }

  get(id: string): ExportJob | undefined {
    const j = this.#jobs.get(id);
    return j && { ...j.job };
  }

  /** Checks the request and queues the job; a bad request throws a Usage WriterError. */
  start(req: ExportRequest): ExportJob {
    if (typeof req.source !== 'string' || req.source === '') throw new WriterError('Usage', 'source: a catalog path');
    if (typeof req.output !== 'string' || !isAbsolute(req.output))
      throw new WriterError('Usage', 'output: an absolute folder path');
    checkOptions(req.options);
    const id = String(this.#next++);
    const job: ExportJob = { id, source: req.source, output: req.output, status: 'queued' };
    const controller = new AbortController();
    this.#jobs.set(id, { job, controller });
    // One export at a time: they share the cores with the bridge's own serving.
    this.#queue = this.#queue.then(() => this.#run(job, req, controller.signal));
    return { ...job };
  }

  cancel(id: string): ExportJob | undefined {
    const j = this.#jobs.get(id);
    if (!j) return undefined;
    if (j.job.status === 'queued') j.job.status = 'cancelled';
    j.controller.abort();
    return { ...j.job };
  }

  /** Cancels everything (the bridge is stopping) and waits for the running job to stop. */
  async close(): Promise<void> {
    for (const j of this.#jobs.values()) j.controller.abort();
    await this.#queue;
  }

  async #run(job: ExportJob, req: ExportRequest, signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      job.status = 'cancelled';
      return;
    }
    job.status = 'running';
    try {
      const { catalog } = this.#options;
      const node = await catalog.resolve(req.source, { signal });
      if (!node) throw new WriterError('Input', `no node at ${req.source}`);
      const mount = catalog.mounts().find((m) => req.source === m.path || req.source.startsWith(`${m.path}/`));
      const options: WriteOptions = {
        ...defaultWriteOptions(availableParallelism()),
        memoryBytes: this.#options.memoryBytes ?? 512 * 2 ** 20,
        ...req.options,
      };
      if (options.ome === '0.4' && req.options.compression === undefined) options.compression = 'blosc';
      await runConvert({
        node,
        inputIdentity: `${mount?.origin ?? ''}#${req.source}`,
        output: req.output,
        options,
        mode: { overwrite: !!req.overwrite, resume: false, finalize: false },
        inputFolders: mount?.kind === 'local' ? [mount.origin] : [],
        signal,
        onProgress: (p) => {
          job.progress = progressOf(p);
        },
      });
      job.opened = (await this.#options.mount(req.output)).path;
      job.status = 'done';
    } catch (e) {
      if (signal.aborted || isWriterError(e, 'Interrupted')) job.status = 'cancelled';
      else {
        job.status = 'failed';
        job.error = (e as Error).message;
      }
    }
  }
}
