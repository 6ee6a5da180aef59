/**
 * Element types the bridge can transcode, named as Zarr v3 names them, and
 * their spellings in Zarr v2 (numpy descr) and N5. Data moves between layers
 * as little-endian bytes; only the faces pick another byte order.
 */

export const DTYPES = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
] as const;

export type DType = (typeof DTYPES)[number];

export function isDType(name: string): name is DType {
  return (DTYPES as readonly string[]).includes(name);
}

const SIZE: Record<DType, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
};

export const bytesPerElement = (d: DType): number => SIZE[d];

/** numpy descr letter + size, e.g. `u2` for uint16. */
function numpyCode(d: DType): string {
  if (d === 'bool') return 'b1';
  const kind = d.startsWith('uint') ? 'u' : d.startsWith('int') ? 'i' : 'f';
  return `${kind}${SIZE[d]}`;
}

/** Zarr v2 `dtype`: `|u1`, `<u2`, `>f4`… (one-byte types have no byte order). */
export function v2Descr(d: DType, endian: 'little' | 'big' = 'little'): string {
  const order = SIZE[d] === 1 ? '|' : endian === 'little' ? '<' : '>';
  return `${order}${numpyCode(d)}`;
}

const N5_TYPES: Partial<Record<DType, string>> = {
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  float32: 'float32',
  float64: 'float64',
};

/** N5 `dataType`, or undefined when N5 has no such type (bool, float16). */
export const n5DataType = (d: DType): string | undefined => N5_TYPES[d];

export function fromN5DataType(name: string): DType | undefined {
  return isDType(name) && N5_TYPES[name] !== undefined ? name : undefined;
}
