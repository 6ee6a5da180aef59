/**
 * Which closed-form formula (test/py/formulas.py, from the fixtures'
 * MANIFEST.json) gives the values of a generated fixture array.
 */
export interface FormulaReference {
  kind: 'formula';
  name: 'image' | 'cells' | 'n5' | 'plate' | 'bf2raw' | 'sharded';
  shape: number[];
  params: Record<string, number>;
}

export function formulaFor(folder: string, rel: string, shape: number[]): FormulaReference | undefined {
  const f = (name: FormulaReference['name'], params: Record<string, number>): FormulaReference => ({
    kind: 'formula',
    name,
    shape,
    params,
  });
  const base = folder.replace(/^generated\//, '');
  let m: RegExpExecArray | null;
  if (base === 'image_blosc.ome.zarr' || base === 'image_gzip.ome.zarr') {
    if ((m = /^(\d)$/.exec(rel))) return f('image', { level: Number(m[1]) });
    if ((m = /^labels\/cells\/(\d)$/.exec(rel))) return f('cells', { level: Number(m[1]) });
  }
  if (base === 'image_sharded.ome.zarr' && (m = /^(\d)$/.exec(rel))) return f('sharded', { level: Number(m[1]) });
  if (base === 'data.n5' && (m = /^s(\d)$/.exec(rel))) return f('n5', { level: Number(m[1]) });
  if (base === 'bf2raw.ome.zarr' && (m = /^(\d)\/0$/.exec(rel))) return f('bf2raw', { series: Number(m[1]) });
  if (base === 'plate.ome.zarr' && (m = /^([AB])\/([12])\/(\d)\/(\d)$/.exec(rel))) {
    return f('plate', { row: m[1] === 'A' ? 0 : 1, col: Number(m[2]) - 1, field: Number(m[3]), level: Number(m[4]) });
  }
  return undefined;
}
