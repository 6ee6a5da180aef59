/** What a conversion writes: the user's choices, as the CLI flags and the Export dialog give them. */

export type OmeVersion = '0.4' | '0.5';
export type CompressionName = 'zstd' | 'blosc' | 'gzip' | 'none';
export type DownsampleMethod = 'mean' | 'mode' | 'nearest' | 'max';

/** A box in level-0 voxels, by axis name: `{ x: [0, 1024] }` (start inclusive, stop exclusive). */
export type Region = Record<string, readonly [number | undefined, number | undefined]>;

export interface WriteOptions {
  ome: OmeVersion;
  /** One size for every spatial axis, or one per axis for the trailing axes (`z,y,x`). Default 64 (1 for t, c). */
  chunk?: number | readonly number[];
  /** Chunks per shard per spatial axis (1: no shards; 0.4 has none). Default 8. */
  shard: number;
  compression: CompressionName;
  /** Default: zstd 3, blosc 5, gzip 5. */
  compressionLevel?: number;
  /** `auto`: until the largest spatial extent fits in one chunk. */
  levels: number | 'auto';
  /** Default: mean for intensity images, mode for labels. */
  downsample?: DownsampleMethod;
  /** Voxel size of the spatial axes, in their order (`z,y,x`). */
  voxelSize?: readonly number[];
  /** NGFF unit name for the spatial axes. */
  unit?: string;
  region?: Region;
  /** Codec worker threads. */
  threads: number;
  /** A bound on the memory the conversion holds, in bytes. */
  memoryBytes: number;
}

export const DEFAULT_CHUNK = 64;
export const DEFAULT_SHARD = 8;
export const DEFAULT_MEMORY_BYTES = 1024 * 2 ** 20;

export function defaultWriteOptions(threads: number): WriteOptions {
  return {
    ome: '0.5',
    shard: DEFAULT_SHARD,
    compression: 'zstd',
    levels: 'auto',
    threads,
    memoryBytes: DEFAULT_MEMORY_BYTES,
  };
}

/** How a job is run: parts of a cluster conversion, resuming, replacing. */
export interface RunMode {
  overwrite: boolean;
  resume: boolean;
  /** Write only the shards of part `index` (0-based) of `count`. */
  part?: { index: number; count: number };
  /** Write what the parts left (shards spanning parts) and the metadata. */
  finalize: boolean;
}
