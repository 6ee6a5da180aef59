/** `zarr-bridge convert`: flags → a writer job on the mounted INPUT, with progress and exit codes 0/1/2/130. */
import { describeIoError, isWriterError, WriterError } from '../bridge/writer/errors.js';

/** Errors that can only mean the output's file system refused a write. */
const OUTPUT_FULL = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

import { setDecodeWorkers } from '../bridge/util/decode-pool.js';
import { runConvert, startChunkPool } from '../bridge/writer/job.js';
import type { ChunkPool } from '../bridge/writer/worker-pool.js';
import { CONVERT_USAGE, parseConvertArgs } from './convert-args.js';
import { resolveInput } from './convert-input.js';
import { progressSink } from './convert-progress.js';
import { peakRssBytes, watchMemoryPeak } from './memory-peak.js';

export const EXIT = { done: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Runs the command; resolves to the exit status (never throws). */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function convertCommand(
  argv: string[],
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout.write(CONVERT_USAGE);
    return EXIT.done;
  }
  let args: ReturnType<typeof parseConvertArgs>;
  try {
    args = parseConvertArgs(argv);
  } catch (e) {
    io.stderr.write(`zarr-bridge convert: ${(e as Error).message}\n\n${CONVERT_USAGE}`);
    return EXIT.usage;
  }
  const controller = new AbortController();
  const onSignal = () => {
    // A second Ctrl-C does not wait for the shards in flight.
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const style = args.progress ?? (io.stderr.isTTY ? 'bar' : 'plain');
  // JSON lines go to stdout for programs; people's progress to stderr.
  const sink = progressSink(style, style === 'json' ? io.stdout : io.stderr);
  let input: Awaited<ReturnType<typeof resolveInput>> | undefined;
  let latest: { phase: string; level: number; unitsDone: number; unitsTotal: number } | undefined;
  // `latest` is replaced at every report, never changed: the sampler may keep it as it is.
  const memory = watchMemoryPeak(25, () => latest);
  // One decode worker (for BossDB cuboids, remote blosc chunks): the codec workers are what keep the cores busy.
  setDecodeWorkers(1);
  let pool: ChunkPool | undefined;
  try {
    // The codec workers boot and compile their WebAssembly while INPUT is opened (64 TIFF files, a BossDB
    // channel's metadata), not after: on a conversion of a few seconds that start-up shows.
    pool = startChunkPool(args.options);
    input = await resolveInput(args.input, {
      path: args.path,
      bossdbUrl: args.bossdbUrl,
      bossdbToken: args.bossdbToken,
      cacheBytes: Math.round(args.options.memoryBytes * 0.25),
      signal: controller.signal,
    });
    const result = await runConvert({
      node: input.node,
      inputIdentity: input.identity,
      output: args.output,
      options: args.options,
      mode: args.mode,
      inputFolders: input.folders,
      signal: controller.signal,
      pool,
      onProgress: (p) => {
        latest = { phase: p.phase, level: p.level, unitsDone: p.unitsDone, unitsTotal: p.unitsTotal };
        sink.update(p);
      },
    });
    sink.end();
    const summary = {
      type: 'done',
      output: result.output,
      complete: result.complete,
      images: result.images,
      levels: result.levels,
      voxels: result.voxelsWritten,
      bytesWritten: result.bytesWritten,
      seconds: Number((result.elapsedMs / 1000).toFixed(2)),
      // Worker threads included: one process.
      peakRssBytes: peakRssBytes(),
      memoryAtPeak: memory.stop(),
    };
    if (style === 'json') io.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      io.stderr.write(
        result.complete
          ? `wrote ${result.output}: ${result.images} image(s), ${result.levels} level(s), ${(result.bytesWritten / 1e6).toFixed(1)} MB in ${summary.seconds} s\n`
          : `part done in ${summary.seconds} s; run --finalize once every part is done\n`,
      );
    return EXIT.done;
  } catch (e) {
    sink.end();
    const error =
      e instanceof WriterError
        ? e
        : controller.signal.aborted
          ? new WriterError('Interrupted', 'interrupted: run again with --resume to continue')
          : OUTPUT_FULL.has((e as NodeJS.ErrnoException).code ?? '')
            ? // Disk full or read-only escaped its writer: it is still about OUTPUT, not the input.
              describeIoError(e, args.output)
            : new WriterError('Input', (e as Error).message ?? String(e));
    if (style === 'json')
      io.stdout.write(`${JSON.stringify({ type: 'error', tag: error.tag, message: error.message })}\n`);
    io.stderr.write(`zarr-bridge convert: ${error.message}\n`);
    if (isWriterError(error, 'Usage')) return EXIT.usage;
    if (isWriterError(error, 'Interrupted')) return EXIT.interrupted;
    return EXIT.failed;
  } finally {
    memory.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.close();
    await input?.close().catch(() => {});
  }
}
