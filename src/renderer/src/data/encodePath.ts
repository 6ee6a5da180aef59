/** Catalog paths are slash-separated; each segment is escaped on its own (as every URL of the bridge is). */
export function encodePath(path: string): string {
  return path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}
