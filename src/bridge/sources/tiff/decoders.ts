/**
 * The decoder of a page's tiles or strips: geotiff.js's registry (LZW,
 * JPEG, PackBits, zstd, none, with its predictors), except Deflate, which
 * runs on Node's zlib — native code on the thread pool, so decoding uses both
 * cores and the event loop keeps answering while a plane is inflated.
 * Blocks come out little-endian, JPEG's YCbCr as RGB.
 */
import { promisify } from 'node:util';
import { inflate } from 'node:zlib';
import { BaseDecoder, getDecoder } from 'geotiff';
import { BridgeError } from '../../errors.js';
import { COMPRESSION, type TiffPage } from './page.js';
import { ycbcrToRgb } from './ycbcr.js';

const inflateAsync = promisify(inflate);

export interface BlockDecoder {
  /** The decoded block: predictor undone, little-endian, RGB for YCbCr JPEG. */
  decode(block: ArrayBuffer): Promise<Uint8Array>;
}

/** Bytes in the file's order (the predictor undone in the host's), as geotiff.js's decoders give them. */
interface RawDecoder {
  decode(block: ArrayBuffer): Promise<ArrayBuffer | Uint8Array>;
}

type DecoderParameters = ConstructorParameters<typeof BaseDecoder>[0];

class NodeInflate extends BaseDecoder {
  readonly #expected: number;
  constructor(parameters: DecoderParameters, expected: number) {
    super(parameters);
    this.#expected = expected;
  }
  override async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBuffer> {
    const out = await this.inflate(buffer);
    // geotiff.js's predictors work on a whole ArrayBuffer.
    return out.byteOffset === 0 && out.byteLength === out.buffer.byteLength
      ? (out.buffer as ArrayBuffer)
      : (out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer);
  }

  /** The inflated bytes, as zlib hands them back (no copy). */
  async inflate(buffer: ArrayBufferLike): Promise<Uint8Array> {
    // A buffer sized for the whole block: one trip through zlib.
    const out = await inflateAsync(new Uint8Array(buffer), { chunkSize: this.#expected + 64 });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
}

const SUPPORTED = new Set<number>(Object.values(COMPRESSION));

/** A decoder for `page`'s blocks; throws NotRepresentable for compressions outside the supported set. */
export async function decoderFor(page: TiffPage, where: string): Promise<BlockDecoder> {
  if (!SUPPORTED.has(page.compression)) {
    throw new BridgeError('NotRepresentable', `${where}: TIFF compression ${page.compression} is not supported`);
  }
  const bpe = page.bitsPerSample[0]! / 8;
  // geotiff.js adds up horizontal differences in the host's byte order, which is wrong for a
  // big-endian file: there the predictor is undone here, after the bytes are swapped.
  const predictorHere = page.predictor === 2 && !page.littleEndian && bpe > 1;
  const raw = await rawDecoder(page, predictorHere ? 1 : page.predictor);
  // The floating-point predictor (3) reassembles values little-endian whatever the file's order.
  const swap = !page.littleEndian && bpe > 1 && page.predictor !== 3;
  const samples = page.planar === 1 ? page.samples : 1;
  return {
    async decode(block) {
      const decoded = await raw.decode(block);
      let bytes = decoded instanceof Uint8Array ? decoded : new Uint8Array(decoded);
      if (page.ycbcr) bytes = ycbcrToRgb(bytes);
      if (swap) swapBytes(bytes, bpe);
      if (predictorHere) undoHorizontalDifferences(bytes, page.blockWidth, samples, bpe);
      return bytes;
    },
  };
}

async function rawDecoder(page: TiffPage, predictor: number): Promise<RawDecoder> {
  const parameters = {
    tileWidth: page.blockWidth,
    tileHeight: page.blockHeight,
    predictor,
    bitsPerSample: [...page.bitsPerSample],
    planarConfiguration: page.planar,
    ...(page.jpegTables ? { JPEGTables: page.jpegTables } : {}),
  };
  if (page.compression === COMPRESSION.deflate || page.compression === COMPRESSION.adobeDeflate) {
    const elements = page.blockWidth * page.blockHeight * (page.planar === 1 ? page.samples : 1);
    const inflater = new NodeInflate(parameters, (elements * page.bitsPerSample[0]!) / 8);
    // Without a predictor, zlib's output is the block: no copy into an ArrayBuffer of its own.
    return predictor === 1 ? { decode: (block) => inflater.inflate(block) } : (inflater as unknown as RawDecoder);
  }
  return (await getDecoder(page.compression, parameters)) as unknown as RawDecoder;
}

export function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** TIFF predictor 2 on little-endian samples: each sample is the sum of those before it in its row. */
function undoHorizontalDifferences(bytes: Uint8Array, width: number, samples: number, bpe: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rowBytes = width * samples * bpe;
  const mask = bpe === 2 ? 0xffff : 0xffffffff;
  for (let row = 0; row + rowBytes <= bytes.byteLength; row += rowBytes) {
    for (let i = samples; i < width * samples; i++) {
      const at = row + i * bpe;
      const before = at - samples * bpe;
      if (bpe === 2) view.setUint16(at, (view.getUint16(at, true) + view.getUint16(before, true)) & mask, true);
      else if (bpe === 4) view.setUint32(at, (view.getUint32(at, true) + view.getUint32(before, true)) >>> 0, true);
      else
        view.setBigUint64(at, BigInt.asUintN(64, view.getBigUint64(at, true) + view.getBigUint64(before, true)), true);
    }
  }
}
