/**
 * A BossDB-compatible HTTP server for tests: `/v1` and the nginx `/latest`
 * alias, optional trailing slashes, BossDB's payloads and error JSON,
 * synthetic voxels (voxel.ts), and switchable faults (faults.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BloscFrameWriter, CUTOUT_ROUTE, cutoutRoute } from './cutout.js';
import { FIXTURE_TOKEN, PUBLIC_TOKEN } from './dataset.js';
import {
  defaultSettings,
  type Fault,
  FaultPlan,
  type FixtureCounters,
  type FixtureSettings,
  zeroCounters,
} from './faults.js';
import { forgedBloscHeader, zlibBomb } from './hostile.js';
import { bossError, CODE, html, json, notFoundPage, type Reply, serverErrorPage } from './reply.js';
import { type Principal, resourceRoute } from './resources.js';

export interface FixtureRequestLog {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  authorization: string | undefined;
  accept: string | undefined;
}

export interface BossdbFixture {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Mutable: change faults while the server runs. */
  readonly settings: FixtureSettings;
  readonly counters: FixtureCounters;
  readonly log: FixtureRequestLog[];
  /** Zero the counters and the log. */
  resetCounters(): void;
  /** Back to no faults (keeps the tokens), and restart the fault PRNG and Nth counter. */
  resetFaults(): void;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Tokens that read everything; default [FIXTURE_TOKEN]. */
  tokens?: string[];
  /**
   * Keep each successful cutout reply (by URL, Accept and who asks) and answer
   * the same request from it: a benchmark then measures its client, not the
   * fixture computing and compressing voxels on the same cores.
   */
  memoizeCutouts?: boolean;
  /**
   * Writes the blosc answers instead of the fixture's own frames (`encodeBossdbBlosc`): `pythonBossdbBlosc`
   * gives BossDB's exact format (blosclz, type size = bit depth) through c-blosc itself.
   */
  bloscFrame?: BloscFrameWriter;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** DRF TokenAuthentication: no header = anonymous; a known token = that user; anything else = 401. */
function authenticate(header: string | undefined, settings: FixtureSettings): Principal | Reply {
  if (header === undefined) return { all: false };
  const m = /^Token\s+(\S+)$/.exec(header.trim());
  if (m && m[1] === PUBLIC_TOKEN) return { all: false };
  if (m && settings.tokens.includes(m[1]!)) return { all: true };
  return json(401, { detail: 'Invalid token.' }, { 'WWW-Authenticate': 'Token' });
}

function injectedFailure(status: number): Reply {
  return status === 500
    ? bossError(500, CODE.UNHANDLED_EXCEPTION, 'Unhandled exception (injected by the fixture)')
    : html(status, `<html><body><h1>${status}</h1>injected by the fixture</body></html>`);
}

/** A 200 whose body is a decompression bomb, or never ends (written as fast as the client reads). */
async function sendHostile(res: ServerResponse, kind: FixtureSettings['hostileBody']): Promise<void> {
  if (kind === 'blosc-bomb') {
    res.writeHead(200, { 'Content-Type': 'application/blosc' });
    res.end(forgedBloscHeader(2 ** 30));
    return;
  }
  if (kind === 'npygz-bomb') {
    res.writeHead(200, { 'Content-Type': 'application/npygz' });
    res.end(await zlibBomb(128 * 2 ** 20));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/blosc' });
  const block = Buffer.alloc(2 ** 20, 7);
  while (!res.destroyed) {
    if (!res.write(block)) await new Promise((r) => res.once('drain', r).once('close', r));
  }
}

export async function startBossdbFixture(options: FixtureOptions = {}): Promise<BossdbFixture> {
  const tokens = options.tokens ?? [FIXTURE_TOKEN];
  const settings = defaultSettings(tokens);
  const counters = zeroCounters();
  const log: FixtureRequestLog[] = [];
  const plan = new FaultPlan(settings);
  const memo = options.memoizeCutouts ? new Map<string, Promise<Reply>>() : undefined;

  function cutoutReply(args: string[], accept: string | undefined, who: Principal): Promise<Reply> {
    if (!memo) return cutoutRoute(args, accept, who, options.bloscFrame);
    const key = `${args.join('/')}\0${accept}\0${who.all}`;
    let reply = memo.get(key);
    if (!reply) {
      reply = cutoutRoute(args, accept, who, options.bloscFrame);
      memo.set(key, reply);
      // Only answers worth replaying stay.
      reply.then(
        (r) => r.status !== 200 && memo.delete(key),
        () => memo.delete(key),
      );
    }
    // A fresh object per request: faults are attached to the reply object (see withFault).
    return reply.then((r) => ({ ...r }));
  }

  async function route(req: IncomingMessage, path: string): Promise<{ reply: Reply; isCutout: boolean } | 'drop'> {
    const versioned = /^\/(v1|latest)(\/.*)?$/.exec(path);
    if (!versioned) {
      if (/^\/v0\.\d+(\/|$)/.test(path)) {
        return {
          reply: bossError(400, CODE.UNSUPPORTED_VERSION, ' This API version is unsupported. Update to version v1'),
          isCutout: false,
        };
      }
      if (/^\/ping\/?$/.test(path)) return { reply: json(200, { ip: '127.0.0.1' }), isCutout: false };
      return { reply: notFoundPage(), isCutout: false };
    }
    const rest = versioned[2] ?? '/';
    const cutout = CUTOUT_ROUTE.exec(rest);
    const isCutout = cutout !== null;
    const fault: Fault = plan.next(isCutout);
    if (fault) counters.faultsInjected++;
    if (fault === 'drop') return 'drop';
    if (settings.latencyMs > 0 && (isCutout || settings.scope === 'all')) await sleep(settings.latencyMs);
    if (isCutout && settings.gate) await settings.gate.catch(() => undefined);
    if (fault === 'fail') return { reply: injectedFailure(settings.failStatus), isCutout };

    const who = authenticate(req.headers.authorization, settings);
    if ('status' in who) return { reply: who, isCutout };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return { reply: json(405, { detail: `Method "${req.method}" not allowed.` }), isCutout };
    }
    const reply = cutout
      ? await cutoutReply(cutout.slice(1), req.headers.accept, who)
      : (resourceRoute(rest, who) ?? notFoundPage());
    return { reply: withFault(reply, fault), isCutout };
  }

  /** Faults that change how the body is sent are carried on the reply. */
  const faultOf = new WeakMap<Reply, Fault>();
  function withFault(reply: Reply, fault: Fault): Reply {
    if (fault) faultOf.set(reply, fault);
    return reply;
  }

  function send(req: IncomingMessage, res: ServerResponse, reply: Reply): 'sent' | 'faulted' {
    const fault = faultOf.get(reply);
    const headers: Record<string, string | number> = { 'Content-Type': reply.contentType, ...reply.headers };
    if (req.headers.origin) headers['Access-Control-Allow-Origin'] = '*';
    const { body } = reply;
    const half = Math.max(1, Math.floor(body.length / 2));
    if (fault === 'hostile') {
      void sendHostile(res, settings.hostileBody);
      return 'faulted';
    }
    if (fault === 'truncate' && settings.truncateMode === 'clean') {
      res.writeHead(reply.status, headers); // chunked: the short body looks complete to HTTP
      res.end(body.subarray(0, half));
      return 'faulted';
    }
    res.writeHead(reply.status, { ...headers, 'Content-Length': body.length });
    if (req.method === 'HEAD') {
      res.end();
      return 'sent';
    }
    if (fault === 'truncate') {
      res.write(body.subarray(0, half), () => res.socket?.destroy());
      return 'faulted';
    }
    if (fault === 'stall') {
      res.write(body.subarray(0, Math.min(16, body.length - 1))); // and never more
      return 'faulted';
    }
    res.end(body);
    return 'sent';
  }

  const server = createServer((req, res) => {
    counters.requests++;
    const url = req.url ?? '/';
    log.push({
      method: req.method ?? 'GET',
      url,
      authorization: req.headers.authorization,
      accept: req.headers.accept,
    });
    // nginx merges slashes (intern lists collections at `/v1/collection//`).
    const path = new URL(url, 'http://fixture').pathname.replace(/\/{2,}/g, '/');
    const cutoutLike = /^\/(v1|latest)\/cutout\//.test(path);
    if (cutoutLike) {
      counters.cutoutRequests++;
      counters.inFlight++;
      counters.peakInFlight = Math.max(counters.peakInFlight, counters.inFlight);
    }
    const done = (): void => {
      if (cutoutLike) counters.inFlight--;
    };
    route(req, path)
      .then((r) => {
        if (r === 'drop') {
          req.socket.destroy();
          return done();
        }
        const outcome = send(req, res, r.reply);
        if (outcome === 'sent' && r.reply.cutoutVoxels !== undefined) {
          counters.cutoutsServed++;
          counters.voxelsServed += r.reply.cutoutVoxels;
        }
        done();
      })
      .catch((err: unknown) => {
        done();
        if (!res.headersSent) send(req, res, serverErrorPage());
        else res.destroy(err instanceof Error ? err : undefined);
      });
  });
  // A stalled response must not keep the test process alive.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    settings,
    counters,
    log,
    resetCounters() {
      Object.assign(counters, { ...zeroCounters(), inFlight: counters.inFlight });
      log.length = 0;
    },
    resetFaults() {
      Object.assign(settings, defaultSettings(tokens));
      plan.reseed();
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
