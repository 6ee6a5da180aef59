/**
 * N5 groups browsed with zarr-python 2.13's N5FSStore: `keys()`, `tree()`
 * and a visit of the whole hierarchy work, and reach every array stored in
 * the fixture (N5 written by zarr-python and by z5py, an OME image, a plate).
 * N5FSStore swaps `attributes.json` in a listing for `.zgroup`/`.zarray`, so
 * the bridge's listings must name it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, fixturesPresent, missing, pythonZarrPresent } from './support/env.js';
import { listArrays } from './support/fixture-arrays.js';
import { type FixtureBridge, startFixtureBridge, urlPath } from './support/fixture-bridge.js';
import { runPythonJson } from './support/python.js';

interface Walked {
  id: string;
  keys?: string[];
  keysError?: string;
  tree?: string;
  treeError?: string;
  arrays: Record<string, number[]>;
}

const FOLDERS = [
  'generated/data.n5',
  'zarr_implementations/examples/z5py.n5',
  'generated/image_gzip.ome.zarr',
  'generated/plate.ome.zarr',
];

/** The arrays of a fixture as N5 shows them: OME levels `0, 1…` are `s0, s1…`, dimensions reversed. */
function expectedArrays(folder: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const a of listArrays(join(FIXTURES, folder))) {
    const shape =
      a.format === 'n5' ? (a.metadata.dimensions as number[]) : [...(a.metadata.shape as number[])].reverse();
    const rel = a.format === 'n5' ? a.rel : a.rel.replace(/(^|\/)(\d+)$/, '$1s$2');
    // zarr-python reports N5 shapes in Zarr order.
    out[rel] = [...shape].reverse();
  }
  return out;
}

const skip =
  missing('shared fixtures', fixturesPresent()) ||
  missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent());

describe.skipIf(skip)("zarr-python's N5FSStore browses /n5 groups", () => {
  let fx: FixtureBridge;
  let walked: Map<string, Walked>;

  beforeAll(async () => {
    fx = await startFixtureBridge(FOLDERS);
    const cases = FOLDERS.map((f) => ({ id: f, url: `${fx.bridge.url}/n5/${urlPath(fx.mountOf(f))}` }));
    walked = new Map((await runPythonJson<Walked[]>('n5_tree.py', { cases })).map((w) => [w.id, w]));
  });
  afterAll(() => fx?.bridge.close());

  it.each(FOLDERS)('%s: keys(), tree() and every array', (folder) => {
    const w = walked.get(folder)!;
    expect(w.keysError).toBeUndefined();
    expect(w.treeError).toBeUndefined();
    expect(w.keys).toContain('attributes.json');
    expect(w.arrays).toEqual(expectedArrays(folder));
    for (const path of Object.keys(w.arrays)) expect(w.tree).toContain(path.slice(path.lastIndexOf('/') + 1));
  });

  it('lists attributes.json for groups and arrays alike', async () => {
    const base = `${fx.bridge.url}/n5/${urlPath(fx.mountOf('generated/data.n5'))}`;
    const group = (await (await fetch(base)).json()) as string[];
    expect(group).toEqual([`${base}/attributes.json`, `${base}/s0`, `${base}/s1`]);
    const array = (await (await fetch(`${base}/s0`)).json()) as string[];
    expect(array).toEqual([`${base}/s0/attributes.json`]);
  });
});
