/**
 * Natural order of file names, as `webknossos convert` sorts a stack's
 * slices (natsort's default key): runs of digits compare as numbers, the
 * rest by code point, so `s2.png` comes before `s10.png`.
 */

const RUNS = /(\d+)/;

export function compareNatural(a: string, b: string): number {
  const pa = a.split(RUNS);
  const pb = b.split(RUNS);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    // Odd positions are digit runs (split with a capture group alternates text, digits, text…).
    if (i % 2 === 1) {
      // BigInt: timestamps in names can pass 2^53.
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny ? -1 : 1;
      // Equal numbers written differently (`007`, `7`): the shorter first, as natsort does.
      if (x.length !== y.length) return x.length - y.length;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
