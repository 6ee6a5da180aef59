#!/usr/bin/env node
// Runs the built CLI (`npm run build` makes out/main/cli.js).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '../out/main/cli.js');
if (!existsSync(cli)) {
  process.stderr.write('zarr-bridge: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(cli);
