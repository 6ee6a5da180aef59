/**
 * A plain BossDB REST client (v1 API, global fetch): lists, resources,
 * coordinate frames, /downsample, and cutouts decoded to C-order
 * little-endian bytes. No caching or retrying here: those are decorators
 * (see source.ts). Every call takes an AbortSignal and has a timeout.
 */
import type { IoOptions } from '../../model/node.js';
import { encodedLimit } from '../../util/decode-limits.js';
import { bloscFrameProblem, decodeBlosc } from './blosc-frame.js';
import { BossdbError } from './errors.js';
import { getBody, getJson, type HttpSettings } from './http.js';
import { decodeNpygz } from './npygz.js';
import {
  type BossChannel,
  type BossCollection,
  type BossCoordFrame,
  type BossDatatype,
  type BossDownsample,
  type BossExperiment,
  parseChannel,
  parseCollection,
  parseCoordFrame,
  parseDownsample,
  parseExperiment,
  parseList,
} from './payloads.js';

export interface BossdbClientOptions {
  /** e.g. `https://api.bossdb.io`; a trailing `/`, `/v1` or `/latest` is accepted and dropped. */
  url: string;
  /** Sent as `Authorization: Token <token>` when set; never in a URL or a message. */
  token?: string;
  /** Per-request timeout in ms (default 60 s: a 512×512×16×8-byte cutout from a busy BossDB can be slow). */
  timeoutMs?: number;
}

export type CutoutEncoding = 'blosc' | 'npygz';

export interface CutoutRequest {
  collection: string;
  experiment: string;
  channel: string;
  resolution: number;
  /** Half-open [start, stop) in level `resolution` voxels, absolute. */
  x: readonly [number, number];
  y: readonly [number, number];
  z: readonly [number, number];
  /** Time range; omitted: the channel's default time sample, and a 3-D answer. */
  t?: readonly [number, number];
  /** The channel's datatype, to size and check the answer. */
  datatype: BossDatatype;
}

export interface Cutout {
  /** [z, y, x], or [t, z, y, x] when a time range was asked for. */
  shape: number[];
  /** C order, little-endian. */
  bytes: Uint8Array;
}

export interface CutoutOptions extends IoOptions {
  encoding?: CutoutEncoding;
}

const BYTES: Record<BossDatatype, number> = { uint8: 1, uint16: 2, uint32: 4, uint64: 8 };
const ACCEPT: Record<CutoutEncoding, string> = { blosc: 'application/blosc', npygz: 'application/npygz' };

const seg = (name: string): string => encodeURIComponent(name);
const span = ([a, b]: readonly [number, number]): string => `${a}:${b}`;

export class BossdbClient {
  readonly #http: HttpSettings;

  constructor(options: BossdbClientOptions) {
    const baseUrl = options.url.replace(/\/+$/, '').replace(/\/(v1|latest)$/, '');
    this.#http = { baseUrl, token: options.token || undefined, timeoutMs: options.timeoutMs ?? 60_000 };
  }

  /** The base URL, for messages and catalog attributes (it never holds the token). */
  get url(): string {
    return this.#http.baseUrl;
  }

  async #json(path: string, what: string, opts: IoOptions): Promise<unknown> {
    return getJson(this.#http, `/v1${path}`, { signal: opts.signal, what });
  }

  async listCollections(opts: IoOptions = {}): Promise<string[]> {
    return parseList(await this.#json('/collection/', 'collection list', opts), 'collections', 'collection list');
  }

  async listExperiments(collection: string, opts: IoOptions = {}): Promise<string[]> {
    const what = `experiment list of ${collection}`;
    return parseList(await this.#json(`/collection/${seg(collection)}/experiment/`, what, opts), 'experiments', what);
  }

  async listChannels(collection: string, experiment: string, opts: IoOptions = {}): Promise<string[]> {
    const what = `channel list of ${collection}/${experiment}`;
    const path = `/collection/${seg(collection)}/experiment/${seg(experiment)}/channel/`;
    return parseList(await this.#json(path, what, opts), 'channels', what);
  }

  async listCoordFrames(opts: IoOptions = {}): Promise<string[]> {
    return parseList(await this.#json('/coord/', 'coordinate frame list', opts), 'coords', 'coordinate frame list');
  }

  async getCollection(collection: string, opts: IoOptions = {}): Promise<BossCollection> {
    const what = `collection ${collection}`;
    return parseCollection(await this.#json(`/collection/${seg(collection)}/`, what, opts), what);
  }

  async getExperiment(collection: string, experiment: string, opts: IoOptions = {}): Promise<BossExperiment> {
    const what = `experiment ${collection}/${experiment}`;
    const path = `/collection/${seg(collection)}/experiment/${seg(experiment)}/`;
    return parseExperiment(await this.#json(path, what, opts), what);
  }

  async getChannel(
    collection: string,
    experiment: string,
    channel: string,
    opts: IoOptions = {},
  ): Promise<BossChannel> {
    const what = `channel ${collection}/${experiment}/${channel}`;
    const path = `/collection/${seg(collection)}/experiment/${seg(experiment)}/channel/${seg(channel)}/`;
    return parseChannel(await this.#json(path, what, opts), what);
  }

  async getCoordFrame(name: string, opts: IoOptions = {}): Promise<BossCoordFrame> {
    const what = `coordinate frame ${name}`;
    return parseCoordFrame(await this.#json(`/coord/${seg(name)}/`, what, opts), what);
  }

  async getDownsample(
    collection: string,
    experiment: string,
    channel: string,
    opts: IoOptions = {},
  ): Promise<BossDownsample> {
    const what = `downsample info of ${collection}/${experiment}/${channel}`;
    const path = `/downsample/${seg(collection)}/${seg(experiment)}/${seg(channel)}/`;
    return parseDownsample(await this.#json(path, what, opts), what);
  }

  /** The cutout's URL path (after the base URL); also what error messages name. */
  static cutoutPath(req: CutoutRequest): string {
    const t = req.t ? `${span(req.t)}/` : '';
    return (
      `/v1/cutout/${seg(req.collection)}/${seg(req.experiment)}/${seg(req.channel)}/${req.resolution}/` +
      `${span(req.x)}/${span(req.y)}/${span(req.z)}/${t}`
    );
  }

  /** One cutout, decoded and checked against the shape asked for. */
  async cutout(req: CutoutRequest, opts: CutoutOptions = {}): Promise<Cutout> {
    const encoding = opts.encoding ?? 'blosc';
    const path = BossdbClient.cutoutPath(req);
    const what = `cutout ${path.slice('/v1/cutout/'.length)}`;
    const shape = [req.z[1] - req.z[0], req.y[1] - req.y[0], req.x[1] - req.x[0]];
    if (req.t) shape.unshift(req.t[1] - req.t[0]);
    const expected = shape.reduce((a, b) => a * b, 1) * BYTES[req.datatype];
    // No more than the voxels asked for, compressed, may come back (an endless body is cut off there).
    const maxBytes = encodedLimit(expected);
    const body = await getBody(this.#http, path, { signal: opts.signal, accept: ACCEPT[encoding], what, maxBytes });
    const broken = (detail: string, failure: 'truncated' | 'malformed', cause?: unknown) =>
      new BossdbError({ failure, what, upstreamMessage: detail, cause, secret: this.#http.token });

    if (encoding === 'blosc') {
      const problem = bloscFrameProblem(body, expected);
      if (problem) throw broken(problem, 'truncated');
      const bytes = await decodeBlosc(body, opts);
      if (bytes.length !== expected) throw broken(`decoded ${bytes.length} bytes, expected ${expected}`, 'truncated');
      return { shape, bytes };
    }
    let npy: Awaited<ReturnType<typeof decodeNpygz>>;
    try {
      npy = await decodeNpygz(body, expected);
    } catch (e) {
      // A zlib stream cut short does not inflate: count it as truncation (retryable).
      throw broken(e instanceof Error ? e.message : String(e), 'truncated', e);
    }
    const size = Number(/(\d+)$/.exec(npy.descr)?.[1]);
    if (size !== BYTES[req.datatype] || npy.shape.join(',') !== shape.join(',')) {
      throw broken(
        `npy ${npy.descr} ${JSON.stringify(npy.shape)}, expected ${req.datatype} ${JSON.stringify(shape)}`,
        'malformed',
      );
    }
    return { shape, bytes: npy.bytes };
  }
}
