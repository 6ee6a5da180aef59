/**
 * Prompt collection of chunk buffers. V8 collects an isolate's garbage
 * ArrayBuffers only when their total grows past tens of megabytes, and the
 * main thread and every codec worker are isolates of their own: with chunks
 * of megabytes passing through each, garbage alone would exceed `--memory`.
 * A young-generation collection every few megabytes passed keeps it small.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type: 'minor' | 'major' }) => void;

let gc: Gc | undefined;
try {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as Gc;
} catch {
  // Not available (a runtime that refuses the flag): V8's own schedule then.
  gc = undefined;
}

/** Returns `noteBytes(n)`: collects once every `every` bytes noted. */
export function collectEvery(every: number): (bytes: number) => void {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < every || !gc) return;
    since = 0;
    gc({ type: 'minor' });
  };
}
