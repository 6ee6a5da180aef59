/**
 * The catalog filter's whole-tree search: it finds names deep down, reads breadth first, never has more
 * requests in flight than its limit, stops at its request budget (saying how much it left out), reuses
 * folders already loaded, and ends with no matches when there are none.
 */
import { describe, expect, it } from 'vitest';
import { leadsToMatch, SEARCH_LIMITS, searchCatalog } from '../src/renderer/src/browser/catalogSearch.js';
import type { CatalogChild, CatalogKind, CatalogNode } from '../src/shared/catalog.js';

/** A synthetic catalog: `local/g<i>/s<j>/img<k>` for i < groups, j < subgroups, k < images. */
function tree(groups: number, subgroups: number, images: number): Map<string, CatalogNode> {
  const nodes = new Map<string, CatalogNode>();
  const child = (path: string, kind: CatalogKind): CatalogChild => ({ name: path.split('/').pop() ?? '', path, kind });
  const add = (path: string, kind: CatalogKind, children: CatalogChild[]) =>
    nodes.set(path, { path, name: path.split('/').pop() ?? '', kind, urls: {} as CatalogNode['urls'], children });
  add('', 'root', [child('local', 'group')]);
  add(
    'local',
    'group',
    Array.from({ length: groups }, (_, i) => child(`local/g${i}`, 'group')),
  );
  for (let i = 0; i < groups; i++) {
    add(
      `local/g${i}`,
      'group',
      Array.from({ length: subgroups }, (_, j) => child(`local/g${i}/s${j}`, 'group')),
    );
    for (let j = 0; j < subgroups; j++)
      add(
        `local/g${i}/s${j}`,
        'group',
        Array.from({ length: images }, (_, k) => child(`local/g${i}/s${j}/img${i}_${j}_${k}`, 'image')),
      );
  }
  return nodes;
}

function loader(nodes: Map<string, CatalogNode>) {
  const stats = { requests: 0, inFlight: 0, maxInFlight: 0, order: [] as string[] };
  const load = async (path: string): Promise<CatalogNode> => {
    stats.requests += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    stats.order.push(path);
    await new Promise((r) => setTimeout(r, 1));
    stats.inFlight -= 1;
    const node = nodes.get(path);
    if (!node) throw new Error(`no such node: ${path}`);
    return node;
  };
  return { load, stats };
}

describe('catalog search', () => {
  it('finds a name four levels down, breadth first, within its concurrency', async () => {
    const nodes = tree(4, 3, 2);
    const { load, stats } = loader(nodes);
    const result = await searchCatalog(
      nodes.get('') as CatalogNode,
      'IMG2_1_1',
      load,
      new Map(),
      () => {},
      new AbortController().signal,
    );
    expect([...result.matches]).toEqual(['local/g2/s1/img2_1_1']);
    expect(result.done).toBe(true);
    expect(result.leftOut).toBe(0);
    // local, 4 groups, 12 subgroups; images are not opened.
    expect(stats.requests).toBe(1 + 4 + 12);
    expect(stats.maxInFlight).toBeLessThanOrEqual(SEARCH_LIMITS.concurrency);
    expect(stats.maxInFlight).toBeGreaterThan(1);
    // Breadth first: every group is read before any subgroup.
    const lastGroup = Math.max(...[0, 1, 2, 3].map((i) => stats.order.indexOf(`local/g${i}`)));
    const firstSub = stats.order.findIndex((p) => /\/s\d+$/.test(p));
    expect(lastGroup).toBeLessThan(firstSub);
    expect(leadsToMatch('local/g2', result.matches)).toBe(true);
    expect(leadsToMatch('local/g1', result.matches)).toBe(false);
  });

  it('stops at its request budget on a big tree and says how much it left out', async () => {
    const nodes = tree(60, 20, 1);
    const { load, stats } = loader(nodes);
    const limits = { ...SEARCH_LIMITS, maxRequests: 40 };
    const updates: number[] = [];
    const result = await searchCatalog(
      nodes.get('') as CatalogNode,
      'nothing-like-this',
      load,
      new Map(),
      (r) => updates.push(r.read),
      new AbortController().signal,
      limits,
    );
    expect(stats.requests).toBe(40);
    expect(result.matches.size).toBe(0);
    expect(result.done).toBe(true);
    expect(result.leftOut).toBeGreaterThan(0);
    // Progress is reported as it goes, not only at the end.
    expect(updates.length).toBeGreaterThan(10);
    expect(updates).toEqual([...updates].sort((a, b) => a - b));
  });

  it('reuses folders already loaded: a second search asks for nothing it knows', async () => {
    const nodes = tree(3, 2, 2);
    const known = new Map<string, CatalogNode>();
    const first = loader(nodes);
    await searchCatalog(nodes.get('') as CatalogNode, 'img', first.load, known, () => {}, new AbortController().signal);
    const second = loader(nodes);
    const result = await searchCatalog(
      nodes.get('') as CatalogNode,
      'img0_1',
      second.load,
      known,
      () => {},
      new AbortController().signal,
    );
    expect(second.stats.requests).toBe(0);
    expect([...result.matches].sort()).toEqual(['local/g0/s1/img0_1_0', 'local/g0/s1/img0_1_1']);
  });

  it('an aborted search stops without finishing', async () => {
    const nodes = tree(20, 10, 1);
    const { load, stats } = loader(nodes);
    const ctl = new AbortController();
    const running = searchCatalog(nodes.get('') as CatalogNode, 'x', load, new Map(), () => ctl.abort(), ctl.signal);
    const result = await running;
    expect(result.done).toBe(false);
    expect(stats.requests).toBeLessThanOrEqual(SEARCH_LIMITS.concurrency + 1);
  });
});
