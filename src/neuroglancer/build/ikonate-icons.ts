/**
 * Neuroglancer imports its icons from `ikonate/icons/<name>.svg?raw`, pinned to
 * a git commit of ikonate that npm cannot fetch offline. We install the
 * published ikonate instead (an npm override) and draw the few icons that
 * release lacks ourselves (src/neuroglancer/icons). A build that asks for an
 * icon found in neither place fails, naming it, so an upgrade cannot ship a
 * blank button.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

const ICON = /^ikonate\/icons\/([\w-]+)\.svg(\?raw)?$/;

export class MissingIconError extends Error {
  readonly tag = 'MissingIcon';
  constructor(readonly icon: string) {
    super(`Neuroglancer asks for ikonate icon "${icon}", which neither ikonate nor src/neuroglancer/icons has`);
  }
}

/** Where `name`.svg is: the published ikonate's, else ours, else undefined. */
export function iconFile(name: string, ikonateIcons: string, ownIcons: string): string | undefined {
  for (const dir of [ikonateIcons, ownIcons]) {
    const file = join(dir, `${name}.svg`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

export function ikonateIcons(ownIcons: string): Plugin {
  const ikonateIconsDir = join(dirname(createRequire(import.meta.url).resolve('ikonate/package.json')), 'icons');
  return {
    name: 'zarr-bridge:ikonate-icons',
    enforce: 'pre',
    resolveId(source) {
      const m = ICON.exec(source);
      if (!m) return null;
      const file = iconFile(m[1], ikonateIconsDir, ownIcons);
      if (!file) throw new MissingIconError(m[1]);
      return `${file}${m[2] ?? ''}`;
    },
  };
}
