/**
 * The BossDB benchmark: a Neuroglancer-like session against the BossDB
 * fixture with 100 ms latency per cutout — every served block of a
 * 2048×2048×32 region at level 0, then the same region at levels 1 and 2 —
 * through the bridge, next to a naive proxy (one exact cutout per block, no
 * cache) measured in the same run.
 */
import { gzipSync } from 'node:zlib';
import { startBridge } from '../src/bridge/bridge.js';
import { BossdbClient } from '../src/bridge/sources/bossdb/index.js';
import { startBossdbFixture } from '../test/bossdb-fixture/index.js';
import { runPool } from './pool.js';

const CHANNEL = { collection: 'zb_public', experiment: 'big', channel: 'em' } as const;
const CHUNK = [256, 256, 16] as const; // x, y, z: the bridge's served block for BossDB
const SMALL = [128, 128, 16] as const;
const CONNECTIONS = 6;

interface Block {
  level: number;
  x: number;
  y: number;
  z: number;
}

/** Blocks of `chunk` covering [0, size) in x, y and [0, depth) in z at each level (anisotropic: z kept). */
function session(size: number, depth: number, levels: number[], chunk: readonly number[] = CHUNK): Block[] {
  const blocks: Block[] = [];
  for (const level of levels) {
    const s = size >> level;
    for (let z = 0; z < depth / chunk[2]; z++)
      for (let y = 0; y < Math.ceil(s / chunk[1]); y++)
        for (let x = 0; x < Math.ceil(s / chunk[0]); x++) blocks.push({ level, x, y, z });
  }
  return blocks;
}

export interface SessionResult {
  name: string;
  blocks: number;
  upstreamCutouts: number;
  amplification: number;
  wallMs: number;
}

async function viaBridge(name: string, blocks: Block[], latencyMs: number): Promise<SessionResult> {
  const fixture = await startBossdbFixture();
  fixture.settings.latencyMs = latencyMs;
  const bridge = await startBridge({ port: 0, bossdb: { url: fixture.url } });
  try {
    const base = `${bridge.url}/zarr/v3/bossdb/${CHANNEL.collection}/${CHANNEL.experiment}/${CHANNEL.channel}`;
    // Metadata as a viewer reads it first, outside the timed part.
    for (const level of new Set(blocks.map((b) => b.level)))
      await (await fetch(`${base}/${level}/zarr.json`)).arrayBuffer();
    const before = { ...fixture.counters };
    const started = performance.now();
    await runPool(
      blocks.map((b) => async () => {
        const res = await fetch(`${base}/${b.level}/c/${b.z}/${b.y}/${b.x}`);
        if (res.status !== 200) throw new Error(`block ${JSON.stringify(b)}: HTTP ${res.status}`);
        await res.arrayBuffer();
      }),
      CONNECTIONS,
    );
    const wallMs = performance.now() - started;
    const cutouts = fixture.counters.cutoutsServed - before.cutoutsServed;
    const voxels = fixture.counters.voxelsServed - before.voxelsServed;
    return {
      name,
      blocks: blocks.length,
      upstreamCutouts: cutouts,
      amplification: voxels / (blocks.length * CHUNK[0] * CHUNK[1] * CHUNK[2]),
      wallMs,
    };
  } finally {
    await bridge.close();
    await fixture.close();
  }
}

/** What a proxy without cuboid alignment or cache does: one cutout per block asked for (of `chunk` voxels). */
async function naive(
  name: string,
  blocks: Block[],
  latencyMs: number,
  chunk: readonly [number, number, number] = CHUNK,
): Promise<SessionResult> {
  const fixture = await startBossdbFixture();
  fixture.settings.latencyMs = latencyMs;
  const client = new BossdbClient({ url: fixture.url });
  try {
    const started = performance.now();
    await runPool(
      blocks.map((b) => async () => {
        const x0 = b.x * chunk[0];
        const y0 = b.y * chunk[1];
        const z0 = b.z * chunk[2];
        const cut = await client.cutout({
          ...CHANNEL,
          resolution: b.level,
          x: [x0, x0 + chunk[0]],
          y: [y0, y0 + chunk[1]],
          z: [z0, z0 + chunk[2]],
          datatype: 'uint8',
        });
        gzipSync(cut.bytes, { level: 1 });
      }),
      CONNECTIONS,
    );
    const wallMs = performance.now() - started;
    const voxels = fixture.counters.voxelsServed;
    return {
      name,
      blocks: blocks.length,
      upstreamCutouts: fixture.counters.cutoutsServed,
      amplification: voxels / (blocks.length * chunk[0] * chunk[1] * chunk[2]),
      wallMs,
    };
  } finally {
    await fixture.close();
  }
}

export async function bossdbBench(latencyMs = 100): Promise<SessionResult[]> {
  const full = session(2048, 32, [0, 1, 2]);
  // A cuboid-aligned 1024×1024×16 region at level 0: 4 storage cuboids.
  const region = session(1024, 16, [0]);
  return [
    await viaBridge('bridge: 2048²×32 L0, then L1–2', full, latencyMs),
    await naive('naive proxy: same session', full, latencyMs),
    await viaBridge('bridge: aligned 1024²×16 L0', region, latencyMs),
    await naive('naive proxy: aligned 1024²×16 L0', region, latencyMs),
    // The yardstick: a naive proxy serving 128×128×16 blocks.
    await naive('naive proxy, 128²×16 blocks: aligned 1024²×16 L0', session(1024, 16, [0], SMALL), latencyMs, SMALL),
  ];
}
