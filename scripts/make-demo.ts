/**
 * Writes resources/demo.ome.zarr, the image the desktop app shows before the
 * user opens anything: OME-Zarr 0.5 (Zarr v3), 3 channels (nuclei, membranes,
 * a textured background), 12 z-planes, 2 levels, and a `nuclei` label image.
 * Synthetic and deterministic: `npx tsx scripts/make-demo.ts`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeArray, writeGroup } from './lib/zarr-v3-writer.js';

const out = fileURLToPath(new URL('../resources/demo.ome.zarr', import.meta.url));
const [C, Z, Y, X] = [3, 10, 256, 384];

// Deterministic "cells": centres, radii.
let seed = 7;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const cells = Array.from({ length: 24 }, (_, i) => ({
  id: i + 1,
  x: 30 + rand() * (X - 60),
  y: 30 + rand() * (Y - 60),
  z: 2 + rand() * (Z - 4),
  r: 14 + rand() * 16,
}));

/** Distance (in radii) to the nearest cell, and its id. */
function nearest(x: number, y: number, z: number): { d: number; id: number } {
  let best = { d: Number.POSITIVE_INFINITY, id: 0 };
  for (const c of cells) {
    const d = Math.hypot(x - c.x, y - c.y, (z - c.z) * 6) / c.r;
    if (d < best.d) best = { d, id: c.id };
  }
  return best;
}

function value(c: number, z: number, y: number, x: number): number {
  const { d } = nearest(x, y, z);
  if (c === 0) return Math.round(30000 * Math.exp(-2 * d * d) + 400);
  if (c === 1) return Math.round(18000 * Math.exp(-40 * (d - 1.05) ** 2) + 300);
  return 3000 + 100 * Math.round(15 * Math.sin(x / 23) * Math.cos(y / 31) + 5 * Math.sin((x + y + z * 9) / 17));
}

const axes = [
  { name: 'c', type: 'channel' },
  { name: 'z', type: 'space', unit: 'micrometer' },
  { name: 'y', type: 'space', unit: 'micrometer' },
  { name: 'x', type: 'space', unit: 'micrometer' },
];
const scale = (k: number) => [1, 1, 0.2 * 2 ** k, 0.2 * 2 ** k];

rmSync(out, { recursive: true, force: true });
writeGroup(out, {
  ome: {
    version: '0.5',
    multiscales: [
      {
        name: 'demo',
        axes,
        datasets: [0, 1].map((k) => ({
          path: String(k),
          coordinateTransformations: [{ type: 'scale', scale: scale(k) }],
        })),
      },
    ],
    omero: {
      channels: [
        { label: 'nuclei', color: '00FFFF', active: true, window: { min: 0, max: 65535, start: 300, end: 24000 } },
        { label: 'membranes', color: 'FF00FF', active: true, window: { min: 0, max: 65535, start: 300, end: 14000 } },
        { label: 'background', color: 'FFFF00', active: false, window: { min: 0, max: 65535, start: 1000, end: 6000 } },
      ],
      rdefs: { defaultZ: Z / 2, model: 'color' },
    },
  },
});
for (const k of [0, 1]) {
  const f = 2 ** k;
  writeArray(
    join(out, String(k)),
    {
      shape: [C, Z, Math.ceil(Y / f), Math.ceil(X / f)],
      chunks: [1, 4, 128, 128],
      dtype: 'uint16',
      dimensionNames: ['c', 'z', 'y', 'x'],
    },
    (data, o, s) => {
      let i = 0;
      for (let c = 0; c < s[0]; c++)
        for (let z = 0; z < s[1]; z++)
          for (let y = 0; y < s[2]; y++)
            for (let x = 0; x < s[3]; x++)
              data[i++] =
                o[2] + y < Y / f && o[3] + x < X / f ? value(o[0] + c, o[1] + z, (o[2] + y) * f, (o[3] + x) * f) : 0;
    },
  );
}
const colors = cells.map((c) => ({
  'label-value': c.id,
  rgba: [(c.id * 67) % 256, (c.id * 131) % 256, (c.id * 199) % 256, 255],
}));
writeGroup(join(out, 'labels'), { ome: { version: '0.5', labels: ['nuclei'] } });
writeGroup(join(out, 'labels', 'nuclei'), {
  ome: {
    version: '0.5',
    multiscales: [
      {
        name: 'nuclei',
        axes: axes.slice(1),
        datasets: [0, 1].map((k) => ({
          path: String(k),
          coordinateTransformations: [{ type: 'scale', scale: scale(k).slice(1) }],
        })),
      },
    ],
    'image-label': { colors, source: { image: '../../' } },
  },
});
for (const k of [0, 1]) {
  const f = 2 ** k;
  writeArray(
    join(out, 'labels', 'nuclei', String(k)),
    {
      shape: [Z, Math.ceil(Y / f), Math.ceil(X / f)],
      chunks: [4, 128, 128],
      dtype: 'uint32',
      dimensionNames: ['z', 'y', 'x'],
    },
    (data, o, s) => {
      let i = 0;
      for (let z = 0; z < s[0]; z++)
        for (let y = 0; y < s[1]; y++)
          for (let x = 0; x < s[2]; x++) {
            const n = nearest((o[2] + x) * f, (o[1] + y) * f, o[0] + z);
            data[i++] = o[1] + y < Y / f && o[2] + x < X / f && n.d < 0.8 ? n.id : 0;
          }
    },
  );
}
console.log(`wrote ${out}`);
