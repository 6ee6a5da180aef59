/**
 * Enumerates the arrays of a fixture folder by reading its files directly
 * (not through the bridge), so the tests know independently what to expect.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface FixtureArray {
  /** Path inside the fixture folder, `/`-separated ('' for a root array). */
  rel: string;
  format: 'zarr2' | 'zarr3' | 'n5';
  metadata: Record<string, unknown>;
}

export function listArrays(root: string, rel = ''): FixtureArray[] {
  const dir = rel === '' ? root : join(root, rel);
  const has = (f: string) => {
    try {
      return statSync(join(dir, f)).isFile();
    } catch {
      return false;
    }
  };
  const json = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
  if (has('zarr.json')) {
    const m = json('zarr.json');
    if (m.node_type === 'array') return [{ rel, format: 'zarr3', metadata: m }];
    if (m.node_type !== 'group') return [];
  } else if (has('.zarray')) {
    return [{ rel, format: 'zarr2', metadata: json('.zarray') }];
  } else if (has('attributes.json')) {
    const m = json('attributes.json');
    if (Array.isArray(m.dimensions) && m.dataType) return [{ rel, format: 'n5', metadata: m }];
  }
  const out: FixtureArray[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...listArrays(root, rel === '' ? e.name : `${rel}/${e.name}`));
  }
  return out;
}
