/**
 * Natural order of file names, as `webknossos convert` sorts a stack's
 * slices (natsort's default key): runs of digits compare as numbers, the
 * rest by code point, so `s2.png` comes before `s10.png`.
 */

type Part = string | bigint;

/** A name split into text and numbers (BigInt: timestamps in names can pass 2^53). */
function key(name: string): { name: string; parts: Part[] } {
  const parts: Part[] = [];
  for (const [i, run] of name.split(/(\d+)/).entries()) {
    // Odd positions are digit runs: split with a capture group alternates text, digits, text…
    if (i % 2 === 1) parts.push(BigInt(run));
    else if (run !== '') parts.push(run);
  }
  return { name, parts };
}

function compareKeys(a: { name: string; parts: Part[] }, b: { name: string; parts: Part[] }): number {
  const n = Math.min(a.parts.length, b.parts.length);
  for (let i = 0; i < n; i++) {
    const x = a.parts[i]!;
    const y = b.parts[i]!;
    if (x === y) continue;
    // A number sorts before text, as natsort puts '' (no text) first.
    if (typeof x !== typeof y) return typeof x === 'bigint' ? -1 : 1;
    return x < y ? -1 : 1;
  }
  if (a.parts.length !== b.parts.length) return a.parts.length - b.parts.length;
  // Equal numbers written differently (`007`, `7`): the shorter first.
  return a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export function compareNatural(a: string, b: string): number {
  return compareKeys(key(a), key(b));
}

/** `names` in natural order; each name is split once, so 10,000 slices sort in milliseconds. */
export function sortNatural(names: readonly string[]): string[] {
  return names
    .map(key)
    .sort(compareKeys)
    .map((k) => k.name);
}
