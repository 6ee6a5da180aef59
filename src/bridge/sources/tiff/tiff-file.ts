/**
 * One TIFF or BigTIFF file opened with geotiff.js over the folder store: its
 * pages (the main IFD chain) and their SubIFDs, described lazily and once,
 * for one version (size and mtime) of the file.
 */
import { GeoTIFF } from 'geotiff';
import { BridgeError, isAbortError } from '../../errors.js';
import type { IoOptions } from '../../model/node.js';
import type { FolderStore } from '../store/folder-store.js';
import { readRange, tiffByteSource } from './byte-source.js';
import { type BlockDecoder, decoderFor } from './decoders.js';
import { describePage, type TiffPage } from './page.js';
import type { PageBytes } from './read-region.js';

/** A page of the main chain (`sub` omitted), or SubIFD `sub` of that page. */
export interface PageRef {
  readonly index: number;
  readonly sub?: number;
}

export class TiffFile {
  readonly store: FolderStore;
  /** The file's key in the store (its name in the opened folder). */
  readonly key: string;
  /** Size and mtime when opened: what this description is of. */
  readonly version: string;
  readonly #tiff: GeoTIFF;
  readonly #pages = new Map<string, Promise<PageBytes>>();
  #count?: Promise<number>;

  private constructor(store: FolderStore, key: string, version: string, tiff: GeoTIFF) {
    this.store = store;
    this.key = key;
    this.version = version;
    this.#tiff = tiff;
  }

  /** Opens `key`; throws CorruptData when it is not a TIFF, NotFound when it is gone. */
  static async open(store: FolderStore, key: string, opts: IoOptions): Promise<TiffFile> {
    const version = await store.version(key);
    if (version === null || version === undefined) throw new BridgeError('NotFound', `${key} is not there`, { key });
    opts.signal?.throwIfAborted();
    let tiff: GeoTIFF;
    try {
      // geotiff.js types its sources as its own BaseSource class; it calls only `fetch` (and `close`).
      const source = tiffByteSource(store, key) as unknown as Parameters<typeof GeoTIFF.fromSource>[0];
      tiff = await GeoTIFF.fromSource(source, {}, opts.signal);
    } catch (e) {
      throw asCorrupt(e, key, 'is not a TIFF file');
    }
    // geotiff.js reads deferred tag arrays (tile offsets) as little-endian whatever the file's byte
    // order; loading every value with its IFD goes through the byte-order-aware path instead.
    if (!tiff.littleEndian) tiff.parser.eager = true;
    return new TiffFile(store, key, version, tiff);
  }

  get bigTiff(): boolean {
    return this.#tiff.bigTiff;
  }

  /** Number of pages in the main chain (walks every IFD once). */
  pageCount(): Promise<number> {
    this.#count ??= this.#tiff.getImageCount().catch((e: unknown) => {
      this.#count = undefined;
      throw asCorrupt(e, this.key, 'has a broken IFD chain');
    });
    return this.#count;
  }

  /** The page at `ref`, described, with the way to read its blocks. */
  page(ref: PageRef, opts: IoOptions): Promise<PageBytes> {
    const id = ref.sub === undefined ? `${ref.index}` : `${ref.index}.${ref.sub}`;
    let hit = this.#pages.get(id);
    if (!hit) {
      hit = this.#describe(ref, id);
      this.#pages.set(id, hit);
      hit.catch(() => this.#pages.delete(id));
    }
    opts.signal?.throwIfAborted();
    return hit;
  }

  async #describe(ref: PageRef, id: string): Promise<PageBytes> {
    const where = `${this.key}, page ${ref.index}${ref.sub === undefined ? '' : ` level ${ref.sub + 1}`}`;
    let page: TiffPage;
    try {
      let ifd = await this.#tiff.requestIFD(ref.index);
      if (ref.sub !== undefined) {
        const parent = await describePage(ifd, this.#tiff.littleEndian, where);
        const offset = parent.subIfds[ref.sub];
        if (offset === undefined) throw new BridgeError('CorruptData', `${where}: no such SubIFD`);
        ifd = await this.#tiff.parser.parseFileDirectoryAt(offset);
      }
      page = await describePage(ifd, this.#tiff.littleEndian, where);
    } catch (e) {
      throw asCorrupt(e, this.key, `: page ${ref.index} cannot be read`);
    }
    let decoder: Promise<BlockDecoder> | undefined;
    return {
      page,
      id: `${this.store.root}\0${this.key}\0${this.version}\0${id}`,
      where,
      decoder: () => {
        decoder ??= decoderFor(page, where);
        return decoder;
      },
      read: (offset, length, opts) => readRange(this.store, this.key, { offset, length }, opts),
      stored: (offset, length, opts) => this.store.objectRange(this.key, { offset, length }, opts),
    };
  }
}

function asCorrupt(e: unknown, key: string, what: string): Error {
  if (e instanceof BridgeError || isAbortError(e)) return e as Error;
  return new BridgeError('CorruptData', `${key} ${what}: ${(e as Error).message}`, { key, cause: e });
}
