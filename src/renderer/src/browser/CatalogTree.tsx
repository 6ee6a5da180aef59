/**
 * Lazy tree of the bridge's catalog: mounts → groups → images, loaded from /catalog as nodes expand.
 * The filter searches the whole tree (catalogSearch.ts: lazily, bounded) and shows the way to each match.
 */
import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import type { CatalogChild, CatalogNode } from '../../../shared/catalog';
import { humanError } from '../api/humanError';
import { fetchCatalog } from '../data/catalogClient';
import { knownMatches, leadsToMatch, nameMatches, type SearchResult, searchCatalog } from './catalogSearch';
import '../ui.css';

const OPENABLE = new Set(['image', 'array', 'plate']);
/** Kinds that can join other layers (a plate is a grid of its own). */
const LAYERABLE = new Set(['image', 'array', 'bioformats2raw']);
const EXPANDABLE = new Set(['root', 'group', 'plate', 'well', 'labels', 'bioformats2raw', 'image']);
/** Typing pauses this long before a search starts, so each keystroke does not start one. */
const SEARCH_DELAY_MS = 250;

type Handlers = {
  selected?: string;
  onOpen: (path: string) => void;
  /** Present when an image is open: "Add as layer" next to "Open". */
  onAdd?: (path: string) => void;
  onError: (msg: string) => void;
};

/** What the filter found, for the items: undefined when no filter is active (or under a match). */
interface Found {
  query: string;
  matches: Set<string>;
}

/** Catalog nodes loaded so far, by path: shared by the tree and the search so neither loads one twice. */
const KnownNodes = createContext<Map<string, CatalogNode>>(new Map());

/** `z 20 × y 600 × x 1100` when axis names are known, else `20×600×1100`. */
export function shapeText(shape: number[], axes?: string[] | null): string {
  if (axes && axes.length === shape.length) return shape.map((n, i) => `${axes[i]} ${n}`).join(' × ');
  return shape.join('×');
}

function describe(node?: CatalogNode, child?: CatalogChild): string {
  const levels = node?.levels ?? [];
  const summary = child?.image;
  if (summary) {
    const n = summary.levels;
    return `${shapeText(summary.shape, summary.axes)} ${summary.dtype} · ${n} level${n === 1 ? '' : 's'}`;
  }
  const level = levels[0] ?? child?.array;
  if (!level) return '';
  const axes = level.dimensionNames ?? node?.ome?.multiscales?.[0]?.axes.map((a) => a.name);
  const count = levels.length ? ` · ${levels.length} level${levels.length === 1 ? '' : 's'}` : '';
  return `${shapeText(level.shape, axes)} ${level.dtype}${count}`;
}

/** The kind as a person names it: BossDB's own levels, else the catalog kind. */
function kindText(child: CatalogChild): { text: string; title: string } {
  if (child.bossdb) return { text: child.bossdb, title: `BossDB ${child.bossdb}` };
  if (child.path === 'bossdb') return { text: 'BossDB', title: 'BossDB: collections → experiments → channels' };
  return { text: child.kind, title: child.kind };
}

function TreeItem(props: { child: CatalogChild; found?: Found } & Handlers): React.JSX.Element | null {
  const { child, found, selected, onOpen, onAdd, onError } = props;
  const known = useContext(KnownNodes);
  const [userOpen, setUserOpen] = useState<boolean>();
  const [node, setNode] = useState<CatalogNode | undefined>(() => known.get(child.path));
  const onTheWay = found !== undefined && leadsToMatch(child.path, found.matches);
  const isMatch = found?.matches.has(child.path) === true;
  // On the way to a match: open (until the user closes it), so the match shows without clicking.
  const open = userOpen ?? onTheWay;
  const loaded = node ?? known.get(child.path);
  useEffect(() => {
    if (!open || loaded) return;
    const ctl = new AbortController();
    fetchCatalog(child.path, ctl.signal)
      .then((n) => {
        known.set(child.path, n);
        setNode(n);
      })
      .catch((e: unknown) => ctl.signal.aborted || onError(humanError(e, `Could not list ${child.path}`)));
    return () => ctl.abort();
  }, [open, loaded, child.path, onError, known]);

  if (found && !isMatch && !onTheWay) return null;
  const canExpand = EXPANDABLE.has(child.kind);
  const kind = kindText(child);
  const meta = describe(loaded, child);
  // Under a match every child shows (the match is the context); on the way to one, only what leads on.
  const childFound = onTheWay ? found : undefined;
  return (
    <li className={`tree-item kind-${child.kind}${isMatch ? ' match' : ''}`}>
      <div className={`tree-row${selected === child.path ? ' selected' : ''}`}>
        {canExpand ? (
          <button
            type="button"
            className="twisty"
            aria-label={`${open ? 'Collapse' : 'Expand'} ${child.name}`}
            aria-expanded={open}
            onClick={() => setUserOpen(!open)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="twisty" />
        )}
        <button
          type="button"
          className="tree-name"
          data-testid={`tree-${child.path}`}
          title={OPENABLE.has(child.kind) ? `Open ${child.path} (replaces the open layers)` : child.path}
          onClick={() => (OPENABLE.has(child.kind) ? onOpen(child.path) : setUserOpen(!open))}
        >
          {child.name}
        </button>
        {onAdd && LAYERABLE.has(child.kind) && (
          <button
            type="button"
            className="add-layer"
            title={`Add ${child.path} as a layer over the open image`}
            aria-label={`Add ${child.name} as a layer`}
            data-testid={`add-layer-${child.path}`}
            onClick={() => onAdd(child.path)}
          >
            + layer
          </button>
        )}
        <span className="kind" title={kind.title} data-testid={`kind-${child.path}`}>
          {kind.text}
        </span>
        <span className="meta" data-testid={`meta-${child.path}`}>
          {meta}
        </span>
      </div>
      {open && loaded?.children && (
        <ul>
          {loaded.children.map((c) => (
            <TreeItem
              key={c.path}
              child={c}
              found={childFound}
              selected={selected}
              onOpen={onOpen}
              onAdd={onAdd}
              onError={onError}
            />
          ))}
        </ul>
      )}
    </li>
  );
}

/** Progress and outcome of the filter's search, in words. */
function SearchStatus({ query, result }: { query: string; result?: SearchResult }): React.JSX.Element {
  const folders = (n: number) => `${n} folder${n === 1 ? '' : 's'}`;
  let text = 'Searching…';
  if (result && !result.done) text = `Searching… ${folders(result.read)} read`;
  if (result?.done) {
    const capped = result.leftOut > 0 ? ` The search stopped at its limit: expand a folder to look deeper.` : '';
    text =
      result.matches.size === 0
        ? `No matches for “${query}” in ${folders(result.read)}.${capped}`
        : `${result.matches.size} match${result.matches.size === 1 ? '' : 'es'} in ${folders(result.read)}.${capped}`;
  }
  return (
    <output
      className={`search-status${result?.done && result.matches.size === 0 ? ' no-matches' : ''}`}
      data-testid={result?.done && result.matches.size === 0 ? 'no-matches' : 'search-progress'}
    >
      {text}
    </output>
  );
}

export function CatalogTree(props: { refresh: number } & Handlers): React.JSX.Element {
  const [root, setRoot] = useState<CatalogNode>();
  const [filter, setFilter] = useState('');
  const [result, setResult] = useState<SearchResult>();
  const { onError } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new map per `refresh`: a mount changes the tree.
  const known = useMemo(() => new Map<string, CatalogNode>(), [props.refresh]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` is the signal to reload the root after a mount.
  useEffect(() => {
    const ctl = new AbortController();
    fetchCatalog('', ctl.signal)
      .then(setRoot)
      .catch((e: unknown) => ctl.signal.aborted || onError(humanError(e, 'Could not read the catalog')));
    return () => ctl.abort();
  }, [props.refresh, onError]);

  const query = filter.trim();
  useEffect(() => {
    setResult(undefined);
    if (!root || !query) return;
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      void searchCatalog(root, query, fetchCatalog, known, (r) => ctl.signal.aborted || setResult(r), ctl.signal);
    }, SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [root, query, known]);

  // Top-level names match at once, before the search has read anything.
  const found: Found | undefined = query
    ? {
        query,
        matches: new Set([
          ...(result?.matches ?? []),
          ...knownMatches(known, query),
          ...(root?.children ?? []).filter((c) => nameMatches(c.name, query)).map((c) => c.path),
        ]),
      }
    : undefined;
  const empty = root && (root.children ?? []).length === 0;
  return (
    <section className="catalog" aria-label="Catalog">
      <input
        type="search"
        placeholder="Filter…"
        value={filter}
        aria-label="Filter catalog"
        data-testid="catalog-filter"
        onChange={(e) => setFilter(e.target.value)}
      />
      {query && !empty && <SearchStatus query={query} result={result} />}
      {!root && <p className="muted">Loading catalog…</p>}
      {empty && (
        <div className="empty-state" data-testid="empty-state">
          <p>Nothing is mounted yet.</p>
          <p>
            Use <strong>Open folder…</strong> below with the absolute path of an OME-Zarr, Zarr or N5 folder, a
            TIFF/OME-TIFF file or a folder of image slices, or <strong>Add remote URL…</strong> for a Zarr over HTTP(S).
            Start the bridge with <code>--open PATH</code> or <code>--remote URL</code> to mount them at launch.
          </p>
        </div>
      )}
      <KnownNodes.Provider value={known}>
        {root?.children && root.children.length > 0 && (
          <ul className="tree">
            {root.children.map((c) => (
              <TreeItem
                key={`${props.refresh}-${c.path}`}
                child={c}
                found={found}
                selected={props.selected}
                onOpen={props.onOpen}
                onAdd={props.onAdd}
                onError={onError}
              />
            ))}
          </ul>
        )}
      </KnownNodes.Provider>
    </section>
  );
}
