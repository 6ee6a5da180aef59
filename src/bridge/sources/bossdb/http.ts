/**
 * One GET to BossDB with global fetch: the token only in the Authorization
 * header (never in the URL), a per-request timeout that also covers the
 * body, the caller's AbortSignal, and every failure turned into a
 * BossdbError (or BridgeError 'Aborted' when the caller gave up).
 */
import { BridgeError } from '../../errors.js';
import { BodyTooLarge, readBody } from '../../util/read-body.js';
import { BossdbError, parseErrorBody } from './errors.js';

export interface HttpSettings {
  /** BossDB base URL, e.g. `https://api.bossdb.io` (no version prefix). */
  readonly baseUrl: string;
  readonly token?: string;
  /** Per-request limit, headers and body together. */
  readonly timeoutMs: number;
}

export interface GetOptions {
  readonly signal?: AbortSignal;
  readonly accept: string;
  /** Describes the request in error messages (never contains the token). */
  readonly what: string;
  /** The most bytes the body may have (an endless or oversized body is cut off and reported). */
  readonly maxBytes?: number;
}

/** JSON answers (collections, experiments, channels) are small; this bounds a hostile one. */
export const JSON_BODY_MAX = 16 * 2 ** 20;

const aborted = (what: string, cause?: unknown): BridgeError =>
  new BridgeError('Aborted', `BossDB ${what}: aborted by the caller`, { cause });

/** GET `path` (starting with `/`) and return the whole 2xx body. */
export async function getBody(http: HttpSettings, path: string, opts: GetOptions): Promise<Uint8Array> {
  const { signal, what } = opts;
  if (signal?.aborted) throw aborted(what, signal.reason);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), http.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
  const headers: Record<string, string> = { Accept: opts.accept };
  if (http.token) headers.Authorization = `Token ${http.token}`;
  const fail = (init: Omit<ConstructorParameters<typeof BossdbError>[0], 'what' | 'secret'>): BossdbError =>
    new BossdbError({ ...init, what, secret: http.token });
  let res: Response | undefined;
  try {
    // undici drops Authorization on cross-origin redirects (fetch spec), so following them cannot leak the token.
    res = await fetch(`${http.baseUrl}${path}`, { headers, signal: combined });
    let body: Uint8Array;
    try {
      body = await readBody(res, opts.maxBytes ?? JSON_BODY_MAX);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      throw fail({ failure: 'malformed', upstreamMessage: `the body ${e.message}` });
    }
    if (!res.ok) {
      const { code, message } = parseErrorBody(new TextDecoder().decode(body.subarray(0, 64 * 1024)));
      throw fail({ failure: 'http', status: res.status, code, upstreamMessage: message });
    }
    const announced = res.headers.get('content-length');
    if (announced !== null && Number(announced) !== body.length) {
      throw fail({ failure: 'truncated', upstreamMessage: `${body.length} of ${announced} bytes` });
    }
    return body;
  } catch (e) {
    if (e instanceof BossdbError) throw e;
    if (signal?.aborted) throw aborted(what, e);
    if (timeout.signal.aborted) throw fail({ failure: 'timeout', cause: e });
    // Headers arrived but the body did not: the connection died mid-body.
    throw fail({ failure: res ? 'truncated' : 'network', cause: e });
  } finally {
    clearTimeout(timer);
  }
}

/** GET `path` and parse its JSON body. */
export async function getJson(http: HttpSettings, path: string, opts: Omit<GetOptions, 'accept'>): Promise<unknown> {
  const body = await getBody(http, path, { ...opts, accept: 'application/json' });
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch (e) {
    throw new BossdbError({
      failure: 'malformed',
      what: opts.what,
      upstreamMessage: 'not JSON',
      cause: e,
      secret: http.token,
    });
  }
}
