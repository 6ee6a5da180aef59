/**
 * ImageJ's hyperstack description (`ImageJ=1.x`, `images=`, `channels=`,
 * `slices=`, `frames=`, `spacing=`, `unit=`, `finterval=`): pages run c
 * fastest, then z, then t. tifffile writes the same when `imagej=True`.
 */

export interface ImageJMeta {
  readonly channels: number;
  readonly slices: number;
  readonly frames: number;
  readonly spacing?: number;
  readonly unit?: string;
  readonly frameInterval?: number;
}

export function parseImageJ(description: string | undefined): ImageJMeta | undefined {
  if (!description?.startsWith('ImageJ=')) return undefined;
  const values = new Map<string, string>();
  for (const line of description.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const count = (k: string) => {
    const n = Number(values.get(k));
    return Number.isInteger(n) && n > 0 ? n : 1;
  };
  const positive = (k: string) => {
    const n = Number(values.get(k));
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  // ImageJ writes the micro sign as an escape in some versions.
  const unit = values.get('unit')?.replace(/\\u00B5/gi, 'µ');
  const spacing = positive('spacing');
  const frameInterval = positive('finterval');
  const channels = count('channels');
  const frames = count('frames');
  // A plain stack may say only `images=`.
  const slices = values.has('slices') || channels * frames > 1 ? count('slices') : count('images');
  return {
    channels,
    slices,
    frames,
    ...(spacing ? { spacing } : {}),
    ...(unit ? { unit } : {}),
    ...(frameInterval ? { frameInterval } : {}),
  };
}
