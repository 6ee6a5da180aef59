/**
 * Every other tile first, then the ones between. Sources often read blocks larger than a tile (a BossDB
 * cuboid holds 2×2 of the bridge's chunks; a shard holds many), and a browser sends at most six requests to
 * one host at a time: in grid order the first six would all fall in one or two blocks, and the next blocks'
 * reads would start only when those answered. Spread out, the first requests start every block at once.
 */
export function spreadOrder<T extends { x: number; y: number }>(tiles: readonly T[]): T[] {
  const rank = (t: T) => (t.y % 2) * 2 + (t.x % 2);
  return tiles
    .map((t, i) => ({ t, i }))
    .sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i)
    .map(({ t }) => t);
}
