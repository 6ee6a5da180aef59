/** The JSON shape of the bridge's `/catalog/<path>` answers, shared by the bridge and the viewer. */

export type CatalogKind = 'root' | 'group' | 'array' | 'image' | 'labels' | 'plate' | 'well' | 'bioformats2raw';

/** Ready-made URLs for each face; BossDB channels add the bossdb-zarr aliases. */
export interface CatalogUrls {
  zarrV2: string;
  zarrV3: string;
  n5: string;
  neuroglancerZarr2: string;
  neuroglancerZarr3: string;
  neuroglancerN5: string;
  bossdbN5?: string;
  bossdbOme?: string;
  [face: string]: string | undefined;
}

export interface OmeAxis {
  name: string;
  type?: string;
  unit?: string;
}

export interface OmeTransform {
  type: string;
  scale?: number[];
  translation?: number[];
}

export interface OmeMultiscale {
  name?: string;
  axes: OmeAxis[];
  datasets: { path: string; coordinateTransformations?: OmeTransform[] }[];
  coordinateTransformations?: OmeTransform[];
}

export interface OmeroChannel {
  active?: boolean;
  color?: string;
  label?: string;
  window?: { min?: number; max?: number; start?: number; end?: number };
}

export interface Omero {
  channels?: OmeroChannel[];
  rdefs?: { defaultT?: number; defaultZ?: number; model?: string };
}

export interface ImageLabelColor {
  'label-value': number;
  rgba?: [number, number, number, number];
}

export interface CatalogOme {
  sourceVersion?: string;
  multiscales?: OmeMultiscale[];
  omero?: Omero;
  labels?: string[];
  imageLabel?: { colors?: ImageLabelColor[] };
  plate?: {
    /** Acquisitions (runs) of the plate; a well image names its run in `acquisition`. */
    acquisitions?: { id: number; name?: string; maximumfieldcount?: number }[];
    field_count?: number;
    rows: { name: string }[];
    columns: { name: string }[];
    wells: { path: string; rowIndex: number; columnIndex: number }[];
  };
  well?: { images: { path: string; acquisition?: number }[] };
  bioformats2rawLayout?: number;
  series?: string[];
}

export interface CatalogArrayInfo {
  shape: number[];
  chunkShape: number[];
  dtype: string;
  dimensionNames: string[] | null;
  stored?: string;
}

export interface CatalogLevel extends CatalogArrayInfo {
  path: string;
}

/** BossDB's names for the levels of its tree: `bossdb/<collection>/<experiment>/<channel>`. */
export type BossdbLevel = 'collection' | 'experiment' | 'channel';

/** An image's full-resolution level, summarised for listings. */
export interface CatalogImageSummary {
  shape: number[];
  dtype: string;
  /** One name per axis (the array's dimension names, else the OME axes), or null when unknown. */
  axes: string[] | null;
  levels: number;
}

export interface CatalogChild {
  name: string;
  path: string;
  kind: CatalogKind;
  array?: CatalogArrayInfo;
  /** Under the `bossdb` mount: which BossDB level this is. */
  bossdb?: BossdbLevel;
  /** For images (the first few hundred of a listing): the full-resolution shape with axis names. */
  image?: CatalogImageSummary;
}

export interface CatalogMount {
  kind: string;
  name: string;
  path: string;
  origin?: string;
}

export interface CatalogNode {
  path: string;
  name: string;
  kind: CatalogKind;
  urls: CatalogUrls;
  ome?: CatalogOme;
  levels?: CatalogLevel[];
  /** For kind 'array': the array itself. */
  array?: CatalogArrayInfo;
  /** The node's other attributes (BossDB channels: `bossdb` with the channel's `type`, `datatype`…). */
  attrs?: Record<string, unknown>;
  children?: CatalogChild[];
  mounts?: CatalogMount[];
  /** Under the `bossdb` mount: which BossDB level this is. */
  bossdb?: BossdbLevel;
}
