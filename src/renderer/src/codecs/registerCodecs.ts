/**
 * Puts the decode workers behind zarrita's codec registry: blosc, zstd and lz4 (v3 names and numcodecs' v2-compat
 * names) decode in workers; gzip, zlib and the array codecs stay zarrita's own (they need no eval). `canDecode`
 * tells whether every codec of an array's metadata can be decoded in the page, so an array that cannot is read
 * through a face on which the bridge decodes it instead.
 */
import * as zarr from 'zarrita';
import { DecodePool } from './decodePool';
import type { PooledCodecName } from './decodeProtocol';

const POOLED: Record<string, PooledCodecName> = {
  blosc: 'blosc',
  'numcodecs.blosc': 'blosc',
  zstd: 'zstd',
  'numcodecs.zstd': 'zstd',
  lz4: 'lz4',
  'numcodecs.lz4': 'lz4',
};

let pool: DecodePool | undefined;

function decodePool(): DecodePool {
  // Two workers at least: one can decode while the other receives; more than four rarely pays off for tiles.
  const size = Math.max(2, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
  pool ??= new DecodePool(
    size,
    () => new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: 'zarr-decode' }),
  );
  return pool;
}

type CodecClass = Awaited<ReturnType<NonNullable<ReturnType<typeof zarr.registry.get>>>>;

function pooledCodec(name: PooledCodecName): CodecClass {
  const codec = {
    kind: 'bytes_to_bytes' as const,
    encode(): never {
      throw new Error(`${name}: the viewer only decodes`);
    },
    decode: (bytes: Uint8Array) => decodePool().decode(name, bytes),
  };
  return { fromConfig: () => codec } as unknown as CodecClass;
}

let installed = false;

/** Registers the worker-backed codecs with zarrita (once). */
export function registerPooledCodecs(): void {
  if (installed) return;
  installed = true;
  for (const [registryName, codec] of Object.entries(POOLED)) {
    const entry = pooledCodec(codec);
    zarr.registry.set(registryName, async () => entry);
  }
}

interface CodecMeta {
  name: string;
  configuration?: { codecs?: CodecMeta[]; index_codecs?: CodecMeta[] };
}

/** Names of every codec an array's v3 metadata uses, nested sharding included. */
export function codecNames(codecs: readonly CodecMeta[]): string[] {
  return codecs.flatMap((c) => [
    c.name,
    ...codecNames(c.configuration?.codecs ?? []),
    ...codecNames(c.configuration?.index_codecs ?? []),
  ]);
}

/** Gets the decode workers ready for the pooled codecs among `codecs` (an array about to be read). */
export function warmDecoders(codecs: readonly CodecMeta[]): void {
  for (const name of codecNames(codecs)) {
    const pooled = POOLED[name];
    if (pooled) decodePool().warm(pooled);
  }
}

/** Whether zarrita in this page (with the pooled codecs) can decode every codec named. */
export function canDecode(codecs: readonly CodecMeta[]): boolean {
  // A question only: registering here would swap the codecs of any other zarrita user in this realm
  // (a Node test importing this file), so the pooled names are asked for and main.tsx registers them.
  return codecNames(codecs).every((n) => n === 'sharding_indexed' || n in POOLED || zarr.registry.has(n));
}
