/**
 * Node 20 has no Float16Array, and zarrita decodes float16 arrays only when
 * the global exists: install the standard polyfill once, before any decode.
 */
import { Float16Array } from '@petamoriken/float16';

const g = globalThis as { Float16Array?: unknown };
g.Float16Array ??= Float16Array;
