/**
 * A Neuroglancer data source URL → the catalog path it reads on this bridge.
 * Knows every spelling Neuroglancer 2.41 accepts for the bridge's faces:
 * `zarr3://http://…/zarr/v3/<path>` (also `zarr://`, `zarr2://`), `n5://…/n5/<path>`,
 * the bossdb-zarr aliases `n5://…/api/<c>/<e>/<ch>` and `zarr://…/ome/<c>/<e>/<ch>`,
 * and the pipeline form Neuroglancer itself writes back (`http://…/zarr/v3/<path>/|zarr3:`).
 */
import type { Face } from './source';

export type SourceMatch = { path: string; face: Face } | { skip: string };

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** Same server: same scheme and port, and the same host or two names of loopback. */
export function sameBridge(origin: string, bridgeOrigin: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(origin);
    b = new URL(bridgeOrigin);
  } catch {
    return false;
  }
  if (a.protocol !== b.protocol || a.port !== b.port) return false;
  return a.hostname === b.hostname || (LOOPBACK.test(a.hostname) && LOOPBACK.test(b.hostname));
}

function segments(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** `http(s)://host/<face prefix>/<path>` → catalog path and face. */
function matchHttp(url: URL, scheme: string | undefined): SourceMatch {
  const parts = segments(url.pathname);
  if (!parts || parts.some((s) => s === '.' || s === '..')) return { skip: 'malformed path' };
  const [first, second, ...rest] = parts;
  if (first === 'zarr' && (second === 'v2' || second === 'v3') && rest.length > 0) {
    if (scheme === 'n5') return { skip: `n5:// on a Zarr face` };
    return { path: rest.join('/'), face: second === 'v3' ? 'zarr3' : 'zarr2' };
  }
  if (first === 'n5' && second !== undefined) {
    if (scheme !== undefined && scheme !== 'n5') return { skip: `${scheme}:// on the N5 face` };
    return { path: [second, ...rest].join('/'), face: 'n5' };
  }
  // bossdb-zarr's aliases of a BossDB channel.
  if ((first === 'api' || first === 'ome') && parts.length === 4)
    return { path: ['bossdb', ...parts.slice(1)].join('/'), face: first === 'api' ? 'n5' : 'zarr2' };
  return { skip: `not one of the bridge's faces: ${url.pathname}` };
}

export function catalogPathOf(sourceUrl: string, bridgeOrigins: readonly string[]): SourceMatch {
  let rest = sourceUrl.trim();
  let scheme: string | undefined;
  // Old style: a format prefix before the data URL.
  const prefix = /^(zarr|zarr2|zarr3|n5):\/\//.exec(rest);
  if (prefix) {
    scheme = prefix[1];
    rest = rest.slice(prefix[0].length);
  }
  // New style: a pipeline of URLs joined by `|`; the first is the data, `zarr3:` and the like name the format.
  const [data, ...steps] = rest.split('|');
  for (const step of steps) {
    const m = /^(zarr|zarr2|zarr3|n5):/.exec(step);
    if (m) scheme = m[1];
    else if (step !== '') return { skip: `a pipeline step the bridge does not serve: ${step}` };
  }
  let url: URL;
  try {
    url = new URL(data);
  } catch {
    return { skip: `not a URL: ${data}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { skip: `not read over http: ${data}` };
  if (!bridgeOrigins.some((o) => sameBridge(url.origin, o))) return { skip: `another server: ${url.origin}` };
  return matchHttp(url, scheme);
}
