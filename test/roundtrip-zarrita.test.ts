/**
 * Every array of every shared fixture read through `/zarr/v3` by zarrita.js
 * over HTTP (FetchStore: sharding via Range requests), compared value for
 * value with a reference that does not go through the bridge: the MANIFEST
 * formulas, zarr-python/N5 reading the fixture from disk, or zarrita reading it
 * from disk (v3 sources).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float16Array } from '@petamoriken/float16';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { FIXTURES, fixturesPresent, missing, pythonZarrPresent } from './support/env.js';
import { listArrays } from './support/fixture-arrays.js';
import { FIXTURE_FOLDERS, type FixtureBridge, startFixtureBridge, urlPath } from './support/fixture-bridge.js';
import { formulaFor } from './support/formulas.js';
import { type PyCase, type PyResult, type Reference, readBackWithPython } from './support/python.js';
import { dumpRaw, inCOrder, readFromDisk } from './support/reference.js';

(globalThis as { Float16Array?: unknown }).Float16Array ??= Float16Array;

/** zarr-python 2.13 cannot read these from disk (numcodecs 0.11 rejects `checksum`): zarrita's own read is the reference. */
const READER_LIMITS = new Set([
  'zarrita/v2/data.zarr/1d.contiguous.zstd.i2',
  'neuroglancer/zarr/zarr_v2/from_zarr-python/data.zarr/1d.contiguous.zstd.i2',
]);

const skip =
  missing('shared fixtures', fixturesPresent()) ||
  missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent());

describe.skipIf(skip)('zarrita.js reads what the bridge serves on /zarr/v3', () => {
  let fx: FixtureBridge;
  let tmp: string;
  const cases: PyCase[] = [];
  const stringsChecked: string[] = [];
  const errors: string[] = [];
  /** v2 object arrays that are not text (json2): the v3 face cannot present them. */
  const notOnV3: string[] = [];
  let results: PyResult[] = [];

  beforeAll(async () => {
    fx = await startFixtureBridge();
    tmp = mkdtempSync(join(tmpdir(), 'zb-zarrita-'));
    let n = 0;
    for (const folder of FIXTURE_FOLDERS) {
      const dir = join(FIXTURES, folder);
      const mount = fx.mountOf(folder);
      for (const a of listArrays(dir)) {
        const id = `${folder}/${a.rel}`;
        const path = a.rel === '' ? mount : `${mount}/${a.rel}`;
        const store = new zarr.FetchStore(`${fx.bridge.url}/zarr/v3/${urlPath(path)}`);
        let served: Awaited<ReturnType<typeof readFromDisk>>;
        try {
          const arr = await zarr.open.v3(store, { kind: 'array' });
          const out = await zarr.get(arr);
          served = { shape: out.shape, dtype: arr.dtype, data: inCOrder(out.data as never, out.shape, out.stride) };
        } catch (e) {
          if (a.format === 'zarr2' && !/^[<>|][biuf]\d$/.test(String(a.metadata.dtype))) {
            const res = await fetch(`${fx.bridge.url}/zarr/v3/${urlPath(path)}/zarr.json`);
            notOnV3.push(`${id}: ${res.status} ${((await res.json()) as { error: string }).error}`);
            continue;
          }
          errors.push(`${id}: ${(e as Error).message}`);
          continue;
        }
        const servedRaw = dumpRaw(served, join(tmp, `${n++}.served.bin`));
        if (!servedRaw) {
          // Strings and objects pass through as stored: compare with zarrita reading the file itself.
          const disk = await readFromDisk(dir, a.rel);
          expect(Array.from(served.data as ArrayLike<unknown>), id).toEqual(
            Array.from(disk.data as ArrayLike<unknown>),
          );
          stringsChecked.push(id);
          continue;
        }
        const shape = served.shape;
        let reference: Reference | undefined = formulaFor(folder, a.rel, shape);
        if (!reference && a.format === 'zarr2' && !READER_LIMITS.has(id))
          reference = { kind: 'zarr2-dir', path: dir, dataset: a.rel };
        if (!reference && a.format === 'n5') reference = { kind: 'n5-dir', path: dir, dataset: a.rel };
        if (!reference) {
          const disk = await readFromDisk(dir, a.rel);
          reference = dumpRaw(disk, join(tmp, `${n++}.disk.bin`));
        }
        if (!reference) throw new Error(`no reference for ${id}`);
        cases.push({ id, url: '', format: 'zarr2', servedRaw, reference });
      }
    }
    results = await readBackWithPython(cases);
    console.log(
      `zarrita read ${cases.length + stringsChecked.length} arrays through /zarr/v3 (${stringsChecked.length} of strings); ${notOnV3.length} not representable`,
    );
  }, 180_000);

  afterAll(async () => {
    await fx?.bridge.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('opens every array', () => {
    expect(errors).toEqual([]);
    expect(cases.length + stringsChecked.length).toBeGreaterThan(120);
    expect(stringsChecked.length).toBeGreaterThan(5);
  });

  it('presents v2 strings as v3 `string`, and only JSON objects (json2) are not representable', () => {
    expect(stringsChecked.some((id) => id.endsWith('1d.contiguous.U13.be'))).toBe(true);
    expect(stringsChecked.some((id) => id.endsWith('3d.chunked.O'))).toBe(true);
    expect(notOnV3.length).toBeGreaterThan(0);
    for (const line of notOnV3) expect(line).toMatch(/json2\.O: 404 NotRepresentable$/);
  });

  it('reads every value identically', () => {
    const failed = results.filter((r) => !r.ok);
    expect(failed, JSON.stringify(failed.slice(0, 10), null, 1)).toEqual([]);
    expect(results.length).toBe(cases.length);
  });
});
