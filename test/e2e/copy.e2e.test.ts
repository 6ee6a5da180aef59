/**
 * "Open elsewhere": the zarr-python snippet the viewer shows runs, exactly as shown and as copied, on
 * Debian's zarr-python 2.13 against the running bridge and reads the fixtures' values (an OME-Zarr 0.4
 * v2 image, a sharded OME-Zarr 0.5 image, an N5 pyramid); the zarr-python 3 snippet names the v3 face
 * (zarr-python 3 is not installable here, so it is checked for its documented form only); the plain
 * URL of each face is offered and answers; "Copied" appears next to the button that was clicked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing, pythonZarrPresent } from '../support/env.js';
import { runPython } from '../support/python.js';
import { checkPrerequisites, type Harness, openViewer, startHarness } from './harness.js';

const ready = checkPrerequisites();
const python = ready && !missing('Debian python3-zarr with fsspec and aiohttp', pythonZarrPresent());

/** Checks `level0` (defined by the snippet) against the fixture's formula (MANIFEST.json), numpy-side. */
const CHECKS: Record<string, string> = {
  'local/image_gzip.ome.zarr':
    'a = np.indices(got.shape); want = (a[0]*20000 + a[1]*10000 + a[2]*1000 + a[3]*7 + a[4]) % 65536',
  'local/image_sharded.ome.zarr':
    'a = np.indices(got.shape); want = np.where((a[0] == 1) & (a[1] >= 4), 0, (a[0]*10000 + a[1]*1000 + a[2]*7 + a[3]) % 65536)',
  'local/data.n5': 'a = np.indices(got.shape); want = (a[0]*4000 + a[1]*31 + a[2]) % 65536',
};
const SHAPES: Record<string, number[]> = {
  'local/image_gzip.ome.zarr': [2, 2, 8, 120, 136],
  'local/image_sharded.ome.zarr': [2, 8, 120, 136],
  'local/data.n5': [16, 100, 120],
};

type Outcome = { shape: number[]; dtype: string; mismatches: number };

/**
 * Runs each snippet, exactly as given, in a fresh namespace of one Debian Python process (one start for
 * all), then its check on `level0`; asynchronously, since the bridge answers from this process.
 */
async function runSnippets(cases: { source: string; snippet: string }[]): Promise<Record<string, Outcome>> {
  const program = `import json, sys
import numpy as np
out = {}
for case in json.load(sys.stdin):
    ns = {}
    exec(case["snippet"], ns)
    got = ns["level0"][...]
    check = {"np": np, "got": got}
    exec(case["check"], check)
    out[case["source"]] = {"shape": list(got.shape), "dtype": str(got.dtype), "mismatches": int((got != check["want"]).sum())}
print(json.dumps(out))
`;
  const input = JSON.stringify(cases.map((c) => ({ ...c, check: CHECKS[c.source] })));
  const run = await runPython(['-c', program], { input });
  if (run.status !== 0)
    throw new Error(`snippets failed:\n${cases.map((c) => c.snippet).join('\n---\n')}\n${run.stderr}`);
  return JSON.parse(run.stdout.toString('utf8').trim().split('\n').pop() ?? '{}');
}

describe.skipIf(!ready)('copy URLs and snippets', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(['image_gzip.ome.zarr', 'image_sharded.ome.zarr', 'data.n5']);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(!python)(
    'the zarr-python 2/3 snippet, as shown and as copied, reads every value on zarr-python 2.13',
    async () => {
      const cases: { source: string; snippet: string }[] = [];
      for (const source of Object.keys(CHECKS)) {
        const { page, pageErrors } = await openViewer(h, `?source=${source}`);
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.origin });
        const shown = (await page.locator('[data-copy-id="zarr-python-2-3"]').textContent()) ?? '';
        expect(shown).toContain(`zarr.open("${h.origin}/zarr/v2/${source}", mode="r")`);
        await page.getByRole('button', { name: 'Copy zarr-python 2 or 3 (Zarr v2)' }).click();
        await expect.poll(() => page.getByTestId('copied-zarr-python-2-3').textContent()).toBe('Copied');
        const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
        expect(copied).toBe(shown);
        cases.push({ source, snippet: copied });
        expect(pageErrors).toEqual([]);
        await page.close();
      }
      const results = await runSnippets(cases);
      for (const source of Object.keys(CHECKS)) {
        expect(results[source], source).toEqual({ shape: SHAPES[source], dtype: 'uint16', mismatches: 0 });
      }
    },
    180_000,
  );

  it('offers the zarr-python 3 snippet on /zarr/v3 and the plain URL of each face; "Copied" shows by the button clicked', async () => {
    const source = 'local/image_gzip.ome.zarr';
    const { page, pageErrors } = await openViewer(h, `?source=${source}`);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.origin });
    // zarr-python 3's documented form: an fsspec URL string (FsspecStore.from_url under the hood), read-only.
    expect(await page.locator('[data-copy-id="zarr-python-3"]').textContent()).toBe(
      `import zarr  # zarr-python 3\nz = zarr.open("${h.origin}/zarr/v3/${source}", mode="r", zarr_format=3)\nlevel0 = z["0"]  # full resolution, axes t, c, z, y, x, shape 2×2×8×120×136`,
    );
    const plain = async (id: string) => page.locator(`code[data-copy-id="${id}"]`).textContent();
    expect(await plain('url-zarr-v2')).toBe(`${h.origin}/zarr/v2/${source}`);
    expect(await plain('url-zarr-v3')).toBe(`${h.origin}/zarr/v3/${source}`);
    expect(await plain('url-n5')).toBe(`${h.origin}/n5/${source}`);
    for (const [id, key] of [
      ['url-zarr-v2', '.zattrs'],
      ['url-zarr-v3', 'zarr.json'],
      ['url-n5', 'attributes.json'],
    ]) {
      expect((await fetch(`${await plain(id)}/${key}`)).status, id).toBe(200);
    }

    // The confirmation sits in the clicked row, beside its button, and nowhere else.
    const button = page.getByRole('button', { name: 'Copy Zarr v3' });
    await button.click();
    const note = page.getByTestId('copied-url-zarr-v3');
    await expect.poll(() => note.textContent()).toBe('Copied');
    const others = (await page.locator('.copy-url output').allTextContents()).filter((t) => t !== '');
    expect(others).toEqual(['Copied']);
    const [b, n] = [await button.boundingBox(), await note.boundingBox()];
    if (!b || !n) throw new Error('button or confirmation not laid out');
    expect(Math.abs(b.y + b.height / 2 - (n.y + n.height / 2))).toBeLessThan(b.height);
    expect(n.x - (b.x + b.width)).toBeGreaterThanOrEqual(0);
    expect(n.x - (b.x + b.width)).toBeLessThan(24);
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`${h.origin}/zarr/v3/${source}`);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
