#!/usr/bin/env node
// Runs the built CLI (`npm run build` makes out/main/cli.js).
//
// CommonJS on purpose: it runs before any ES module is loaded, and so before libuv's thread pool starts
// (the ES module loader reads files through it), which is the last moment its size can be chosen.
// The pool has 4 threads by default; on a 2-core machine four file reads running beside the event loop
// that sends their bytes slow both. `npm run bench -- cold` (chunk files not in the bridge's cache,
// 16 connections), runs interleaved: 0.64–0.69× nginx's requests/s with 4 threads, 0.73–0.77× with 2.
// (Capping reads in flight at 2 with 4 threads did not do it: 0.56–0.71×.) So below 4 cores the pool
// has one thread per core, at least 2 so that one slow read never holds up the rest; from 4 cores up
// libuv's default stays. A UV_THREADPOOL_SIZE set by the user wins. Only for `serve`: for `convert` one run
// of `npm run bench -- convert` with 2 threads was no faster than with 4 (within its noise, if anything slower).
const { existsSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const cores = availableParallelism();
if (process.argv[2] === 'serve' && !process.env.UV_THREADPOOL_SIZE && cores < 4) process.env.UV_THREADPOOL_SIZE = String(Math.max(2, cores));

const cli = join(__dirname, '../out/main/cli.js');
if (!existsSync(cli)) {
  process.stderr.write('zarr-bridge: not built yet; run `npm run build` first\n');
  process.exit(1);
}
import(pathToFileURL(cli).href).catch((e) => {
  process.stderr.write(`zarr-bridge: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
