/** The NGFF JSON schemas (0.4 and 0.5, from the spec repository in ../shared/fixtures) with ajv, and a check of a written tree. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { FIXTURES } from './env.js';

type Version = '0.4' | '0.5';

function ajvFor(version: Version) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const dir = join(FIXTURES, 'ngff-spec', version, 'schemas');
  const ids = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.schema'))) {
    const schema = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { $id: string };
    // 0.4's bf2raw and ome schemas are published under `latest`: keep both names apart from the rest.
    if (!ajv.getSchema(schema.$id)) ajv.addSchema(schema);
    ids.set(name.replace(/\.schema$/, ''), schema.$id);
  }
  return { ajv, ids };
}

/** Arrays hold chunks, not groups: the walk stops there. */
function isArray(dir: string): boolean {
  const names = readdirSync(dir);
  if (names.includes('.zarray')) return true;
  if (!names.includes('zarr.json')) return false;
  return (JSON.parse(readFileSync(join(dir, 'zarr.json'), 'utf8')) as { node_type?: string }).node_type === 'array';
}

/** The OME attributes of every group in a written tree, each validated against the schemas its keys call for. */
export function validateTree(root: string, version: Version): { checked: string[]; errors: string[] } {
  const { ajv, ids } = ajvFor(version);
  const checked: string[] = [];
  const errors: string[] = [];
  const walk = (dir: string) => {
    const names = readdirSync(dir);
    let attrs: Record<string, unknown> | undefined;
    let ome: Record<string, unknown> | undefined;
    if (version === '0.5' && names.includes('zarr.json')) {
      const doc = JSON.parse(readFileSync(join(dir, 'zarr.json'), 'utf8')) as {
        node_type: string;
        attributes?: Record<string, unknown>;
      };
      if (doc.node_type === 'group') {
        attrs = doc.attributes ?? {};
        ome = attrs.ome as Record<string, unknown> | undefined;
      }
    }
    if (version === '0.4' && names.includes('.zattrs') && names.includes('.zgroup')) {
      attrs = JSON.parse(readFileSync(join(dir, '.zattrs'), 'utf8')) as Record<string, unknown>;
      ome = attrs;
    }
    if (attrs && ome) {
      const kinds: string[] = [];
      if (ome.multiscales) kinds.push('strict_image');
      if (ome['image-label']) kinds.push('strict_label');
      if (ome.plate) kinds.push('strict_plate');
      if (ome.well) kinds.push('strict_well');
      if (ome['bioformats2raw.layout'] !== undefined) kinds.push('bf2raw');
      // The umbrella schema knows no plain `labels` group (a gap in the 0.5 schemas): only the others go through it.
      if (version === '0.5' && kinds.length > 0) kinds.push('ome_zarr');
      for (const kind of kinds) {
        const validate = ajv.getSchema(ids.get(kind)!);
        if (!validate) throw new Error(`no schema ${kind} for ${version}`);
        const where = relative(root, dir) || '.';
        checked.push(`${where}:${kind}`);
        if (!validate(attrs)) errors.push(`${where} (${kind}): ${ajv.errorsText(validate.errors)}`);
      }
    }
    for (const n of names) {
      const p = join(dir, n);
      if (statSync(p).isDirectory() && !isArray(p)) walk(p);
    }
  };
  walk(root);
  return { checked, errors };
}
