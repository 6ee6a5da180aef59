/**
 * Error messages for people, in one place: the bridge's JSON errors (status, tag, detail), the browser's
 * network failures and Node's errno texts (`ENOENT`, `fetch failed`) become a sentence that says what
 * happened and what to do. Raw texts stay in the bridge's log, not on the screen.
 */
import { BridgeError } from './bridgeResponse';

/** What an error says about itself, however it reached us. */
interface Parts {
  status?: number;
  /** The bridge's tag (`NotFound`, `Upstream`, …). */
  code?: string;
  text: string;
  /** A `TypeError` from `fetch`: the bridge itself did not answer. */
  browserNetwork?: boolean;
  aborted?: boolean;
  /** What was being done, when a plain text says so before a colon ("Well A/1: …"). */
  context?: string;
}

const NETWORK =
  /fetch failed|failed to fetch|networkerror|load failed|econnrefused|econnreset|enotfound|eai_again|socket hang up/i;

/** `what: 404 detail`, the shape `bridgeJson` gives a message, parsed back when only the text is left. */
const BRIDGE_TEXT = /^(.*?): (\d{3}) (.*)$/s;

function partsOf(e: unknown): Parts {
  if (e instanceof BridgeError) return { status: e.status, code: e.reply.code, text: e.reply.detail ?? e.message };
  if (e instanceof Error) {
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return { text: e.message, aborted: true };
    if (e.name === 'TypeError' && NETWORK.test(e.message)) return { text: e.message, browserNetwork: true };
    return partsOf(e.message);
  }
  const text = String(e ?? '');
  const m = BRIDGE_TEXT.exec(text);
  if (m) return { status: Number(m[2]), text: m[3] };
  // The page talks only to the bridge (its CSP allows no other origin): Chromium's own wording means the bridge.
  const browserNetwork = /failed to fetch|networkerror when attempting/i.test(text);
  const prefixed = /^([^:\n]{1,80}): (.+)$/s.exec(text);
  if (prefixed && !/error$/i.test(prefixed[1]) && !/^[A-Z_]+$/.test(prefixed[1]))
    return { text: prefixed[2], context: prefixed[1], browserNetwork };
  return { text, browserNetwork };
}

/** The host named in a text (an upstream URL), for "could not reach example.org". */
function hostIn(text: string): string | undefined {
  const url = /https?:\/\/[^\s'"]+/.exec(text)?.[0];
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** The quoted or trailing path of an errno text: `ENOENT: no such file or directory, realpath '/x'`. */
function pathIn(text: string): string | undefined {
  return /'([^']+)'/.exec(text)?.[1] ?? /(?:open|of|at|folder:)\s+(\/[^\s:]+)/.exec(text)?.[1];
}

/** Drops what only a developer reads: stack frames, `Error:` prefixes, errno codes. */
function clean(text: string): string {
  const firstLine = text.split('\n').find((l) => l.trim() !== '' && !/^\s*at\s/.test(l)) ?? '';
  const bare = firstLine
    .replace(/^(\w*Error(\([\w]+\))?:\s*)+/, '')
    .replace(/\b[A-Z]{2,}[A-Z_]*:\s*/g, '')
    .trim();
  if (!bare) return 'Something went wrong.';
  const sentence = bare[0].toUpperCase() + bare.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

function reason(p: Parts): string {
  const { status, code, text } = p;
  if (p.aborted) return 'The request was cancelled.';
  if (p.browserNetwork)
    return 'The bridge is not answering. Check that Zarr Bridge (or `zarr-bridge serve`) is still running, then try again.';
  if (/ENOENT|no such file or directory|^no such folder/i.test(text)) {
    const path = pathIn(text);
    return path ? `There is no file or folder at ${path}.` : 'There is no file or folder at that path.';
  }
  if (/EACCES|EPERM|permission denied/i.test(text))
    return 'Zarr Bridge is not allowed to read this (permission denied). Check the folder’s permissions.';
  if (/ENOTDIR/.test(text)) {
    const path = pathIn(text);
    return `${path ?? 'This'} is a file, not a folder: open the folder that holds the data (for example image.ome.zarr).`;
  }
  if (/EMFILE|ENFILE/.test(text)) return 'Too many files are open at once. Close some layers and try again.';
  if (/only http\(s\) URLs/i.test(text)) return 'Only http:// and https:// addresses can be added.';
  if (/invalid url/i.test(text)) return 'That is not a valid web address.';
  // The bridge's refusals of what cannot be opened are written for people already (sources/local/openable.ts).
  if (code === 'BadRequest' && !/\b(E[A-Z]{3,}|realpath)\b|fetch failed/.test(text)) return clean(text);
  if (status === 401 || code === 'Unauthorized')
    return 'The bridge asks for its API key. Open the viewer with the address that `zarr-bridge serve` printed.';
  if (status === 403 || code === 'Forbidden')
    return 'The bridge refused this request: it serves only the folders you opened, to this computer.';
  if (status === 504 || code === 'UpstreamTimeout') {
    const host = hostIn(text);
    return `${host ?? 'The remote server'} did not answer in time. Try again in a moment.`;
  }
  if (status === 502 || code === 'Upstream') {
    const host = hostIn(text);
    if (NETWORK.test(text))
      return `${host ?? 'The remote server'} could not be reached. Check the address and your network connection.`;
    return `${host ?? 'The remote server'} answered with an error: ${clean(text.replace(/https?:\/\/[^\s:]+:?\s*/, ''))}`;
  }
  if (NETWORK.test(text))
    return `${hostIn(text) ?? 'A server'} could not be reached. Check the address and your network connection.`;
  if (status === 404 || code === 'NotFound') {
    const node = /no such node:\s*(\S+)/.exec(text)?.[1];
    if (node)
      return `${node} is not in the catalog: it may have been removed, or the link is old. Choose it again in the catalog.`;
    return 'Nothing was found at this address.';
  }
  if (status === 405)
    return 'Settings of `zarr-bridge serve` are its command-line flags: restart it with other flags to change them.';
  if (code === 'CorruptData')
    return 'The data could not be decoded: the file looks damaged, or its encoding is not supported.';
  if (status !== undefined && status >= 500) return 'The bridge ran into an internal error. Its log has the details.';
  return clean(text);
}

/** Sentences already worded (bounded: they are only ever the last few errors on screen). */
const worded = new Set<string>();

/**
 * A sentence for people about `e`, after `context` when given ("Could not open /data/x").
 * Accepts errors and the plain texts older call sites pass around.
 */
export function humanError(e: unknown, context?: string): string {
  // A sentence made here may be reported through a caller that words errors again: keep it as it is.
  if (typeof e === 'string' && context === undefined && worded.has(e)) return e;
  const parts = partsOf(e);
  const why = reason(parts);
  const doing = context ?? parts.context;
  const lead = doing?.replace(/[.:]\s*$/, '');
  const text = lead ? `${lead[0].toUpperCase()}${lead.slice(1)}. ${why}` : why;
  if (worded.size >= 100) worded.clear();
  worded.add(text);
  return text;
}
