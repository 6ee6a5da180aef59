/**
 * Where the shared fixtures and reference readers are, and the rule for
 * missing ones: outside CI a suite is skipped with its reason printed; under
 * CI=true a missing fixture, Python reader or browser fails the run.
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = resolve(REPO, '../shared');
export const FIXTURES = join(SHARED, 'fixtures');
export const IN_CI = process.env.CI === 'true';
export const PYTHON = '/usr/bin/python3';
export const CHROMIUM = '/usr/bin/chromium';
/** Debian's Chromium headless with WebGL2 on SwiftShader, and none of its background network traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export const fixturesPresent = (): boolean => existsSync(join(FIXTURES, 'generated', 'MANIFEST.json'));

let pythonOk: boolean | undefined;
export function pythonZarrPresent(): boolean {
  pythonOk ??=
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ['-c', 'import zarr, numcodecs, fsspec, aiohttp'], { stdio: 'ignore' }).status === 0;
  return pythonOk;
}

/**
 * Returns true when the suite must be skipped (and says why); throws under CI.
 */
export function missing(what: string, present: boolean): boolean {
  if (present) return false;
  const reason = `${what} is not available`;
  if (IN_CI) throw new Error(`${reason}: under CI=true nothing may be skipped`);
  console.warn(`SKIPPED: ${reason}`);
  return true;
}
