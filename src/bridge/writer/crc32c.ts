/** CRC-32C (Castagnoli), as Zarr v3's `crc32c` codec appends it to shard indexes (SheetJS crc-32). */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const CRC32C = require('crc-32/crc32c') as { buf(data: Uint8Array, seed?: number): number };

export const crc32c = (bytes: Uint8Array): number => CRC32C.buf(bytes) >>> 0;
