/**
 * Structured logs: one JSON object per line on stderr, with a level. Values
 * named like secrets are masked, whatever the caller passes.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /token|api[_-]?key|authorization|password|secret/i;

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  /** Whether `level` is written at all (so hot paths skip building fields). */
  enabled(level: LogLevel): boolean;
}

export function createLogger(
  min: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  return {
    enabled: (level) => ORDER[level] >= ORDER[min],
    log(level, msg, fields = {}) {
      if (ORDER[level] < ORDER[min]) return;
      const safe: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(fields)) safe[k] = SECRET_KEY.test(k) ? '[redacted]' : v;
      write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...safe })}\n`);
    },
  };
}

/** Remove credentials from a URL before it is logged (`?api_key=`). */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:api_key|token|access_token)=)[^&#]*/gi, '$1[redacted]');
}

export const silentLogger: Logger = { log() {}, enabled: () => false };
