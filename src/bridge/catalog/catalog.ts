/**
 * One tree over every source: `local/<name>`, `remote/<name>`, `bossdb/…`.
 * Mount names are made unique with `-2`, `-3`…; the tree itself is
 * format-neutral and the faces read nothing else.
 */
import { basename } from 'node:path';
import { BridgeError } from '../errors.js';
import type { CatalogNode, GroupNode, IoOptions } from '../model/node.js';

export type MountKind = 'local' | 'remote' | 'bossdb';

export interface Mount {
  kind: MountKind;
  name: string;
  /** Catalog path: `local/<name>`. */
  path: string;
  /** Where it comes from: a folder, a URL, a BossDB API. */
  origin: string;
  open(opts: IoOptions): Promise<CatalogNode | undefined>;
  /** Releases what the source holds open (file handles), when the bridge stops. */
  close?(): Promise<void>;
}

/** What faces read: a root to walk from and a resolver of catalog paths. */
export interface CatalogView {
  readonly root: GroupNode;
  resolve(path: string, opts: IoOptions): Promise<CatalogNode | undefined>;
}

export class Catalog implements CatalogView {
  readonly #mounts = new Map<MountKind, Map<string, Mount>>();
  /** BossDB is one tree at `bossdb/…`, not a set of named mounts. */
  #bossdb?: { root: GroupNode; origin: string };

  readonly root: GroupNode = {
    kind: 'group',
    path: '',
    attrs: {},
    children: async () => [
      ...[...this.#mounts.keys()].filter((k) => (this.#mounts.get(k)?.size ?? 0) > 0),
      ...(this.#bossdb ? ['bossdb'] : []),
    ],
    child: async (name) => {
      if (name === 'bossdb') return this.#bossdb?.root;
      return this.#mounts.has(name as MountKind) && name !== 'bossdb' ? this.#mountGroup(name as MountKind) : undefined;
    },
  };

  /** Mounts a BossDB source's tree (its root's path must be `bossdb`). */
  setBossdb(root: GroupNode, origin: string): void {
    this.#bossdb = { root, origin };
  }

  /**
   * Adds a mount, or returns the one already made for `origin`. `preferredName`
   * defaults to the origin's base name.
   */
  add(kind: MountKind, origin: string, open: Mount['open'], preferredName?: string, close?: Mount['close']): Mount {
    const mounts = this.#mounts.get(kind) ?? new Map<string, Mount>();
    this.#mounts.set(kind, mounts);
    const existing = [...mounts.values()].find((m) => m.origin === origin);
    if (existing) return existing;
    const base = sanitise(preferredName ?? (basename(origin.replace(/[/\\]+$/, '')) || kind));
    let name = base;
    for (let n = 2; mounts.has(name); n++) name = `${base}-${n}`;
    const mount: Mount = { kind, name, path: `${kind}/${name}`, origin, open, ...(close ? { close } : {}) };
    mounts.set(name, mount);
    return mount;
  }

  mounts(): Mount[] {
    const named = [...this.#mounts.values()].flatMap((m) => [...m.values()]);
    const boss = this.#bossdb;
    if (!boss) return named;
    return [
      ...named,
      { kind: 'bossdb', name: 'bossdb', path: 'bossdb', origin: boss.origin, open: async () => boss.root },
    ];
  }

  /** Closes what every mount holds open. */
  async close(): Promise<void> {
    await Promise.all(this.mounts().map((m) => m.close?.()));
  }

  /** The node at a catalog path (`local/a.zarr/0`), or undefined. */
  async resolve(path: string, opts: IoOptions): Promise<CatalogNode | undefined> {
    let node: CatalogNode = this.root;
    const segments = path.split('/').filter((s) => s !== '');
    for (const [i, segment] of segments.entries()) {
      if (node.kind !== 'group') return undefined;
      node.expect?.(segments.slice(i), opts);
      const next: CatalogNode | undefined = await node.child(segment, opts);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  #mountGroup(kind: MountKind): GroupNode {
    return {
      kind: 'group',
      path: kind,
      attrs: {},
      children: async () => [...(this.#mounts.get(kind)?.keys() ?? [])],
      child: async (name, opts) => this.#mounts.get(kind)?.get(name)?.open(opts),
    };
  }
}

/**
 * Mount names become URL segments, percent-encoded wherever a URL is built (as
 * Tiled and S3 do with keys): Unicode, spaces and `#` are kept as the folder
 * is named. Only what cannot be one segment is replaced: separators, control
 * characters, and leading dots (`.`/`..` are path steps, not names).
 */
function sanitise(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
  const clean = name.replace(/[/\\\u0000-\u001f\u007f]+/g, '_').replace(/^\.+/, '_');
  if (clean === '') throw new BridgeError('BadRequest', `cannot name a mount "${name}"`);
  return clean;
}
