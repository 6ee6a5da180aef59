/** Folders named on the command line (or by a second launch) that the app should open. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { METADATA_FILES } from '../bridge/sources/local/openable.js';

/** Arguments that are folders holding Zarr or N5 metadata; flags and the app path are skipped. */
export function foldersToOpen(argv: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-') || arg === '.') continue;
    const path = resolve(cwd, arg);
    try {
      if (!statSync(path).isDirectory()) continue;
    } catch {
      continue;
    }
    if (/\.(ome\.zarr|zarr|n5)\/?$/i.test(arg) || METADATA_FILES.some((m) => existsSync(join(path, m)))) out.push(path);
  }
  return out;
}
