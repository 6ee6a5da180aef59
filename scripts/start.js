#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Electron 45 downloads its binary the first time
// `require('electron')` runs (node_modules/electron/index.js runs its install.js); that is done here,
// in a child process, so that when it fails (offline, no display, an old Node) the reason is said in
// one line and the headless bridge with its viewer starts instead: `zarr-bridge serve`, which takes
// the next free port when 5020 is taken.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** Electron 45's own tooling (@electron/get, its unzipper) declares this engine; the bridge itself runs on Node 20. */
const ELECTRON_NODE = [22, 12];

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

const found = await electronBinary();
if ('binary' in found) {
  const child = spawn(found.binary, [root, ...args], { cwd: root, stdio: 'inherit' });
  forward(child);
} else {
  console.log(`Electron cannot start here: ${found.why}; starting \`zarr-bridge serve\` with the viewer instead.`);
  forward(
    spawn(process.execPath, [join(root, 'bin/zarr-bridge.cjs'), 'serve', ...args], { cwd: root, stdio: 'inherit' }),
  );
}

function forward(child) {
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

/**
 * The Electron executable, downloaded by Electron's own package on first use,
 * or why there is none. The download's progress line is passed on; its stack
 * traces are kept back and summed up in one line.
 */
async function electronBinary() {
  const result = spawnSync(process.execPath, ['-e', "process.stdout.write('\\nELECTRON=' + require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const said = (result.stdout ?? '').split('\n').filter((l) => l.startsWith('Downloading'));
  for (const line of said) console.log(`${line} (Electron ${electronVersion()}, first start only)`);
  const path = /ELECTRON=(.+)$/m.exec(result.stdout ?? '')?.[1];
  if (result.status === 0 && path) {
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
      return { why: 'there is no display ($DISPLAY and $WAYLAND_DISPLAY are not set)' };
    }
    return { binary: path };
  }
  let why = `its binary could not be downloaded (${await downloadFailure(result.stderr ?? '')})`;
  if (!nodeAtLeast(ELECTRON_NODE)) {
    why += `; the desktop app needs Node ≥ ${ELECTRON_NODE.join('.')} (Electron ${electronVersion()}), this is ${process.versions.node}: install Node ${ELECTRON_NODE.join('.')} or later from https://nodejs.org`;
  }
  return { why };
}

/** The first error a failed download printed, without its stack; "fetch failed" is asked once more for its cause. */
async function downloadFailure(stderr) {
  const lines = stderr.split('\n').map((l) => l.trim());
  const first =
    lines.find((l) => /^\w*Error\b.*:/.test(l) && !l.includes('failed to install correctly')) ??
    lines.find((l) => l !== '' && !l.startsWith('at ')) ??
    'no reason given';
  if (!/fetch failed/.test(first)) return first.replace(/^\w*Error: /, '');
  const server = process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror || 'https://github.com/';
  try {
    await fetch(server, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    return `the download from ${new URL(server).host} failed`;
  } catch (e) {
    const code = e?.cause?.code ?? e?.name;
    return `no connection to ${new URL(server).host}${code ? `: ${code}` : ''}`;
  }
}

function electronVersion() {
  try {
    return spawnSync(process.execPath, ['-p', "require('electron/package.json').version"], {
      cwd: root,
      encoding: 'utf8',
    }).stdout.trim();
  } catch {
    return '';
  }
}

function nodeAtLeast([major, minor]) {
  const [m, n] = process.versions.node.split('.').map(Number);
  return m > major || (m === major && n >= minor);
}
