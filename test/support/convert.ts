/**
 * Running `zarr-bridge convert` in tests: in this process (the command's own
 * entry point, output captured), or as a real child process (for kill -9,
 * Ctrl-C and exit codes). Also reading what it wrote with zarrita from disk.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import FileSystemStore from '@zarrita/storage/fs';
import * as zarr from 'zarrita';
import { convertCommand } from '../../src/cli/convert.js';
import { REPO } from './env.js';
import { inCOrder, type RawArray } from './reference.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink() {
  let text = '';
  return {
    stream: {
      write(chunk: string | Uint8Array) {
        text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
        return true;
      },
    } as unknown as NodeJS.WriteStream,
    text: () => text,
  };
}

/** `zarr-bridge convert ARGS` in this process. */
export async function convertHere(args: string[]): Promise<CommandResult> {
  const out = sink();
  const err = sink();
  const code = await convertCommand(args, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** setpriv's arguments that take from root the capabilities that let it write where permissions forbid. */
export const NO_DAC_OVERRIDE = [
  '--inh-caps=-dac_override,-dac_read_search',
  '--bounding-set=-dac_override,-dac_read_search',
  '--',
];

/**
 * `zarr-bridge convert ARGS` as a child process. `asRootWithoutOverride`: under root, run it through
 * setpriv without the capabilities that bypass file permissions, so a folder it may not write is
 * refused as it is for any user (root keeps reading the repository, which it owns).
 */
export function convertChild(args: string[], options: { asRootWithoutOverride?: boolean } = {}): ChildProcess {
  const command = [process.execPath, '--import', 'tsx', join(REPO, 'src/cli/index.ts'), 'convert', ...args];
  const [file, ...rest] = options.asRootWithoutOverride ? ['setpriv', ...NO_DAC_OVERRIDE, ...command] : command;
  return spawn(file, rest, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A child process run to its end: exit code or signal, and what it printed. */
export function finished(child: ChildProcess): Promise<CommandResult & { signal: NodeJS.Signals | null }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
}

/** Every file under `dir` (relative path → bytes), for byte-for-byte comparisons. */
export function treeBytes(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Differences between two trees, as a short list (empty: byte-identical). */
export function treeDiff(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const diffs: string[] = [];
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w) diffs.push(`only in first: ${k}`);
    else if (!v.equals(w)) diffs.push(`differs: ${k}`);
  }
  for (const k of b.keys()) if (!a.has(k)) diffs.push(`only in second: ${k}`);
  return diffs.slice(0, 20);
}

/** A written array read with zarrita from disk. */
export async function readWritten(folder: string, rel: string): Promise<RawArray> {
  const root = zarr.root(new FileSystemStore(folder));
  const arr = await zarr.open.v3(rel === '' ? root : root.resolve(rel), { kind: 'array' });
  const out = await zarr.get(arr);
  return { shape: out.shape, dtype: arr.dtype, data: inCOrder(out.data as RawArray['data'], out.shape, out.stride) };
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
