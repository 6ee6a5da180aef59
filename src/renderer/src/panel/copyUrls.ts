/** The URLs and snippets a user can paste into other tools for one catalog node, grouped by what they are for. */
import type { CatalogNode } from '../../../shared/catalog';

export type CopyGroup = 'viewer' | 'python' | 'url';

export interface CopyTarget {
  /** Stable, unique among one node's targets: names the row for tests and the confirmation. */
  id: string;
  group: CopyGroup;
  label: string;
  text: string;
  /** An http URL that should answer 200 (for checks); absent for snippets. */
  probe?: string;
  /** What the user must know for the URL to work. */
  hint?: string;
}

export const GROUP_TITLES: Record<CopyGroup, string> = {
  viewer: 'Viewers',
  python: 'Python',
  url: 'Plain URLs',
};

/** Hosted web apps read the bridge only if their origin is allowed (CORS); these are by default. */
function allowHint(app: string): string {
  return `${app} is on the bridge's default CORS allow-list; Chrome may ask once to allow local network access.`;
}

/** A Python string literal (URLs may hold quotes or backslashes only in theory, but a snippet must run). */
const py = (s: string) => JSON.stringify(s);

/**
 * zarr-python snippets. `zarr.open(url, mode="r")` with an http URL builds an fsspec store in both
 * zarr-python 2 (FSStore) and 3 (FsspecStore.from_url), and returns an array or a group, whichever
 * the node is. zarr-python 2 reads only Zarr v2, so the snippet for both versions uses the /zarr/v2 face;
 * the zarr-python 3 one reads /zarr/v3 (OME-Zarr 0.5, shards passed through).
 */
function snippets(node: CatalogNode): CopyTarget[] {
  const level = node.levels?.[0];
  const axes = level?.dimensionNames?.join(', ') ?? node.ome?.multiscales?.[0]?.axes.map((a) => a.name).join(', ');
  const levelLine = level
    ? `\nlevel0 = z[${py(level.path)}]  # full resolution${axes ? `, axes ${axes}` : ''}, shape ${level.shape.join('×')}`
    : '';
  return [
    {
      id: 'zarr-python-2-3',
      group: 'python',
      label: 'zarr-python 2 or 3 (Zarr v2)',
      hint: 'Needs fsspec and aiohttp next to zarr.',
      text: `import zarr  # zarr-python 2 or 3\nz = zarr.open(${py(node.urls.zarrV2)}, mode="r")${levelLine}`,
    },
    {
      id: 'zarr-python-3',
      group: 'python',
      label: 'zarr-python 3 (Zarr v3)',
      hint: 'zarr-python 3 only; needs fsspec and aiohttp next to zarr.',
      text: `import zarr  # zarr-python 3\nz = zarr.open(${py(node.urls.zarrV3)}, mode="r", zarr_format=3)${levelLine}`,
    },
  ];
}

/** One of bossdb-zarr's faces of a BossDB channel: its Neuroglancer link and its plain URL. */
function bossdbFace(
  id: string,
  format: string,
  scheme: string,
  url: string,
  probeFile: string,
  route: string,
): CopyTarget[] {
  const probe = `${url}/${probeFile}`;
  return [
    {
      id: `neuroglancer-bossdb-${id}`,
      group: 'viewer',
      label: `Neuroglancer (BossDB ${format}, bossdb-zarr)`,
      text: `${scheme}://${url}`,
      probe,
    },
    { id: `url-bossdb-${id}`, group: 'url', label: `BossDB ${format} (bossdb-zarr ${route})`, text: url, probe },
  ];
}

export function copyTargets(node: CatalogNode): CopyTarget[] {
  const u = node.urls;
  const out: CopyTarget[] = [
    {
      id: 'neuroglancer-zarr3',
      group: 'viewer',
      label: 'Neuroglancer (Zarr v3)',
      text: u.neuroglancerZarr3,
      probe: `${u.zarrV3}/zarr.json`,
      hint: allowHint('The public Neuroglancer'),
    },
    {
      id: 'neuroglancer-zarr2',
      group: 'viewer',
      label: 'Neuroglancer (Zarr v2)',
      text: u.neuroglancerZarr2,
      probe: `${u.zarrV2}/.zattrs`,
    },
    {
      id: 'neuroglancer-n5',
      group: 'viewer',
      label: 'Neuroglancer (N5)',
      text: u.neuroglancerN5,
      probe: `${u.n5}/attributes.json`,
    },
    {
      id: 'vizarr',
      group: 'viewer',
      label: 'vizarr',
      text: `https://hms-dbmi.github.io/vizarr/?source=${encodeURIComponent(u.zarrV3)}`,
      hint: allowHint('vizarr'),
    },
    ...snippets(node),
    { id: 'url-zarr-v2', group: 'url', label: 'Zarr v2', text: u.zarrV2, probe: `${u.zarrV2}/.zattrs` },
    { id: 'url-zarr-v3', group: 'url', label: 'Zarr v3', text: u.zarrV3, probe: `${u.zarrV3}/zarr.json` },
    {
      id: 'url-n5',
      group: 'url',
      label: 'N5 (Fiji, BigDataViewer)',
      text: u.n5,
      probe: `${u.n5}/attributes.json`,
    },
  ];
  if (u.bossdbN5) out.push(...bossdbFace('n5', 'N5', 'n5', u.bossdbN5, 'attributes.json', '/api'));
  if (u.bossdbOme) out.push(...bossdbFace('ome', 'OME-Zarr', 'zarr', u.bossdbOme, '.zattrs', '/ome'));
  return out;
}
