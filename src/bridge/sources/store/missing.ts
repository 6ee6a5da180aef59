/**
 * Which file-system errors mean "nothing is stored at this key" rather than a
 * failure: a 404 for readers, never a 500.
 */

const MISSING = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  // A name longer than the file system allows (255 bytes) cannot exist.
  'ENAMETOOLONG',
  // A symlink loop leads nowhere.
  'ELOOP',
]);

export function isMissingFile(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && MISSING.has(code);
}
