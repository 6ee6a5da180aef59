/**
 * Folders keep their names: `細胞.ome.zarr` is `local/細胞.ome.zarr` and
 * `Zellkern ü 細胞 #1.ome.zarr` stays as it is. Every URL the bridge builds
 * (catalog `urls`, listings, the viewer's copy targets) percent-encodes each
 * segment, as Tiled and S3 do, and every face serves such names: read back
 * value for value by zarr-python 2.13 (/zarr/v2, /n5) and zarrita (/zarr/v3).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { Catalog } from '../src/bridge/catalog/catalog.js';
import { mountRemote } from '../src/bridge/sources/remote/remote-source.js';
import { copyTargets } from '../src/renderer/src/panel/copyUrls.js';
import type { CatalogNode } from '../src/shared/catalog.js';
import { FIXTURES, fixturesPresent, missing, pythonZarrPresent } from './support/env.js';
import { urlPath } from './support/fixture-bridge.js';
import { formulaFor } from './support/formulas.js';
import { type PyCase, readBackWithPython } from './support/python.js';
import { dumpRaw, inCOrder } from './support/reference.js';
import { startStaticServer } from './support/static-server.js';

const NAMES = {
  cells: '細胞.ome.zarr',
  nucleus: 'Zellkern ü 細胞 #1.ome.zarr',
};

const skip =
  missing('shared fixtures', fixturesPresent()) ||
  missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent());

describe.skipIf(skip)('Unicode folder names', () => {
  let work: string;
  let bridge: Bridge;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zb-names-'));
    // A Zarr v2 image (passed through on /zarr/v2, transcoded on v3 and N5) and a sharded v3 one.
    cpSync(join(FIXTURES, 'generated/image_gzip.ome.zarr'), join(work, NAMES.cells), { recursive: true });
    cpSync(join(FIXTURES, 'generated/image_sharded.ome.zarr'), join(work, NAMES.nucleus), { recursive: true });
    bridge = await startBridge({ port: 0, open: [join(work, NAMES.cells), join(work, NAMES.nucleus)] });
  });
  afterAll(async () => {
    await bridge?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('mounts each folder under its own name', () => {
    expect(bridge.catalog.mounts().map((m) => m.path)).toEqual([`local/${NAMES.cells}`, `local/${NAMES.nucleus}`]);
  });

  it('names a remote mount after its decoded last segment', async () => {
    const upstream = await startStaticServer(work);
    try {
      const catalog = new Catalog();
      const mount = await mountRemote(catalog, `${upstream.url}/${encodeURIComponent(NAMES.nucleus)}/`);
      expect(mount.path).toBe(`remote/${NAMES.nucleus}`);
      const node = await catalog.resolve(`remote/${NAMES.nucleus}/0`, {});
      expect(node?.kind).toBe('array');
    } finally {
      await upstream.close();
    }
  });

  it('percent-encodes every segment of every URL it builds, and each one answers', async () => {
    const local = (await (await fetch(`${bridge.url}/catalog/local`)).json()) as CatalogNode;
    expect(local.children?.map((c) => c.path)).toEqual([`local/${NAMES.cells}`, `local/${NAMES.nucleus}`]);
    for (const name of Object.values(NAMES)) {
      const encoded = encodeURIComponent(name);
      expect(encoded).toContain('%'); // `#`, spaces and CJK never appear raw in a URL
      const node = (await (await fetch(`${bridge.url}/catalog/local/${encoded}`)).json()) as CatalogNode;
      expect(node.path).toBe(`local/${name}`);
      expect(node.name).toBe(name);
      expect(node.urls.zarrV3).toBe(`${bridge.url}/zarr/v3/local/${encoded}`);
      for (const url of Object.values(node.urls)) expect(url).not.toMatch(/[#\s\u0080-\uffff]/);
      // The viewer's copy targets: every probe answers, vizarr gets the v3 URL back intact.
      for (const target of copyTargets(node)) {
        if (target.probe) expect((await fetch(target.probe)).status, target.label).toBe(200);
        if (target.label === 'vizarr') {
          expect(new URL(target.text).searchParams.get('source')).toBe(node.urls.zarrV3);
        }
      }
      // Listings: absolute, encoded child URLs that answer.
      for (const face of ['zarr/v2', 'zarr/v3', 'n5']) {
        const listing = (await (await fetch(`${bridge.url}/${face}/local`)).json()) as string[];
        expect(listing).toContain(`${bridge.url}/${face}/local/${encoded}`);
      }
      expect((await fetch(`${bridge.url}/zarr/v2/local/${encoded}/.zattrs`)).status).toBe(200);
      expect((await fetch(`${bridge.url}/n5/local/${encoded}/attributes.json`)).status).toBe(200);
      expect((await fetch(`${bridge.url}/zarr/v3/local/${encoded}/zarr.json`)).status).toBe(200);
    }
  });

  it('reads every level value for value with zarr-python (/zarr/v2, /n5) and zarrita (/zarr/v3)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'zb-names-raw-'));
    try {
      const cases: PyCase[] = [];
      const levels: [string, string, number][] = [
        [NAMES.cells, 'image_gzip.ome.zarr', 3],
        [NAMES.nucleus, 'image_sharded.ome.zarr', 2],
      ];
      for (const [name, fixture, count] of levels) {
        for (let level = 0; level < count; level++) {
          const path = `local/${name}/${level}`;
          const arr = await zarr.open.v3(new zarr.FetchStore(`${bridge.url}/zarr/v3/${urlPath(path)}`), {
            kind: 'array',
          });
          const out = await zarr.get(arr);
          const formula = formulaFor(`generated/${fixture}`, String(level), out.shape);
          if (!formula) throw new Error(`no formula for ${fixture}/${level}`);
          const raw = dumpRaw(
            { shape: out.shape, dtype: arr.dtype, data: inCOrder(out.data as never, out.shape, out.stride) },
            join(tmp, `${cases.length}.bin`),
          );
          if (!raw) throw new Error(`no raw dump of ${path}`);
          const id = `${name}/${level}`;
          cases.push({
            id: `v2:${id}`,
            url: `${bridge.url}/zarr/v2/${urlPath(path)}`,
            format: 'zarr2',
            reference: formula,
          });
          cases.push({
            id: `n5:${id}`,
            url: `${bridge.url}/n5/${urlPath(`local/${name}`)}`,
            path: `s${level}`,
            format: 'n5',
            reference: formula,
          });
          cases.push({ id: `zarrita:${id}`, url: '', format: 'zarr2', servedRaw: raw, reference: formula });
        }
      }
      const results = await readBackWithPython(cases);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.length).toBe(15);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
