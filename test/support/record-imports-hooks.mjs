// Module resolution hooks for record-imports.mjs.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (process.env.ZB_IMPORTS_LOG) appendFileSync(process.env.ZB_IMPORTS_LOG, `${resolved.url}\n`);
  return resolved;
}
