// Loaded with `node --import`: records every module the process resolves, one URL per line, in the file named by
// ZB_IMPORTS_LOG (the hooks run on their own thread, so a file is the simplest way out).
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url);
