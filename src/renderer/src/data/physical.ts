/**
 * Where an image's level-0 pixels lie in physical space (OME scale and translation, x and y), and the
 * model matrix that draws one image in the pixel space of another. Layers are drawn in the base (first)
 * layer's level-0 pixels, so its URLs, view and scale bar keep their meaning; other layers are scaled and
 * shifted into that space, so images with different voxel sizes overlay where they physically are.
 */
import { Matrix4 } from '@math.gl/core';
import type { CatalogNode, OmeTransform } from '../../../shared/catalog';

export interface PhysicalFrame {
  /** Size of one level-0 pixel along x and y, in `unit`. */
  scale: [number, number];
  /** Physical position of pixel (0, 0), in `unit`. */
  translation: [number, number];
  unit?: string;
}

/** NGFF space units in meters (the UDUNITS-2 names OME-NGFF allows). */
const METERS: Record<string, number> = {
  yoctometer: 1e-24,
  zeptometer: 1e-21,
  attometer: 1e-18,
  femtometer: 1e-15,
  picometer: 1e-12,
  angstrom: 1e-10,
  nanometer: 1e-9,
  micrometer: 1e-6,
  micron: 1e-6,
  millimeter: 1e-3,
  centimeter: 1e-2,
  decimeter: 1e-1,
  meter: 1,
  hectometer: 1e2,
  kilometer: 1e3,
  megameter: 1e6,
  gigameter: 1e9,
  terameter: 1e12,
  petameter: 1e15,
  exameter: 1e18,
  zettameter: 1e21,
  yottameter: 1e24,
  inch: 0.0254,
  foot: 0.3048,
  yard: 0.9144,
  mile: 1609.344,
  parsec: 3.0857e16,
};

/** One `unit` in meters, or undefined for units that are not lengths (or unknown). */
export function toMeters(unit: string): number | undefined {
  return METERS[unit];
}

function pick(ts: OmeTransform[] | undefined, type: 'scale' | 'translation'): number[] | undefined {
  return ts?.find((t) => t.type === type)?.[type];
}

export function physicalFrame(node: CatalogNode): PhysicalFrame {
  const ms = node.ome?.multiscales?.[0];
  const ds = ms?.datasets[0]?.coordinateTransformations;
  const rank = ms?.axes.length ?? 2;
  const at = (v: number[] | undefined, i: number, fallback: number) => (v && v.length === rank ? v[i] : fallback);
  const [s, t, gs, gt] = [
    pick(ds, 'scale'),
    pick(ds, 'translation'),
    pick(ms?.coordinateTransformations, 'scale'),
    pick(ms?.coordinateTransformations, 'translation'),
  ];
  // Dataset transforms apply first, then the multiscale's own (OME-NGFF 0.4).
  const axis = (i: number) => {
    const g = at(gs, i, 1);
    return [at(s, i, 1) * g, at(t, i, 0) * g + at(gt, i, 0)];
  };
  const [sx, tx] = axis(rank - 1);
  const [sy, ty] = axis(rank - 2);
  return { scale: [sx, sy], translation: [tx, ty], unit: ms?.axes[rank - 1]?.unit };
}

/** Layer pixels → base pixels; undefined when they coincide (the base layer itself, or no metadata). */
export function modelMatrixFor(layer: PhysicalFrame, base: PhysicalFrame): Matrix4 | undefined {
  // Unknown or unconvertible units: compare the numbers as they are.
  const lu = layer.unit ? METERS[layer.unit] : undefined;
  const bu = base.unit ? METERS[base.unit] : undefined;
  const k = lu && bu ? lu / bu : 1;
  const sx = (layer.scale[0] * k) / base.scale[0];
  const sy = (layer.scale[1] * k) / base.scale[1];
  const tx = (layer.translation[0] * k - base.translation[0]) / base.scale[0];
  const ty = (layer.translation[1] * k - base.translation[1]) / base.scale[1];
  if (sx === 1 && sy === 1 && tx === 0 && ty === 0) return undefined;
  return new Matrix4().translate([tx, ty, 0]).scale([sx, sy, 1]);
}

/** Human-readable voxel size of level 0 along its spatial axes, e.g. `4 × 4 × 40 nm (x × y × z)`. */
export function voxelSizeText(node: CatalogNode): string | undefined {
  const ms = node.ome?.multiscales?.[0];
  const scale = pick(ms?.datasets[0]?.coordinateTransformations, 'scale');
  if (!ms || !scale || scale.length !== ms.axes.length) return undefined;
  const spatial = ms.axes
    .map((a, i) => ({ ...a, size: scale[i] }))
    .filter((a) => a.type === 'space' || /^[xyz]$/.test(a.name));
  if (spatial.length === 0) return undefined;
  spatial.reverse(); // x first, as people say it
  const units = new Set(spatial.map((a) => a.unit ?? ''));
  const sizes = spatial.map((a) => `${Number(a.size.toPrecision(4))}${units.size > 1 ? ` ${a.unit ?? ''}` : ''}`);
  const unit = units.size === 1 ? ` ${[...units][0]}` : '';
  return `${sizes.join(' × ')}${unit} (${spatial.map((a) => a.name).join(' × ')})`.replace(/\s+\(/, ' (');
}

/** Base-layer pixel (x, y) in a layer's own level-0 pixels (the inverse of `modelMatrixFor`). */
export function toLayerPixel(layer: PhysicalFrame, base: PhysicalFrame, x: number, y: number): [number, number] {
  const lu = layer.unit ? METERS[layer.unit] : undefined;
  const bu = base.unit ? METERS[base.unit] : undefined;
  const k = lu && bu ? lu / bu : 1;
  const px = x * base.scale[0] + base.translation[0];
  const py = y * base.scale[1] + base.translation[1];
  return [
    (px - layer.translation[0] * k) / (layer.scale[0] * k),
    (py - layer.translation[1] * k) / (layer.scale[1] * k),
  ];
}
