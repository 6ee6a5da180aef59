/**
 * Listening on the bridge's port: the one asked for, or — when the port was
 * only a default — the next free one (5020 taken: 5021, …), tried by listening
 * itself, so no other program can take the port between a check and the use.
 */
import type { Server } from 'node:http';

/** The port was asked for explicitly and another program holds it. */
export class PortTaken extends Error {
  readonly tag = 'PortTaken';
  readonly port: number;
  constructor(port: number, host: string) {
    super(
      `port ${port} on ${host} is taken by another program: choose another with --port N, or --port 0 for any free port`,
    );
    this.port = port;
  }
}

/** Ports tried after a taken default before giving up. */
const NEXT_PORTS = 20;

/** Listens on `port`, or the next free port when `nextFree` is set; returns the port in use. */
export async function listen(server: Server, port: number, host: string, nextFree: boolean): Promise<number> {
  const last = nextFree && port !== 0 ? Math.min(65535, port + NEXT_PORTS) : port;
  for (let p = port; ; p++) {
    try {
      await listenOnce(server, p, host);
      return p;
    } catch (e) {
      const taken = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!taken) throw e;
      if (p >= last) {
        if (!nextFree) throw new PortTaken(port, host);
        throw new Error(`ports ${port}–${last} on ${host} are all taken: choose a free one with --port N, or --port 0`);
      }
    }
  }
}

function listenOnce(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
