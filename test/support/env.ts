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

/**
 * The features playwright-core (1.65) disables itself. Chromium keeps only the last `--disable-features` it is
 * given, and Playwright puts the caller's args after its own, so a list of ours must repeat these or they would be
 * enabled again (`chromium-args.e2e` checks this against the command line Playwright actually builds).
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * Chromium 156 loads its address bar's popup (chrome://omnibox-popup.top-chrome, a WebUI page) in a renderer of
 * its own for every window it opens, and each Playwright page is a window: measured, that took 1.5–2.4 s of CPU
 * while the page under test loaded, on a machine with two cores. A user's browser loads it once per window it
 * already has, and the desktop app has no address bar, so tests and benchmarks leave it out.
 */
export const OMNIBOX_POPUP_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];

/**
 * Debian's Chromium headless with WebGL2 on SwiftShader, and none of its background network traffic.
 *
 * `--disable-gpu-compositing`: pages still draw WebGL2 on SwiftShader, but Chromium composites the window with
 * its software compositor. Composited on SwiftShader, every frame of the window cost the GPU process 140–230 ms
 * of CPU (its trace: SwapBuffers → readPixels), some ten frames while a viewer page loads, which a real GPU
 * does in a millisecond each; the software compositor is the closer stand-in for that.
 */
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
  '--disable-gpu-compositing',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...OMNIBOX_POPUP_FEATURES].join(',')}`,
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
