/**
 * Where chunks are decoded: in the page (workers for blosc/zstd/lz4; the default) or by the bridge (levels read
 * on `/zarr/v2`, transcoded there). `?decode=bridge` chooses the bridge for every level, for comparisons
 * (`npm run bench -- viewer` measures both) and as a way out should a page decoder misbehave.
 */
export type DecodeWhere = 'page' | 'bridge';

export function decodeWhere(search: string = globalThis.location?.search ?? ''): DecodeWhere {
  return new URLSearchParams(search).get('decode') === 'bridge' ? 'bridge' : 'page';
}
