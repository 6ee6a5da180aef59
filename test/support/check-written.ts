/** Runs test/py/check_written.py: level 0 equals the input, lower levels equal numpy's downsample. */
import { runPythonJson } from './python.js';

export type ArrayRef =
  | { kind: 'zarr2-dir' | 'n5-dir'; path: string; dataset?: string }
  | { kind: 'raw'; file: string; dtype: string; shape: number[] };

export interface WrittenCase {
  id: string;
  source: ArrayRef;
  region?: [number, number][];
  method: 'mean' | 'mode' | 'nearest' | 'max';
  /** Factor of level k from k−1, for k = 1…K. */
  factors: number[][];
  /** Level 0…K as written. */
  written: ArrayRef[];
}

export interface WrittenResult {
  id: string;
  level: number;
  ok: boolean;
  detail: string;
}

export function checkWritten(cases: WrittenCase[]): Promise<WrittenResult[]> {
  return runPythonJson<WrittenResult[]>('check_written.py', { cases });
}

/** Per-level factors from the written OME metadata: scale_k / scale_{k−1}. */
export function factorsFromScales(
  datasets: { coordinateTransformations: { type: string; scale?: number[] }[] }[],
): number[][] {
  const scales = datasets.map((d) => d.coordinateTransformations.find((t) => t.type === 'scale')!.scale!);
  return scales.slice(1).map((s, k) => s.map((v, i) => Math.round(v / scales[k][i])));
}
