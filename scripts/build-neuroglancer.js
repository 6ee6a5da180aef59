#!/usr/bin/env node
// Builds Neuroglancer into out/neuroglancer (neuroglancer.vite.config.ts), part of `npm run build`.
// The bundle depends only on the installed neuroglancer and ikonate and on our few files, so a build
// whose inputs did not change is skipped (about 10 s saved per `npm run build`); `--force` rebuilds.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out/neuroglancer');
const stampFile = join(outDir, '.inputs');

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** A digest of everything the bundle is made from. */
function inputsDigest() {
  const hash = createHash('sha256');
  const version = (pkg) => JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  hash.update(`neuroglancer ${version('neuroglancer')} ikonate ${version('ikonate')} vite ${version('vite')}\n`);
  const files = [join(root, 'neuroglancer.vite.config.ts'), ...filesUnder(join(root, 'src/neuroglancer'))].sort();
  for (const f of files) hash.update(`${relative(root, f)}\n`).update(readFileSync(f));
  return hash.digest('hex');
}

const digest = inputsDigest();
const force = process.argv.includes('--force');
if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest) {
  console.log('neuroglancer: out/neuroglancer is up to date');
} else {
  const started = performance.now();
  // Loaded only when needed: importing Vite alone takes a second or two.
  const { build } = await import('vite');
  await build({ configFile: join(root, 'neuroglancer.vite.config.ts') });
  writeFileSync(stampFile, digest);
  console.log(`neuroglancer: built out/neuroglancer in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
