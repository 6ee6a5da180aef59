/** Maps typed errors to statuses and JSON bodies; unknown errors become 500 without details. */
import { type BridgeErrorTag, isBridgeError } from '../errors.js';

const STATUS: Record<BridgeErrorTag, number> = {
  NotFound: 404,
  BadRequest: 400,
  NotRepresentable: 404,
  CorruptData: 500,
  Upstream: 502,
  UpstreamTimeout: 504,
  Forbidden: 403,
  Unauthorized: 401,
  Aborted: 499,
};

export interface ErrorReply {
  status: number;
  body: { error: string; detail: string; key?: string };
}

export function errorReply(e: unknown): ErrorReply {
  if (isBridgeError(e)) {
    return {
      status: STATUS[e.tag],
      body: { error: e.tag, detail: e.message, ...(e.key !== undefined ? { key: e.key } : {}) },
    };
  }
  return { status: 500, body: { error: 'Internal', detail: 'internal error' } };
}
