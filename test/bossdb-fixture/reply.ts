/**
 * What a fixture route answers, before the server decides how (or whether)
 * to send it, and the error bodies BossDB produces (bosscore/error.py).
 */

export interface Reply {
  status: number;
  contentType: string;
  body: Uint8Array;
  headers?: Record<string, string>;
  /** Set on successful cutouts, for the counters. */
  cutoutVoxels?: number;
}

const text = new TextEncoder();

export const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({
  status,
  contentType: 'application/json',
  body: text.encode(JSON.stringify(value)),
  headers,
});

/** `BossHTTPError`: `{"status", "code", "message"}` with the HTTP status repeated. */
export const bossError = (status: number, code: number, message: string): Reply =>
  json(status, { status, code, message });

/** Django's own pages, for URLs no pattern matches and for unhandled exceptions. */
export const html = (status: number, body: string): Reply => ({
  status,
  contentType: 'text/html',
  body: text.encode(body),
});

export const notFoundPage = (): Reply =>
  html(404, '<h1>Not Found</h1><p>The requested resource was not found on this server.</p>');
export const serverErrorPage = (): Reply => html(500, '<h1>Server Error (500)</h1>');

/** BossDB error codes used by the fixture (ErrorCodes in bosscore/error.py). */
export const CODE = {
  INVALID_URL: 1000,
  INVALID_CUTOUT_ARGS: 1001,
  TYPE_ERROR: 1002,
  REQUEST_TOO_LARGE: 2000,
  MISSING_PERMISSION: 3001,
  ACCESS_DENIED_UNKNOWN: 3004,
  RESOURCE_NOT_FOUND: 4000,
  BOSS_SYSTEM_ERROR: 9001,
  UNHANDLED_EXCEPTION: 9002,
  UNSUPPORTED_VERSION: 9003,
} as const;
