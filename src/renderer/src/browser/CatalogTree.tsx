/** Lazy tree of the bridge's catalog: mounts → groups → images, loaded from /catalog as nodes expand. */
import { useEffect, useState } from 'react';
import type { CatalogChild, CatalogNode } from '../../../shared/catalog';
import { fetchCatalog } from '../data/catalogClient';

const OPENABLE = new Set(['image', 'array', 'plate']);
/** Kinds that can join other layers (a plate is a grid of its own). */
const LAYERABLE = new Set(['image', 'array', 'bioformats2raw']);

type Handlers = {
  selected?: string;
  onOpen: (path: string) => void;
  /** Present when an image is open: "Add as layer" next to "Open". */
  onAdd?: (path: string) => void;
  onError: (msg: string) => void;
};
const EXPANDABLE = new Set(['root', 'group', 'plate', 'well', 'labels', 'bioformats2raw', 'image']);

function describe(node?: CatalogNode, child?: CatalogChild): string {
  const level = node?.levels?.[0] ?? child?.array;
  if (!level) return '';
  const levels = node?.levels ? ` · ${node.levels.length} level${node.levels.length === 1 ? '' : 's'}` : '';
  return `${level.shape.join('×')} ${level.dtype}${levels}`;
}

function TreeItem(props: { child: CatalogChild; filter: string } & Handlers): React.JSX.Element | null {
  const { child, filter, selected, onOpen, onAdd, onError } = props;
  const [open, setOpen] = useState(false);
  const [node, setNode] = useState<CatalogNode>();
  useEffect(() => {
    if (!open || node) return;
    const ctl = new AbortController();
    fetchCatalog(child.path, ctl.signal)
      .then(setNode)
      .catch((e: Error) => ctl.signal.aborted || onError(e.message));
    return () => ctl.abort();
  }, [open, node, child.path, onError]);

  const hit = (name: string) => name.toLowerCase().includes(filter.toLowerCase());
  // An open node stays while one of its loaded children matches, so matches deeper down remain reachable.
  const matches = !filter || hit(child.name) || (open && (node?.children ?? []).some((c) => hit(c.name)));
  if (!matches) return null;
  const canExpand = EXPANDABLE.has(child.kind);
  return (
    <li className={`tree-item kind-${child.kind}`}>
      <div className={`tree-row${selected === child.path ? ' selected' : ''}`}>
        {canExpand ? (
          <button
            type="button"
            className="twisty"
            aria-label={open ? 'collapse' : 'expand'}
            onClick={() => setOpen(!open)}
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
          onClick={() => (OPENABLE.has(child.kind) ? onOpen(child.path) : setOpen(!open))}
        >
          {child.name}
        </button>
        {onAdd && LAYERABLE.has(child.kind) && (
          <button
            type="button"
            className="add-layer"
            title={`Add ${child.path} as a layer over the open image`}
            aria-label={`add ${child.name} as layer`}
            data-testid={`add-layer-${child.path}`}
            onClick={() => onAdd(child.path)}
          >
            + layer
          </button>
        )}
        <span className="kind">{child.kind}</span>
        <span className="meta">{describe(node, child)}</span>
      </div>
      {open && node?.children && (
        <ul>
          {node.children.map((c) => (
            <TreeItem
              key={c.path}
              child={c}
              filter={filter}
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

export function CatalogTree(props: { refresh: number } & Handlers): React.JSX.Element {
  const [root, setRoot] = useState<CatalogNode>();
  const [filter, setFilter] = useState('');
  const { onError } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` is the signal to reload the root after a mount.
  useEffect(() => {
    const ctl = new AbortController();
    fetchCatalog('', ctl.signal)
      .then(setRoot)
      .catch((e: Error) => ctl.signal.aborted || onError(e.message));
    return () => ctl.abort();
  }, [props.refresh, onError]);

  const empty = root && (root.children ?? []).length === 0;
  return (
    <section className="catalog" aria-label="Catalog">
      <input
        type="search"
        placeholder="Filter…"
        value={filter}
        aria-label="Filter catalog"
        onChange={(e) => setFilter(e.target.value)}
      />
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
      {root?.children && root.children.length > 0 && (
        <ul className="tree">
          {root.children.map((c) => (
            <TreeItem
              key={`${props.refresh}-${c.path}`}
              child={c}
              filter={filter}
              selected={props.selected}
              onOpen={props.onOpen}
              onAdd={props.onAdd}
              onError={onError}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
