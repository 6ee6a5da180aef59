#!/usr/bin/env node
// `npm start`: build, then open the desktop app; where Electron's binary cannot be had
// (offline machines), say so in one line and run the headless bridge with the viewer instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

// Tests that already built set ZARR_BRIDGE_SKIP_BUILD=1.
if (process.env.ZARR_BRIDGE_SKIP_BUILD !== '1') {
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const neuroglancer = spawnSync(process.execPath, [join(root, 'scripts/build-neuroglancer.js')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (neuroglancer.status !== 0) process.exit(neuroglancer.status ?? 1);
}

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
  const pathTxt = join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const bin = join(root, 'node_modules/electron/dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

const electron = electronBinary();
if (!electron) {
  console.log(
    'Electron is not installed on this machine (its binary cannot be downloaded here); starting `zarr-bridge serve` with the viewer instead.',
  );
}
const child = electron
  ? spawn(electron, [root, ...args], { cwd: root, stdio: 'inherit' })
  : spawn(process.execPath, [join(root, 'bin/zarr-bridge.js'), 'serve', ...args], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
