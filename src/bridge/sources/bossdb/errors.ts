/**
 * BossDB failures as typed errors. Every failure of a BossDB call is a
 * `BossdbError`: a `BridgeError` whose tag the HTTP layer already maps
 * (Upstream → 502, UpstreamTimeout → 504, NotFound → 404, BadRequest → 400),
 * plus what BossDB said (`status`, `code`) and whether trying again can help.
 */
import { BridgeError, type BridgeErrorTag } from '../../errors.js';

/** How the call failed. */
export type BossdbFailure =
  /** BossDB answered with a non-2xx status. */
  | 'http'
  /** No answer: connection refused, reset or dropped. */
  | 'network'
  /** No complete answer within the per-request timeout. */
  | 'timeout'
  /** A body shorter than announced, or a frame that does not hold the voxels asked for. */
  | 'truncated'
  /** A 2xx body that is not what BossDB sends (bad JSON, bad .npy header). */
  | 'malformed';

export interface BossdbErrorInit {
  failure: BossdbFailure;
  /** What was asked, for the message: e.g. `cutout zb/exp/ch/0/0:512/0:512/0:16/`. */
  what: string;
  status?: number;
  code?: number;
  upstreamMessage?: string;
  cause?: unknown;
  /** The configured token, removed from every text this error carries. */
  secret?: string;
}

export class BossdbError extends BridgeError {
  readonly failure: BossdbFailure;
  /** HTTP status BossDB answered with, when it answered. */
  readonly status?: number;
  /** BossDB's error code (`{"code": 4000}`), when its body had one. */
  readonly code?: number;
  /** BossDB's `message` (or DRF's `detail`), token-free. */
  readonly upstreamMessage?: string;
  /** True when the same request may succeed if sent again. */
  readonly retryable: boolean;

  constructor(init: BossdbErrorInit) {
    const { tag, retryable } = classify(init.failure, init.status);
    super(tag, scrubToken(describe(init), init.secret), { cause: init.cause });
    this.name = `BossdbError(${tag})`;
    this.failure = init.failure;
    this.status = init.status;
    this.code = init.code;
    this.upstreamMessage =
      init.upstreamMessage === undefined ? undefined : scrubToken(init.upstreamMessage, init.secret);
    this.retryable = retryable;
  }
}

export const isBossdbError = (e: unknown): e is BossdbError => e instanceof BossdbError;

function classify(failure: BossdbFailure, status: number | undefined): { tag: BridgeErrorTag; retryable: boolean } {
  if (failure === 'timeout') return { tag: 'UpstreamTimeout', retryable: true };
  if (failure !== 'http' || status === undefined) return { tag: 'Upstream', retryable: true };
  if (status === 404) return { tag: 'NotFound', retryable: false };
  if (status === 400 || status === 413) return { tag: 'BadRequest', retryable: false };
  if (status === 504) return { tag: 'UpstreamTimeout', retryable: true };
  if (status === 408 || status === 429 || status >= 500) return { tag: 'Upstream', retryable: true };
  // 401/403 (no or wrong token) and anything else: BossDB refused; sending it again will not help.
  return { tag: 'Upstream', retryable: false };
}

function describe(init: BossdbErrorInit): string {
  const head = `BossDB ${init.what}`;
  switch (init.failure) {
    case 'http': {
      const code = init.code === undefined ? '' : ` code ${init.code}`;
      const msg = init.upstreamMessage ? `: ${init.upstreamMessage}` : '';
      return `${head}: HTTP ${init.status}${code}${msg}`;
    }
    case 'network':
      return `${head}: no answer (${causeText(init.cause)})`;
    case 'timeout':
      return `${head}: timed out`;
    case 'truncated':
      return `${head}: incomplete body${init.upstreamMessage ? ` (${init.upstreamMessage})` : ''}`;
    case 'malformed':
      return `${head}: unexpected body${init.upstreamMessage ? ` (${init.upstreamMessage})` : ''}`;
  }
}

/** undici hides the useful part (`ECONNRESET`, `other side closed`) in `cause`. */
function causeText(e: unknown): string {
  const parts: string[] = [];
  for (let c = e, depth = 0; c instanceof Error && depth < 3; c = c.cause, depth++) {
    const code = (c as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${c.message} [${code}]` : c.message);
  }
  return parts.join(': ') || 'unknown error';
}

/** Remove the token from any text that may reach a message or a log. */
export function scrubToken(text: string, token: string | undefined): string {
  return token ? text.split(token).join('***') : text;
}

/** Parse BossDB's `{status, code, message}` or DRF's `{detail}` error body. */
export function parseErrorBody(body: string): { code?: number; message?: string } {
  try {
    const v: unknown = JSON.parse(body);
    if (typeof v === 'object' && v !== null) {
      const o = v as { code?: unknown; message?: unknown; detail?: unknown };
      return {
        code: typeof o.code === 'number' ? o.code : undefined,
        message: typeof o.message === 'string' ? o.message : typeof o.detail === 'string' ? o.detail : undefined,
      };
    }
  } catch {
    // Not JSON: an HTML error page from nginx or Django; keep a short plain-text excerpt.
  }
  const plain = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { message: plain ? plain.slice(0, 200) : undefined };
}

/**
 * What a failed *data* read becomes for the catalog: 'Upstream' or
 * 'UpstreamTimeout', never 'NotFound' or 'BadRequest' (a reader would take a
 * 404 for an empty chunk; the client's request was fine, BossDB's answer was
 * not). Aborts and non-BossDB errors pass through unchanged.
 */
export function asReadFailure(e: unknown): unknown {
  if (!isBossdbError(e) || e.tag === 'Upstream' || e.tag === 'UpstreamTimeout') return e;
  return new BridgeError('Upstream', e.message, { cause: e });
}
