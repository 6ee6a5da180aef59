/**
 * JSON for metadata documents: bigint fill values (uint64) are written as
 * exact integers, and non-finite floats as Zarr's strings ("NaN").
 */
export function toJson(value: unknown, space?: number): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') {
        marks.push(v.toString());
        return `\u0000bigint${marks.length - 1}\u0000`;
      }
      if (typeof v === 'number' && !Number.isFinite(v))
        return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      return v;
    },
    space,
  );
  return marks.length === 0 ? text : text.replace(/"\\u0000bigint(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]);
}
