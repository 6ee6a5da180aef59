/**
 * Progress of a conversion for people and programs: a bar with voxels/s,
 * MB/s and ETA on a terminal, a plain line every few seconds otherwise, or
 * JSON lines (`--progress json`) for programs.
 */
import type { Progress } from '../bridge/writer/job.js';
import type { ProgressStyle } from './convert-args.js';

export interface ProgressSink {
  update(p: Progress): void;
  /** The last line (the bar is finished with a newline). */
  end(): void;
}

const rate = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : 0);

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function figures(p: Progress) {
  const fraction = p.voxelsTotal > 0 ? p.voxelsDone / p.voxelsTotal : 1;
  const voxelsPerS = rate(p.voxelsDone, p.elapsedMs);
  const mbPerS = rate(p.bytesDone, p.elapsedMs) / 1e6;
  const eta = voxelsPerS > 0 ? (p.voxelsTotal - p.voxelsDone) / voxelsPerS : Number.NaN;
  return { fraction, voxelsPerS, mbPerS, eta };
}

function line(p: Progress): string {
  const f = figures(p);
  return `level ${p.level + 1}/${p.levels}  ${(f.fraction * 100).toFixed(1)}%  ${p.unitsDone}/${p.unitsTotal} shards  ${(f.voxelsPerS / 1e6).toFixed(1)} Mvoxel/s  ${f.mbPerS.toFixed(1)} MB/s  ETA ${formatDuration(f.eta)}`;
}

export function progressSink(style: ProgressStyle, out: NodeJS.WritableStream): ProgressSink {
  let last = 0;
  let latest: Progress | undefined;
  const due = (every: number, p: Progress) => {
    latest = p;
    const now = Date.now();
    if (p.phase === 'writing' && now - last < every) return false;
    last = now;
    return true;
  };
  if (style === 'json') {
    return {
      update(p) {
        if (!due(500, p)) return;
        const f = figures(p);
        out.write(
          `${JSON.stringify({ type: 'progress', ...p, elapsedMs: Math.round(p.elapsedMs), fraction: f.fraction, voxelsPerSecond: Math.round(f.voxelsPerS), mbPerSecond: Number(f.mbPerS.toFixed(2)), etaSeconds: Number.isFinite(f.eta) ? Math.round(f.eta) : null })}\n`,
        );
      },
      end() {},
    };
  }
  if (style === 'plain') {
    return {
      update(p) {
        if (due(2000, p)) out.write(`${line(p)}\n`);
      },
      end() {},
    };
  }
  const width = 24;
  return {
    update(p) {
      if (!due(200, p)) return;
      const filled = Math.round(figures(p).fraction * width);
      out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line(p)}\x1b[K`);
    },
    end() {
      if (latest) out.write('\n');
    },
  };
}
