/**
 * The benchmark's outside tools (Debian's nginx as the baseline server, wrk as
 * the load generator): installed from apt when missing and the bench runs as
 * root, otherwise reported. `ZARR_BRIDGE_BENCH_NO_INSTALL=1` never installs.
 */
import { spawnSync } from 'node:child_process';

export const hasCommand = (name: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

/** Whether `command` is available, after trying `apt-get install -y <pkg>` if it was not. */
export function ensureAptTool(command: string, pkg: string): boolean {
  if (hasCommand(command)) return true;
  const root = process.getuid?.() === 0;
  if (!root || !hasCommand('apt-get') || process.env.ZARR_BRIDGE_BENCH_NO_INSTALL === '1') {
    console.log(`${command} is missing: install it with "apt-get install ${pkg}" for its column.\n`);
    return false;
  }
  console.log(`${command} is missing: installing ${pkg} from apt…`);
  spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const ok = hasCommand(command);
  console.log(ok ? `${pkg} installed.\n` : `${pkg} could not be installed: its column is missing.\n`);
  return ok;
}
