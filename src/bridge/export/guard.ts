/**
 * Who may start an export (a route that writes to disk): only the bridge's
 * own viewer. It needs the per-process token, which the bridge hands only to
 * same-origin requests (the viewer it serves, or the desktop window through
 * the app's own scheme); an Origin other than the bridge's own is refused,
 * so the CORS allow-list (public viewers, loopback pages on other ports)
 * never reaches it; and it is off when the bridge is exposed beyond
 * loopback, unless `--allow-export`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '../http/origin-policy.js';

export const TOKEN_HEADER = 'x-zarr-bridge-token';

export type Verdict = { ok: true } | { ok: false; status: 403; reason: string };

export interface ExportGuardOptions {
  host: string;
  /** Export on a bridge bound beyond loopback (`--allow-export`). */
  allowExport: boolean;
}

export class ExportGuard {
  readonly token = randomBytes(32).toString('base64url');
  readonly #host: string;
  readonly #allowExport: boolean;
  #port = 0;

  constructor(options: ExportGuardOptions) {
    this.#host = options.host;
    this.#allowExport = options.allowExport;
  }

  /** Set once the server listens (the origin includes the port). */
  listening(port: number): void {
    this.#port = port;
  }

  get enabled(): boolean {
    return isLoopbackHost(this.#host) || this.#allowExport;
  }

  /** The bridge's own origins: the viewer it serves is loaded from one of them. */
  #ownOrigin(origin: string): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' || Number(url.port) !== this.#port || url.origin !== origin) return false;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return isLoopbackHost(host) || host === this.#host;
  }

  /** Same-origin, or no browser context at all (the desktop app's scheme handler, a local program). */
  #sameOrigin(req: IncomingMessage): Verdict {
    if (!this.enabled) {
      return {
        ok: false,
        status: 403,
        reason: 'export is off while the bridge is exposed beyond this machine (--allow-export turns it on)',
      };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.#ownOrigin(origin)) {
      return { ok: false, status: 403, reason: 'export is only for the bridge’s own viewer' };
    }
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return { ok: false, status: 403, reason: 'export is only for the bridge’s own viewer' };
    }
    return { ok: true };
  }

  /** May this request learn the token? */
  mayGetToken(req: IncomingMessage): Verdict {
    return this.#sameOrigin(req);
  }

  /** May this request start, list or cancel export jobs? */
  mayExport(req: IncomingMessage): Verdict {
    const same = this.#sameOrigin(req);
    if (!same.ok) return same;
    const given = req.headers[TOKEN_HEADER];
    const a = Buffer.from(typeof given === 'string' ? given : '');
    const b = Buffer.from(this.token);
    if (a.length !== b.length || !timingSafeEqual(a, b))
      return { ok: false, status: 403, reason: 'export token missing or wrong' };
    return { ok: true };
  }
}
