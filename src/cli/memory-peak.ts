/**
 * Where the memory was when the process was largest: the main thread's heap
 * and external memory (chunk buffers, WebAssembly) sampled a few times a
 * second, the sample taken at the highest RSS kept. What RSS holds besides
 * them is the codec workers' and the allocator's. Reported with
 * `--progress json`, so a run that went past `--memory` says what grew.
 */
import { readFileSync } from 'node:fs';

/**
 * The process's own peak RSS. `resourceUsage().maxRSS` is not it on Linux: a
 * process started by fork and exec keeps the high-water mark of the copy it
 * was forked as, so a convert launched by a 500 MB parent reported 500 MB
 * whatever it used. The kernel's VmHWM belongs to the process's own memory.
 */
export function peakRssBytes(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    /* not Linux: the portable figure */
  }
  return process.resourceUsage().maxRSS * 1024;
}

export interface MemoryAtPeak {
  rssBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** What the job was doing then (`when()`'s answer). */
  when?: unknown;
}

/** Samples RSS every `everyMs`, the heap only at a new high; `when` describes the moment. */
export function watchMemoryPeak(everyMs = 25, when: () => unknown = () => undefined): { stop(): MemoryAtPeak } {
  let peak: MemoryAtPeak = { rssBytes: 0, heapTotalBytes: 0, externalBytes: 0, arrayBuffersBytes: 0 };
  const sample = () => {
    // RSS alone is one read of the kernel's counter; the full figures walk the heap's spaces (35–50 ms of a 2.5 s
    // conversion's main thread when taken every time), and are only needed when RSS is at a new high.
    if (process.memoryUsage.rss() <= peak.rssBytes) return;
    const m = process.memoryUsage();
    if (m.rss > peak.rssBytes)
      peak = {
        rssBytes: m.rss,
        heapTotalBytes: m.heapTotal,
        externalBytes: m.external,
        arrayBuffersBytes: m.arrayBuffers,
        when: when(),
      };
  };
  // Unref'd: it never keeps the process alive.
  const timer = setInterval(sample, everyMs).unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
