/** Messages between the page and the decode workers. */

/** Codecs decoded in workers: those whose decoders need more than the page's CSP allows. */
export type PooledCodecName = 'blosc' | 'zstd' | 'lz4';

export interface DecodeRequest {
  id: number;
  codec: PooledCodecName;
  /** Omitted: only make the decoder ready (compile its WebAssembly) before chunks arrive. */
  bytes?: Uint8Array;
}

export type DecodeReply = { id: number; bytes: Uint8Array } | { id: number; error: string };
