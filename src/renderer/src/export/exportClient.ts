/**
 * The bridge's export routes, for the viewer: the per-process token (given
 * only to the bridge's own viewer), then start, list and cancel jobs with it.
 */
import type { ExportJob } from '../../../shared/export';
import { bridgeJson } from '../api/bridgeResponse';

export interface ExportOptions {
  ome: '0.5' | '0.4';
  chunk: number;
  shard: number;
  compression: 'zstd' | 'blosc' | 'gzip' | 'none';
  levels: number | 'auto';
  region?: Record<string, [number, number]>;
}

export type { ExportJob };

let token: Promise<string> | undefined;

function sessionToken(): Promise<string> {
  token ??= fetch('/control/export/session', { cache: 'no-store' })
    .then((res) => bridgeJson<{ token: string }>(res, 'Export'))
    .then((b) => b.token);
  // A refusal now (e.g. export is off) may not last: ask again next time.
  token.catch(() => {
    token = undefined;
  });
  return token;
}

async function call<T>(method: string, route: string, what: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'x-zarr-bridge-token': await sessionToken() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return bridgeJson<T>(res, what);
}

export const startExport = (source: string, output: string, options: ExportOptions, overwrite: boolean) =>
  call<ExportJob>('POST', '/control/export/jobs', 'Export', { source, output, options, overwrite });

export const listExports = () =>
  call<{ jobs: ExportJob[] }>('GET', '/control/export/jobs', 'Export jobs').then((b) => b.jobs);

export const cancelExport = (id: string) =>
  call<ExportJob>('POST', `/control/export/jobs/${encodeURIComponent(id)}/cancel`, 'Cancel export');
