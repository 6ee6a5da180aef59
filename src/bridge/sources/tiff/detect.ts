/**
 * Whether a path the user opened is a TIFF source: a TIFF or BigTIFF file
 * (by its first bytes, whatever its name), or a folder of 2D slices (TIFF,
 * PNG, JPEG) that holds no Zarr or N5 metadata of its own.
 */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { sliceNames } from './slice-names.js';

export type TiffSourceKind =
  /** `key` is the file's name in `folder` (its real parent folder). */
  | { readonly kind: 'file'; readonly folder: string; readonly key: string; readonly origin: string }
  /** `slices`, in natural order, are names in `folder`. */
  | { readonly kind: 'stack'; readonly folder: string; readonly slices: readonly string[]; readonly origin: string };

/** A folder with one of these at its top is a Zarr or N5 store, never a stack. */
const STORE_METADATA = new Set(['zarr.json', '.zgroup', '.zarray', '.zattrs', 'attributes.json']);
/** Sub-folders that make a folder a collection of stores rather than a stack. */
const STORE_FOLDER = /\.(zarr|n5)$/i;

/** `II*\0`, `MM\0*` (TIFF) and `II+\0`, `MM\0+` (BigTIFF). */
export function isTiffHeader(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const le = b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43) && b[3] === 0;
  const be = b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43);
  return le || be;
}

async function startsLikeTiff(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && isTiffHeader(head);
  } finally {
    await handle.close();
  }
}

/** What `path` is as a TIFF source, or undefined when it is none (or does not exist). */
export async function tiffSourceAt(path: string): Promise<TiffSourceKind | undefined> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return undefined;
  }
  // Unreadable: not recognised here, so the caller's check explains why in words (openable.ts).
  const st = await stat(real).catch(() => undefined);
  if (!st) return undefined;
  if (st.isFile()) {
    return (await startsLikeTiff(real))
      ? { kind: 'file', folder: dirname(real), key: basename(real), origin: real }
      : undefined;
  }
  if (!st.isDirectory()) return undefined;
  const entries = await readdir(real, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return undefined;
  if (entries.some((e) => STORE_METADATA.has(e.name) || (e.isDirectory() && STORE_FOLDER.test(e.name))))
    return undefined;
  // Symlinked slices count too; the folder store checks at read time that they stay inside.
  const slices = sliceNames(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
  if (slices.length === 0) return undefined;
  // A folder holding one TIFF file is that file (an OME-TIFF dropped in a folder of its own).
  const only = slices.length === 1 ? entries.find((e) => e.name === slices[0]) : undefined;
  // (Its first bytes are read only when it is a plain file: a symlink might lead outside the folder.)
  if (
    only?.isFile() &&
    /\.tiff?$/i.test(only.name) &&
    (await startsLikeTiff(join(real, only.name)).catch(() => false))
  ) {
    return { kind: 'file', folder: real, key: only.name, origin: real };
  }
  return { kind: 'stack', folder: real, slices, origin: real };
}
