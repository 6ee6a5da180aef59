/**
 * Who may talk to the bridge: a Host check against DNS rebinding, a CORS
 * allow-list with exact echoes (never `*`), Chrome's Private Network Access
 * preflight, and an API key that is required off loopback.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The public viewers users paste our URLs into. */
export const DEFAULT_ALLOWED_ORIGINS = [
  'https://neuroglancer-demo.appspot.com',
  'https://neuroglancer.bossdb.io',
  'https://hms-dbmi.github.io',
  'https://webknossos.org',
  'https://ome.github.io',
];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export const isLoopbackHost = (host: string): boolean =>
  LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);

export interface OriginPolicyOptions {
  allowedOrigins: readonly string[];
  /** The host the server is bound to, accepted in `Host` as well as loopback names. */
  boundHost: string;
  apiKey?: string;
}

export class OriginPolicy {
  readonly #allowed: Set<string>;
  readonly #boundHost: string;
  readonly #apiKey?: Buffer;

  constructor(options: OriginPolicyOptions) {
    this.#allowed = new Set(options.allowedOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
    this.#boundHost = options.boundHost.toLowerCase();
    this.#apiKey = options.apiKey ? Buffer.from(options.apiKey) : undefined;
  }

  /** Host headers already judged: nearly every request repeats the same one or two. */
  readonly #hostVerdicts = new Map<string, boolean>();

  /** DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends `Host: evil.example`. */
  hostAllowed(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    const known = this.#hostVerdicts.get(hostHeader);
    if (known !== undefined) return known;
    const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
    const allowed = isLoopbackHost(host) || host === this.#boundHost;
    // Bounded: a client sending endless distinct Host headers only fills it up to here.
    if (this.#hostVerdicts.size < 64) this.#hostVerdicts.set(hostHeader, allowed);
    return allowed;
  }

  /** The exact origin to echo, or undefined (then no CORS headers at all). */
  allowedOrigin(origin: string | undefined): string | undefined {
    if (!origin || origin === 'null') return undefined;
    // Listed exactly: also the desktop app's own scheme, whose origin Node's URL cannot spell.
    if (this.#allowed.has(origin.toLowerCase())) return origin;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return undefined;
    }
    if (url.origin !== origin.replace(/\/+$/, '')) return undefined;
    if ((url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname)) return origin;
    return this.#allowed.has(origin.toLowerCase()) ? origin : undefined;
  }

  get requiresKey(): boolean {
    return this.#apiKey !== undefined;
  }

  /**
   * `Authorization: Apikey <key>` (scheme case-insensitive) or `?api_key=`, as Tiled accepts, or the viewer's
   * cookie (set when the viewer is opened with `?api_key=`, see `keyCookie`).
   */
  keyAccepted(req: IncomingMessage, query: URLSearchParams): boolean {
    if (!this.#apiKey) return true;
    const auth = req.headers.authorization;
    const fromHeader = auth && /^apikey\s+/i.test(auth) ? auth.replace(/^apikey\s+/i, '').trim() : undefined;
    const given = fromHeader ?? query.get('api_key') ?? undefined;
    if (given !== undefined) return this.isKey(given);
    return cookieValues(req.headers.cookie, KEY_COOKIE_PREFIX).some((v) => this.isKey(v));
  }

  /** Constant-time comparison with the key. */
  isKey(given: string): boolean {
    if (!this.#apiKey) return false;
    const g = Buffer.from(given);
    return g.length === this.#apiKey.length && timingSafeEqual(g, this.#apiKey);
  }
}

/** Cookies named `<prefix><port>`: cookies are per host, not per port, so each bridge names its own. */
export const KEY_COOKIE_PREFIX = 'zarr_bridge_key_';

/**
 * The cookie that carries the key for the viewer's own requests: HttpOnly (page scripts never see it),
 * SameSite=Strict (never sent by another site's page), for this bridge's port only.
 */
export function keyCookie(port: number, key: string): string {
  return `${KEY_COOKIE_PREFIX}${port}=${encodeURIComponent(key)}; Path=/; HttpOnly; SameSite=Strict`;
}

function cookieValues(header: string | undefined, prefix: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (!part.slice(0, eq).trim().startsWith(prefix)) continue;
    try {
      out.push(decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // A malformed cookie is no key.
    }
  }
  return out;
}
