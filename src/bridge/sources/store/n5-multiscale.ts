/**
 * The n5-viewer multiscale convention (`s0, s1…` with `scales` or per-level
 * `downsamplingFactors`, `pixelResolution`/`resolution`) read as an OME
 * multiscale, so an N5 volume opens on the Zarr faces and in the viewer.
 */
import type { Attrs } from '../../model/node.js';
import type { OmeAxis, OmeMeta } from '../../model/ome.js';

const UNIT_NAMES: Record<string, string> = {
  nm: 'nanometer',
  um: 'micrometer',
  µm: 'micrometer',
  mm: 'millimeter',
  m: 'meter',
  s: 'second',
  ms: 'millisecond',
};

/** `levels`: the `sN` children in order, with each level's own attributes. */
export function n5MultiscaleAsOme(group: Attrs, levels: { name: string; attrs: Attrs }[]): OmeMeta | undefined {
  if (levels.length === 0) return undefined;
  const rank = (levels[0].attrs.dimensions as number[] | undefined)?.length;
  if (!rank) return undefined;
  const n5Axes = Array.isArray(group.axes) ? (group.axes as string[]) : ['x', 'y', 'z', 'c', 't'].slice(0, rank);
  const pixel = group.pixelResolution as { dimensions?: number[]; unit?: string } | undefined;
  const resolution = (pixel?.dimensions ?? (group.resolution as number[] | undefined) ?? []).slice(0, rank);
  const units = Array.isArray(group.units) ? (group.units as string[]) : n5Axes.map(() => pixel?.unit ?? '');
  const scales = Array.isArray(group.scales) ? (group.scales as number[][]) : undefined;
  const axes: OmeAxis[] = n5Axes.slice(0, rank).map((name, i) => {
    const type =
      name === 't' ? 'time' : name === 'c' ? 'channel' : ['x', 'y', 'z'].includes(name) ? 'space' : undefined;
    const unit = UNIT_NAMES[units[i]] ?? (units[i] || undefined);
    return { name, ...(type ? { type } : {}), ...(unit && type !== 'channel' ? { unit } : {}) };
  });
  const datasets = levels.map((level, k) => {
    const factors =
      scales?.[k] ?? (level.attrs.downsamplingFactors as number[] | undefined) ?? new Array(rank).fill(2 ** k);
    const scale = axes.map((_, i) => (resolution[i] ?? 1) * (factors[i] ?? 1));
    return { path: level.name, coordinateTransformations: [{ type: 'scale', scale: [...scale].reverse() }] };
  });
  return {
    sourceVersion: 'n5-viewer',
    multiscales: [{ axes: [...axes].reverse(), datasets }],
  };
}
