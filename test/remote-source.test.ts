/**
 * A remote OME-Zarr (a plain static HTTP server that cannot list folders),
 * mounted with `--remote`: its tree is discovered from the OME metadata, it
 * reads back identically through the faces, and upstream failures become
 * 502 JSON errors — never a 404 (which readers take as "empty") and never
 * fill values.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { FIXTURES, fixturesPresent, missing, pythonZarrPresent } from './support/env.js';
import { formulaFor } from './support/formulas.js';
import { readBackWithPython } from './support/python.js';
import { type StaticServer, startStaticServer } from './support/static-server.js';

const skip =
  missing('shared fixtures', fixturesPresent()) ||
  missing('Debian python3-zarr (/usr/bin/python3)', pythonZarrPresent());

describe.skipIf(skip)('remote source', () => {
  let upstream: StaticServer;
  let bridge: Bridge;

  beforeAll(async () => {
    upstream = await startStaticServer(join(FIXTURES, 'generated'));
    bridge = await startBridge({
      port: 0,
      remote: [`${upstream.url}/image_blosc.ome.zarr`, `${upstream.url}/plate.ome.zarr`],
    });
  });
  afterAll(async () => {
    await bridge?.close();
    await upstream?.close();
  });

  it('mounts at remote/<name> and finds children from the OME metadata', async () => {
    const root = (await (await fetch(`${bridge.url}/zarr/v2/remote`)).json()) as string[];
    expect(root).toEqual([
      `${bridge.url}/zarr/v2/remote/image_blosc.ome.zarr`,
      `${bridge.url}/zarr/v2/remote/plate.ome.zarr`,
    ]);
    const image = (await (await fetch(`${bridge.url}/zarr/v2/remote/image_blosc.ome.zarr`)).json()) as string[];
    expect(image.map((u) => u.slice(u.lastIndexOf('/') + 1)).sort()).toEqual(['0', '1', '2', 'labels']);
    const plate = (await (await fetch(`${bridge.url}/catalog/remote/plate.ome.zarr/A/1`)).json()) as {
      kind: string;
      children: { name: string }[];
    };
    expect(plate.kind).toBe('well');
    expect(plate.children.map((c) => c.name)).toEqual(['0', '1']);
  });

  it('reads back identically with zarr-python on /zarr/v2 and /n5', async () => {
    const cases = ['0', '1', '2', 'labels/cells/0'].flatMap((rel) => {
      const shape =
        rel === '0'
          ? [2, 2, 8, 120, 136]
          : rel === '1'
            ? [2, 2, 8, 60, 68]
            : rel === '2'
              ? [2, 2, 8, 30, 34]
              : [2, 1, 8, 120, 136];
      const reference = formulaFor('generated/image_blosc.ome.zarr', rel, shape)!;
      const path = `remote/image_blosc.ome.zarr/${rel}`;
      return [
        { id: `v2:${rel}`, url: `${bridge.url}/zarr/v2/${path}`, format: 'zarr2' as const, reference },
        {
          id: `n5:${rel}`,
          url: `${bridge.url}/n5/${path.slice(0, path.lastIndexOf('/'))}`,
          path: rel.includes('/') ? '0' : `s${rel}`,
          format: 'n5' as const,
          reference,
        },
      ];
    });
    const results = await readBackWithPython(cases);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBe(8);
  });

  it('turns upstream failures into 502 JSON, not 404 and not fill values', async () => {
    // A remote added at run time, as the viewer's "Add remote URL…" does; nothing of it is cached yet.
    const added = await fetch(`${bridge.url}/control/remote`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `${upstream.url}/image_gzip.ome.zarr` }),
    });
    expect(await added.json()).toEqual({ path: 'remote/image_gzip.ome.zarr' });
    upstream.failPrefix = '/image_gzip.ome.zarr/2/1';
    try {
      const res = await fetch(`${bridge.url}/zarr/v3/remote/image_gzip.ome.zarr/2/c/1/0/0/0/0`);
      expect(res.status).toBe(502);
      const body = (await res.json()) as { error: string; detail: string };
      expect(body.error).toBe('Upstream');
      const v2 = await fetch(`${bridge.url}/zarr/v2/remote/image_gzip.ome.zarr/2/1/1/0/0/0`);
      expect(v2.status).toBe(502);
    } finally {
      upstream.failPrefix = undefined;
    }
    // Failures are not cached: the same chunk reads once the upstream recovers.
    expect((await fetch(`${bridge.url}/zarr/v3/remote/image_gzip.ome.zarr/2/c/1/0/0/0/0`)).status).toBe(200);
    expect((await fetch(`${bridge.url}/zarr/v2/remote/image_gzip.ome.zarr/2/1/1/0/0/0`)).status).toBe(200);
  });
});
