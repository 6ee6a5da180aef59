/**
 * What a user may open as a local source, decided in one place so that new
 * kinds are added here: a folder holding Zarr v2/v3 or N5 metadata, or a
 * folder of such folders (TIFF files and folders of slices are recognised
 * before this check, by sources/tiff/detect.ts). Anything else is refused
 * with a one-line reason a person can act on, never a raw `ENOENT … realpath`.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BridgeError } from '../../errors.js';

/** Files whose presence makes a folder a Zarr v3, Zarr v2 or N5 node. */
export const METADATA_FILES = ['zarr.json', '.zgroup', '.zarray', '.zattrs', 'attributes.json'] as const;

/** Sub-folders looked into for metadata before a folder is called empty of data (a bound on a huge folder). */
const MAX_SUBFOLDERS = 10_000;

const refused = (message: string): BridgeError => new BridgeError('BadRequest', message);

/** The real path of `path` when it can be opened as a local source; otherwise a BadRequest saying why. */
export async function checkOpenable(path: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    throw refused(fileProblem(path, e));
  }
  const st = await stat(real);
  if (!st.isDirectory()) {
    throw refused(
      `${path} is a file, not a folder, and not a TIFF: open a .zarr, .ome.zarr or .n5 folder, a TIFF file or a folder of image slices`,
    );
  }
  let entries: Dirent[];
  try {
    entries = await readdir(real, { withFileTypes: true });
  } catch (e) {
    throw refused(fileProblem(path, e));
  }
  if (entries.length === 0) throw refused(`${path} is an empty folder: there is nothing to open`);
  if (hasMetadata(entries)) return real;
  let looked = 0;
  for (const e of entries) {
    if (!(e.isDirectory() || e.isSymbolicLink())) continue;
    if (++looked > MAX_SUBFOLDERS) break;
    const inside = await readdir(join(real, e.name), { withFileTypes: true }).catch(() => []);
    if (hasMetadata(inside)) return real;
  }
  throw refused(
    `${path} holds no Zarr, N5 or image slices: none of ${METADATA_FILES.join(', ')} is in it or in a folder directly inside it`,
  );
}

function hasMetadata(entries: readonly Dirent[]): boolean {
  return entries.some((e) => !e.isDirectory() && (METADATA_FILES as readonly string[]).includes(e.name));
}

function fileProblem(path: string, e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return `no such folder: ${path}`;
    case 'ENOTDIR':
      return `no such folder: ${path} (a part of it is a file)`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${path}: permission denied`;
    case 'ELOOP':
      return `cannot open ${path}: its symlinks form a loop`;
    case 'ENAMETOOLONG':
      return `cannot open ${path}: the name is too long`;
    default:
      return `cannot open ${path}: ${(e as Error).message}`;
  }
}
