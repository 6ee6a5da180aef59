/**
 * The catalog filter's search of the whole tree: breadth first from the root, loading folders the tree has
 * not loaded yet, bounded in depth, in requests and in requests at once, so a huge mount (BossDB, a
 * 1536-well plate) cannot flood the bridge. Nodes already loaded are reused without a request.
 */
import type { CatalogChild, CatalogNode } from '../../../shared/catalog';

export interface SearchLimits {
  /** Levels below the root to look into (`local/a/b` is depth 3). */
  maxDepth: number;
  /** Catalog requests one search may make. */
  maxRequests: number;
  /** Requests in flight at once. */
  concurrency: number;
}

export const SEARCH_LIMITS: SearchLimits = { maxDepth: 8, maxRequests: 150, concurrency: 3 };

/**
 * Kinds whose children are worth searching. Images are not opened: their children are pyramid levels
 * and labels, which the layer panel shows.
 */
const SEARCHED = new Set(['root', 'group', 'plate', 'well', 'labels', 'bioformats2raw']);

export interface SearchResult {
  /** Paths whose name matches. */
  matches: Set<string>;
  /** Folders read (from the bridge or already loaded) and requests made. */
  read: number;
  requests: number;
  /** Folders that could not be read (they are skipped, not reported: the tree reports errors when expanded). */
  failed: number;
  /** Folders left unread when a limit was reached. */
  leftOut: number;
  done: boolean;
}

export function nameMatches(name: string, query: string): boolean {
  return name.toLowerCase().includes(query.trim().toLowerCase());
}

/** True when `path` lies on the way to a match (so the tree shows it, expanded). */
export function leadsToMatch(path: string, matches: Set<string>): boolean {
  const prefix = `${path}/`;
  for (const m of matches) if (m.startsWith(prefix)) return true;
  return false;
}

/** Matches among the folders already loaded: shown at once, while the search reads the rest. */
export function knownMatches(known: Map<string, CatalogNode>, query: string): string[] {
  const out: string[] = [];
  for (const node of known.values())
    for (const c of node.children ?? []) if (nameMatches(c.name, query)) out.push(c.path);
  return out;
}

/**
 * Searches below `root` for names containing `query`; `known` holds (and receives) loaded nodes, `onUpdate`
 * gets the growing result after each folder. Resolves with the final result; an aborted search stops quietly.
 */
export async function searchCatalog(
  root: CatalogNode,
  query: string,
  load: (path: string, signal: AbortSignal) => Promise<CatalogNode>,
  known: Map<string, CatalogNode>,
  onUpdate: (r: SearchResult) => void,
  signal: AbortSignal,
  limits: SearchLimits = SEARCH_LIMITS,
): Promise<SearchResult> {
  const result: SearchResult = { matches: new Set(), read: 0, requests: 0, failed: 0, leftOut: 0, done: false };
  const queue: { child: CatalogChild; depth: number }[] = [];
  const visit = (children: CatalogChild[] | undefined, depth: number) => {
    for (const c of children ?? []) {
      if (nameMatches(c.name, query)) result.matches.add(c.path);
      if (SEARCHED.has(c.kind) && depth <= limits.maxDepth) queue.push({ child: c, depth });
    }
  };
  visit(root.children, 1);

  const readOne = async (child: CatalogChild, depth: number) => {
    let node = known.get(child.path);
    if (!node) {
      result.requests += 1;
      try {
        node = await load(child.path, signal);
        known.set(child.path, node);
      } catch {
        if (signal.aborted) return;
        result.failed += 1;
        return;
      }
    }
    result.read += 1;
    visit(node.children, depth + 1);
  };

  // Breadth first through a bounded pool: whenever a read ends, the shallowest folders left start next.
  await new Promise<void>((resolve) => {
    let active = 0;
    const pump = () => {
      while (!signal.aborted && active < limits.concurrency && queue.length > 0) {
        const next = queue.shift() as (typeof queue)[number];
        if (!known.has(next.child.path) && result.requests >= limits.maxRequests) {
          result.leftOut += 1;
          continue;
        }
        active += 1;
        void readOne(next.child, next.depth).finally(() => {
          active -= 1;
          if (!signal.aborted) onUpdate({ ...result, matches: new Set(result.matches) });
          pump();
        });
      }
      if (active === 0) resolve();
    };
    pump();
  });
  result.done = !signal.aborted;
  if (!signal.aborted) onUpdate({ ...result, matches: new Set(result.matches) });
  return result;
}
