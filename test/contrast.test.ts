/** The viewer's auto-contrast: the one-pass histogram for small integer types ranks exactly like a sort. */
import { describe, expect, it } from 'vitest';
import { percentileLimits } from '../src/renderer/src/data/contrast.js';

function bySort(data: ArrayLike<number>, lowPct = 0.5, highPct = 99.5): [number, number] {
  const v = Float64Array.from(data).sort();
  const at = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.round((p / 100) * (v.length - 1))))];
  return at(highPct) > at(lowPct) ? [at(lowPct), at(highPct)] : [at(lowPct), at(lowPct) + 1];
}

describe('auto-contrast', () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const cases: [string, ArrayLike<number>][] = [
    ['uint8', Uint8Array.from({ length: 5000 }, () => Math.floor(random() ** 2 * 256))],
    ['uint16', Uint16Array.from({ length: 70_000 }, () => Math.floor(random() ** 3 * 65536))],
    ['int8', Int8Array.from({ length: 999 }, () => Math.floor(random() * 256) - 128)],
    ['int16', Int16Array.from({ length: 4096 }, () => Math.floor((random() - 0.5) * 60000))],
    ['constant uint16', new Uint16Array(100).fill(4000)],
    ['one value', Uint8Array.of(9)],
  ];
  for (const [name, data] of cases) {
    it(`${name}: same limits as sorting`, () => {
      expect(percentileLimits(data)).toEqual(bySort(data));
      expect(percentileLimits(data, 5, 95)).toEqual(bySort(data, 5, 95));
    });
  }

  it('float data, with NaN left out', () => {
    const data = Float32Array.from([3, Number.NaN, 1, 2, 10, 4]);
    expect(percentileLimits(data, 0, 100)).toEqual([1, 10]);
  });
});
