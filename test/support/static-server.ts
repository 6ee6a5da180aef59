/**
 * A plain static file server for one folder, standing in for a remote Zarr
 * host (S3, a web server). Faults can be switched on per path prefix.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface StaticServer {
  url: string;
  requests: string[];
  /** Requests whose connection closed before the answer was complete (the client went away). */
  abandoned: string[];
  /** Paths starting with this prefix answer 500. */
  failPrefix?: string;
  /**
   * Paths starting with `fault.prefix` misbehave: cut bodies, reset connections, stalled bodies, latency,
   * or `hold`: no answer until `release()` (a test then decides, by events, when the answer comes).
   */
  fault?: {
    prefix: string;
    kind: 'truncate' | 'reset' | 'stall' | 'latency' | 'hold';
    ms?: number;
    times?: number;
    /** The first `after` matching requests are answered as usual; the fault starts with the next one. */
    after?: number;
  };
  /** Requests held by a `hold` fault and not yet answered. */
  readonly held: number;
  /** Answers every request held so far. */
  release(): void;
  close(): Promise<void>;
}

export async function startStaticServer(root: string): Promise<StaticServer> {
  const held: (() => void)[] = [];
  const state: StaticServer = {
    get held() {
      return held.length;
    },
    url: '',
    requests: [],
    abandoned: [],
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
    close: async () => undefined,
  };
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    state.requests.push(path);
    res.on('close', () => {
      if (!res.writableFinished) state.abandoned.push(path);
    });
    if (state.failPrefix && path.startsWith(state.failPrefix)) {
      res.writeHead(500).end('boom');
      return;
    }
    const fault = state.fault;
    const due = fault && path.startsWith(fault.prefix) && (fault.after === undefined || fault.after-- <= 0);
    if (fault && due && (fault.times === undefined || fault.times-- > 0)) {
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'latency') await new Promise((r) => setTimeout(r, fault.ms ?? 100));
      else if (fault.kind === 'hold') await new Promise<void>((r) => held.push(r));
      else {
        const body = await readFile(normalize(join(root, path))).catch(() => Buffer.alloc(64, 1));
        res.writeHead(200, { 'Content-Length': body.length });
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        if (fault.kind === 'truncate') res.destroy();
        // 'stall': headers and half the body, then nothing.
        return;
      }
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      // Byte ranges as S3 and web servers answer them: `bytes=a-b` and the suffix `bytes=-n`.
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (range && (range[1] !== '' || range[2] !== '')) {
        const [start, end] =
          range[1] === ''
            ? [Math.max(0, body.length - Number(range[2])), body.length - 1]
            : [Number(range[1]), Math.min(body.length - 1, range[2] === '' ? body.length - 1 : Number(range[2]))];
        if (start > end || start >= body.length) {
          res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
          return;
        }
        res
          .writeHead(206, {
            'Content-Length': end - start + 1,
            'Content-Range': `bytes ${start}-${end}/${body.length}`,
          })
          .end(body.subarray(start, end + 1));
        return;
      }
      res.writeHead(200, { 'Content-Length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      // A client's kept-alive connections (undici keeps them for seconds) would otherwise hold the close.
      server.closeAllConnections();
    });
  return state;
}
