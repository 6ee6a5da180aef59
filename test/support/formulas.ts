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
  const rules: [string[], RegExp, (m: RegExpExecArray) => FormulaReference][] = [
    [['image_blosc.ome.zarr', 'image_gzip.ome.zarr'], /^(\d)$/, (m) => f('image', { level: Number(m[1]) })],
    [
      ['image_blosc.ome.zarr', 'image_gzip.ome.zarr'],
      /^labels\/cells\/(\d)$/,
      (m) => f('cells', { level: Number(m[1]) }),
    ],
    [['image_sharded.ome.zarr'], /^(\d)$/, (m) => f('sharded', { level: Number(m[1]) })],
    [['data.n5'], /^s(\d)$/, (m) => f('n5', { level: Number(m[1]) })],
    [['bf2raw.ome.zarr'], /^(\d)\/0$/, (m) => f('bf2raw', { series: Number(m[1]) })],
    [
      ['plate.ome.zarr'],
      /^([AB])\/([12])\/(\d)\/(\d)$/,
      (m) => f('plate', { row: m[1] === 'A' ? 0 : 1, col: Number(m[2]) - 1, field: Number(m[3]), level: Number(m[4]) }),
    ],
  ];
  for (const [folders, pattern, make] of rules) {
    const m = folders.includes(base) ? pattern.exec(rel) : null;
    if (m) return make(m);
  }
  return undefined;
}
