/**
 * A viewer browsing BossDB while an export reads it: how long the viewer's chunk waits when its cutout goes
 * before the export's (the bridge's order) and when it waits in line with them (the same read marked bulk),
 * in interleaved rounds against the fixture answering each cutout after `latencyMs`.
 */
import type { ArrayNode, CatalogNode } from '../src/bridge/model/node.js';
import { createBossdbSource } from '../src/bridge/sources/bossdb/index.js';
import { BoxReader } from '../src/bridge/writer/box-reader.js';
import { FIXTURE_TOKEN, startBossdbFixture } from '../test/bossdb-fixture/index.js';

export interface ViewerDuringExport {
  /** Cuboids the export reads. */
  cuboids: number;
  /** Milliseconds the viewer's chunk took, per round: its cutout first, and in line (bulk). */
  firstMs: number[];
  inLineMs: number[];
}

async function level(root: CatalogNode): Promise<ArrayNode> {
  let node: CatalogNode | undefined = root;
  for (const name of ['zb_public', 'big', 'em', '0'])
    node = node?.kind === 'group' ? await node.child(name, {}) : undefined;
  if (node?.kind !== 'array') throw new Error('zb_public/big/em/0 is not an array');
  return node;
}

export async function viewerDuringExport(latencyMs = 100, rounds = 5): Promise<ViewerDuringExport> {
  const fixture = await startBossdbFixture({ memoizeCutouts: true });
  const result: ViewerDuringExport = { cuboids: 64, firstMs: [], inLineMs: [] };
  try {
    for (let round = 0; round < 2 * rounds; round++) {
      const inLine = round % 2 === 1;
      // A fresh source each round (no cached blocks), with BossDB's four cutouts in flight.
      const source = createBossdbSource({ url: fixture.url, token: FIXTURE_TOKEN, cacheBytes: 0 });
      const node = await level(source.root);
      const rank = node.meta.shape.length;
      const start = Array<number>(rank).fill(0);
      const shape = [...node.meta.chunkShape];
      shape[rank - 1] = 16 * 512;
      shape[rank - 2] = 4 * 512;
      fixture.settings.latencyMs = latencyMs;
      const exported = new BoxReader(node, 0).read({ start, shape }, {});
      while (source.stats().waiting === 0) await new Promise((r) => setTimeout(r, 5));
      // A chunk of a cuboid the export does not read.
      const coords = Array<number>(rank).fill(0);
      coords[rank - 1] = (20 * 512) / node.meta.chunkShape[rank - 1]!;
      const asked = performance.now();
      await node.readChunk(coords, inLine ? { bulk: true } : {});
      (inLine ? result.inLineMs : result.firstMs).push(performance.now() - asked);
      await exported;
      fixture.settings.latencyMs = 0;
    }
  } finally {
    await fixture.close();
  }
  return result;
}
