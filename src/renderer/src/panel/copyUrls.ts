/** The URLs a user can paste into other tools for one catalog node. */
import type { CatalogNode } from '../../../shared/catalog';

export interface CopyTarget {
  label: string;
  text: string;
  /** An http URL that should answer 200 (for checks); absent for snippets. */
  probe?: string;
  /** What the user must know for the URL to work. */
  hint?: string;
}

/** Hosted web apps read the bridge only if their origin is allowed (CORS); these are by default. */
function allowHint(app: string): string {
  return `${app} is on the bridge's default CORS allow-list; Chrome may ask once to allow local network access.`;
}

export function copyTargets(node: CatalogNode): CopyTarget[] {
  const u = node.urls;
  const out: CopyTarget[] = [
    {
      label: 'Neuroglancer (Zarr v3)',
      text: u.neuroglancerZarr3,
      probe: `${u.zarrV3}/zarr.json`,
      hint: allowHint('The public Neuroglancer'),
    },
    { label: 'Neuroglancer (Zarr v2)', text: u.neuroglancerZarr2, probe: `${u.zarrV2}/.zattrs` },
    { label: 'Neuroglancer (N5)', text: u.neuroglancerN5, probe: `${u.n5}/attributes.json` },
    { label: 'Fiji / BigDataViewer (N5 over HTTP)', text: u.n5, probe: `${u.n5}/attributes.json` },
    {
      label: 'zarr-python',
      text: `import zarr\nroot = zarr.open_group(zarr.storage.FsspecStore.from_url("${u.zarrV3}"), mode="r")`,
    },
    {
      label: 'vizarr',
      text: `https://hms-dbmi.github.io/vizarr/?source=${encodeURIComponent(u.zarrV3)}`,
      hint: allowHint('vizarr'),
    },
  ];
  if (u.bossdbN5)
    out.push({ label: 'BossDB N5 (bossdb-zarr)', text: `n5://${u.bossdbN5}`, probe: `${u.bossdbN5}/attributes.json` });
  if (u.bossdbOme)
    out.push({
      label: 'BossDB OME-Zarr (bossdb-zarr)',
      text: `zarr://${u.bossdbOme}`,
      probe: `${u.bossdbOme}/.zattrs`,
    });
  return out;
}
