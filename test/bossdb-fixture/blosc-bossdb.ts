/**
 * Blosc frames the way BossDB's BloscRenderer writes them:
 * `blosc.compress(arr, typesize=<BIT depth>)` with byte-shuffle ON, so the
 * header's typesize byte reads 8, 16 or 64 for uint8/16/64 and the shuffle
 * groups bytes by that (wrong) width. A decoder that honours the header gets
 * the voxels back; one that assumes typesize = bytes per voxel does not.
 *
 * numcodecs (the only encoder at hand) always writes typesize 4, and c-blosc
 * splits each block into `typesize` streams unless the frame's "don't split"
 * flag (0x10) is set, so simply patching header byte 3 breaks every
 * compressor except zstd, the only one numcodecs marks "don't split"
 * (verified: blosclz/lz4/lz4hc/zlib/snappy frames decode to wrong bytes once
 * patched; zstd with shuffle 0 decodes identically). We therefore:
 *  1. byte-shuffle each block ourselves with typesize = bit depth,
 *  2. compress that with numcodecs zstd, shuffle 0 (our bytes stay as they are),
 *  3. patch byte 3 to the bit depth and set the shuffle flag (0x01), so the
 *     decoder unshuffles with the bit depth exactly as for a BossDB frame.
 * Frames that c-blosc stores raw ("memcpyed", 0x02; small or incompressible
 * input) are never unshuffled by a decoder, so they carry the raw voxels.
 * The differences from a real BossDB frame: compressor code zstd (flags 0x91
 * instead of blosclz 0x01) and a forced block size.
 */
import { Blosc } from 'numcodecs';

const HEADER = 16;
const FLAG_SHUFFLE = 0x01;
const FLAG_MEMCPYED = 0x02;
/** Block size we ask c-blosc for; it may pick a smaller one for small inputs. */
const BLOCKSIZE = 256 * 1024;

function shuffleBlock(src: Uint8Array, dst: Uint8Array, typesize: number): void {
  const n = Math.floor(src.length / typesize);
  for (let j = 0; j < typesize; j++) for (let i = 0; i < n; i++) dst[j * n + i] = src[i * typesize + j]!;
  dst.set(src.subarray(n * typesize), n * typesize); // leftover bytes are copied as they are
}

function shuffleBlocks(raw: Uint8Array, typesize: number, blocksize: number): Uint8Array {
  const out = new Uint8Array(raw.length);
  for (let o = 0; o < raw.length; o += blocksize) {
    const end = Math.min(o + blocksize, raw.length);
    shuffleBlock(raw.subarray(o, end), out.subarray(o, end), typesize);
  }
  return out;
}

const u32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);

/** A c-blosc1 frame of `raw`, with typesize = `bitDepth` and byte-shuffle, like BossDB's. */
export async function encodeBossdbBlosc(raw: Uint8Array, bitDepth: number, clevel = 1): Promise<Uint8Array> {
  let blocksize = Math.min(BLOCKSIZE, raw.length);
  // c-blosc may round the block size; shuffle with the one it reports and retry once if it differs.
  for (let attempt = 0; attempt < 3; attempt++) {
    const codec = Blosc.fromConfig({ id: 'blosc', cname: 'zstd', clevel, shuffle: 0, blocksize });
    const frame = new Uint8Array(await codec.encode(shuffleBlocks(raw, bitDepth, Math.max(blocksize, 1))));
    const flags = frame[2]!;
    if (flags & FLAG_MEMCPYED) {
      frame.set(raw, HEADER);
      frame[2] = flags & ~FLAG_SHUFFLE;
      frame[3] = bitDepth;
      return frame;
    }
    const used = u32(frame, 8);
    if (used === blocksize) {
      frame[2] = flags | FLAG_SHUFFLE;
      frame[3] = bitDepth;
      return frame;
    }
    blocksize = used;
  }
  throw new Error('fixture: c-blosc kept changing its block size');
}
