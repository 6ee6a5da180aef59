/**
 * INPUT of `zarr-bridge convert`, mounted into a catalog the way the bridge
 * mounts sources (so the writer reads it like any face would): a folder, an
 * http(s) URL, `bossdb://collection/experiment/channel`, or a TIFF/OME-TIFF file
 * or folder of slices (mounted by the TIFF source, through the same local
 * mount). Each kind of input is one entry in `MOUNTERS`; the writer reads them
 * all alike.
 */
import { realpath, stat } from 'node:fs/promises';
import { Catalog } from '../bridge/catalog/catalog.js';
import type { CatalogNode } from '../bridge/model/node.js';
import { CUBOID, createBossdbSource } from '../bridge/sources/bossdb/index.js';
import { mountLocalFolder } from '../bridge/sources/local/local-source.js';
import { mountRemote } from '../bridge/sources/remote/remote-source.js';
import { WriterError } from '../bridge/writer/errors.js';

/**
 * BossDB cutouts a conversion keeps in flight (a viewer's default is 4). With reading ahead, 8 took a 1024²×256
 * region from 6.3 to 4.0 s when the fixture answered each cutout after 300 ms (5.4 s without reading ahead).
 */
const CUTOUTS_IN_FLIGHT = 8;

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

/** A file or folder on disk (Zarr/N5 folders, TIFF files, folders of slices: the local mount tells them apart). */
async function onDisk(input: string): Promise<boolean> {
  return stat(input).then(
    (s) => s.isDirectory() || s.isFile(),
    () => false,
  );
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
      // Read in whole cuboids: a viewer's 256² tiles would cut each one into four and copy it row by row.
      // More cutouts in flight than a viewer's 4: a cutout takes a round trip and BossDB's own reading of its
      // cuboids, and the conversion reads ahead (what it holds ahead bounds the cuboids in memory).
      const source = createBossdbSource({
        url,
        token: options.bossdbToken,
        cacheBytes: options.cacheBytes,
        chunk: CUBOID,
        concurrency: CUTOUTS_IN_FLIGHT,
      });
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
      const mount = await mountRemote(catalog, input);
      return { path: mount.path, identity: mount.origin, folders: [] };
    },
  },
  {
    accepts: onDisk,
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
  if (!mounter)
    throw new WriterError('Input', `${input}: no such file or folder, and not an http(s) URL or bossdb://…`);
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
