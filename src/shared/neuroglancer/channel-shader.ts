/**
 * One channel as Neuroglancer's own multi-channel set-up draws it: an image
 * layer whose shader maps the value through an `invlerp` control (the
 * contrast window) and multiplies a `vec3` colour control, blended
 * additively with the other channels.
 */
import type { InvlerpControl } from './state';

export type Rgb = [number, number, number];

/** The control names are part of the contract: the parser reads them back. */
export const CONTRAST_CONTROL = 'contrast';
export const COLOR_CONTROL = 'color';

export const CHANNEL_SHADER = `#uicontrol invlerp ${CONTRAST_CONTROL}
#uicontrol vec3 ${COLOR_CONTROL} color
void main() {
  float level = ${CONTRAST_CONTROL}();
  if (VOLUME_RENDERING) {
    emitRGBA(vec4(${COLOR_CONTROL} * level, level));
  } else {
    emitRGB(${COLOR_CONTROL} * level);
  }
}
`;

export function rgbToHex(rgb: Rgb): string {
  return `#${rgb
    .map((v) =>
      Math.max(0, Math.min(255, Math.round(v)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** `#rrggbb`, `rrggbb` or `#rgb` → 0–255 components; undefined for anything else. */
export function hexToRgb(hex: string): Rgb | undefined {
  const s = hex.trim().replace(/^#/, '');
  const full = /^[0-9a-f]{3}$/i.test(s) ? [...s].map((c) => c + c).join('') : s;
  if (!/^[0-9a-f]{6}$/i.test(full)) return undefined;
  const n = Number.parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function channelShaderControls(color: Rgb, window: [number, number], range?: [number, number]) {
  const contrast: InvlerpControl = { range: [window[0], window[1]] };
  if (range) contrast.window = [range[0], range[1]];
  return { [CONTRAST_CONTROL]: contrast, [COLOR_CONTROL]: rgbToHex(color) };
}
