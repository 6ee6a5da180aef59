/**
 * INPUT of `zarr-bridge convert`, mounted into a catalog the way the bridge
 * mounts sources (so the writer reads it like any face would): a folder, an
 * http(s) URL or `bossdb://collection/experiment/channel`. Each kind of input
 * is one entry in `MOUNTERS`; TIFF files and image stacks get theirs when the
 * TIFF source lands, and the writer needs no change for it.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { Catalog } from '../bridge/catalog/catalog.js';
import type { CatalogNode } from '../bridge/model/node.js';
import { createBossdbSource } from '../bridge/sources/bossdb/index.js';
import { mountLocalFolder } from '../bridge/sources/local/local-source.js';
import { mountRemote } from '../bridge/sources/remote/remote-source.js';
import { WriterError } from '../bridge/writer/errors.js';

export interface InputOptions {
  /** A node inside INPUT. */
  path: string;
  bossdbUrl?: string;
  bossdbToken?: string;
  /** Bytes of decoded BossDB blocks to keep. */
  cacheBytes: number;
  signal?: AbortSignal;
}

export interface ResolvedInput {
  node: CatalogNode;
  /** What the input is, for the plan's fingerprint (never a token). */
  identity: string;
  /** Local folders read from (OUTPUT may not overlap them). */
  folders: string[];
  close(): Promise<void>;
}

interface Mounted {
  /** Catalog path of INPUT's root. */
  path: string;
  identity: string;
  folders: string[];
}

interface Mounter {
  accepts(input: string): Promise<boolean>;
  mount(catalog: Catalog, input: string, options: InputOptions): Promise<Mounted>;
}

const TIFF = /\.(ome\.)?tiff?$/i;
const ZARR_MARKERS = ['zarr.json', '.zgroup', '.zarray', '.zattrs', 'attributes.json'];

async function isFolder(input: string): Promise<boolean> {
  return stat(input).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** A folder of TIFF planes and no Zarr/N5 metadata: an image stack. */
async function isImageStack(input: string): Promise<boolean> {
  if (!(await isFolder(input))) return false;
  const names = await readdir(input);
  return !names.some((n) => ZARR_MARKERS.includes(n)) && names.some((n) => TIFF.test(n));
}

const MOUNTERS: Mounter[] = [
  {
    accepts: async (input) => input.startsWith('bossdb://'),
    async mount(catalog, input, options) {
      const names = input
        .slice('bossdb://'.length)
        .split('/')
        .filter((s) => s !== '');
      if (names.length !== 3) throw new WriterError('Usage', `bossdb://collection/experiment/channel, not ${input}`);
      const url = options.bossdbUrl ?? 'https://api.bossdb.io';
      const source = createBossdbSource({ url, token: options.bossdbToken, cacheBytes: options.cacheBytes });
      catalog.setBossdb(source.root, url);
      return {
        path: ['bossdb', ...names].join('/'),
        identity: `${url.replace(/\/+$/, '')}/${names.join('/')}`,
        folders: [],
      };
    },
  },
  {
    accepts: async (input) => /^https?:\/\//i.test(input),
    async mount(catalog, input) {
      const mount = mountRemote(catalog, input);
      return { path: mount.path, identity: mount.origin, folders: [] };
    },
  },
  {
    // TIFF/OME-TIFF files and image-stack folders: mounted by the TIFF source (src/bridge/sources/tiff) once it lands.
    accepts: async (input) => TIFF.test(input) || (await isImageStack(input)),
    async mount(_catalog, input) {
      throw new WriterError('Input', `${input}: TIFF input needs the TIFF source, which this build does not have yet`);
    },
  },
  {
    accepts: isFolder,
    async mount(catalog, input) {
      const mount = await mountLocalFolder(catalog, input);
      return { path: mount.path, identity: mount.origin, folders: [await realpath(input)] };
    },
  },
];

export async function resolveInput(input: string, options: InputOptions): Promise<ResolvedInput> {
  const catalog = new Catalog();
  let mounter: Mounter | undefined;
  for (const m of MOUNTERS) {
    if (await m.accepts(input)) {
      mounter = m;
      break;
    }
  }
  if (!mounter) throw new WriterError('Input', `${input}: not a folder, an http(s) URL or bossdb://…`);
  let mounted: Mounted;
  try {
    mounted = await mounter.mount(catalog, input, options);
  } catch (e) {
    if (e instanceof WriterError) throw e;
    throw new WriterError('Input', `cannot open ${input}: ${(e as Error).message}`, { cause: e });
  }
  const path = [mounted.path, ...options.path.split('/').filter((s) => s !== '')].join('/');
  let node: CatalogNode | undefined;
  try {
    node = await catalog.resolve(path, { signal: options.signal });
  } catch (e) {
    await catalog.close();
    throw new WriterError(
      'Input',
      `cannot read ${input}${options.path ? ` at ${options.path}` : ''}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  if (!node) {
    await catalog.close();
    throw new WriterError(
      'Input',
      `${input}${options.path ? `: no node at ${options.path}` : ': nothing readable there'}`,
    );
  }
  return {
    node,
    identity: `${mounted.identity}#${options.path}`,
    folders: mounted.folders,
    close: () => catalog.close(),
  };
}
