/**
 * The parts of an OME-TIFF's OME-XML the bridge presents: each Image's
 * Pixels (sizes, DimensionOrder, physical sizes with units, channels) and
 * which IFD holds which plane (TiffData).
 */
import { BridgeError } from '../../errors.js';

export interface Quantity {
  readonly value: number;
  /** As OME writes it: `µm`, `nm`, `s`… */
  readonly unit: string;
}

export interface OmeChannelXml {
  readonly name?: string;
  /** Signed 32-bit RGBA, as OME writes it. */
  readonly color?: number;
  readonly samplesPerPixel: number;
}

export interface OmeImageXml {
  readonly name?: string;
  /** e.g. `XYZCT`: the first letter varies fastest. */
  readonly dimensionOrder: string;
  readonly sizeX: number;
  readonly sizeY: number;
  readonly sizeZ: number;
  /** Channels counted in samples (an RGB channel counts 3). */
  readonly sizeC: number;
  readonly sizeT: number;
  readonly type: string;
  readonly physicalSizeX?: Quantity;
  readonly physicalSizeY?: Quantity;
  readonly physicalSizeZ?: Quantity;
  readonly timeIncrement?: Quantity;
  readonly channels: readonly OmeChannelXml[];
  /** Samples per plane: channels stored as one RGB plane have 3. */
  readonly samplesPerPlane: number;
  /** The IFD of plane `p` (counted in DimensionOrder), or undefined when the file does not hold it. */
  ifdOf(z: number, c: number, t: number): number | undefined;
}

type Node = Record<string, unknown>;

const ORDERS = new Set(['XYZCT', 'XYZTC', 'XYCTZ', 'XYCZT', 'XYTCZ', 'XYTZC']);

const asArray = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as Node[];

function num(v: unknown, fallback?: number): number | undefined {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

function quantity(node: Node, attr: string, defaultUnit: string): Quantity | undefined {
  const value = num(node[attr]);
  if (value === undefined || !(value > 0)) return undefined;
  const unit = node[`${attr}Unit`];
  return { value, unit: typeof unit === 'string' && unit !== '' ? unit : defaultUnit };
}

/** Whether an ImageDescription is OME-XML. */
export const isOmeXml = (description: string | undefined): description is string =>
  !!description && /<OME[\s>]/.test(description.slice(0, 4096));

/**
 * Parses the OME-XML of `fileName`. Throws NotRepresentable when the images'
 * planes live in other files (a multi-file OME-TIFF set).
 */
export async function parseOmeXml(xml: string, fileName: string): Promise<OmeImageXml[]> {
  // Loaded on the first OME-TIFF only: the parser is 30–40 ms of start-up a plain TIFF or stack does not need.
  const { XMLParser } = await import('fast-xml-parser');
  let doc: Node;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      removeNSPrefix: true,
      parseAttributeValue: false,
      isArray: (name) => ['Image', 'Channel', 'TiffData', 'Plane'].includes(name),
    }).parse(xml) as Node;
  } catch (e) {
    throw new BridgeError('CorruptData', `${fileName}: OME-XML does not parse: ${(e as Error).message}`, { cause: e });
  }
  const ome = doc.OME as Node | undefined;
  if (!ome) throw new BridgeError('CorruptData', `${fileName}: OME-XML without an OME element`);
  return asArray(ome.Image).map((image, i) => parseImage(image, i, fileName));
}

function parseImage(image: Node, i: number, fileName: string): OmeImageXml {
  const pixels = image.Pixels as Node | undefined;
  if (!pixels) throw new BridgeError('CorruptData', `${fileName}: OME Image ${i} has no Pixels`);
  const size = (axis: string) => Math.max(1, Math.floor(num(pixels[`Size${axis}`], 1)!));
  const sizeX = size('X');
  const sizeY = size('Y');
  const sizeZ = size('Z');
  const sizeC = size('C');
  const sizeT = size('T');
  const order = String(pixels.DimensionOrder ?? 'XYZCT').toUpperCase();
  if (!ORDERS.has(order)) throw new BridgeError('CorruptData', `${fileName}: unknown DimensionOrder ${order}`);
  const channels = asArray(pixels.Channel).map((c) => {
    const name = typeof c.Name === 'string' && c.Name !== '' ? c.Name : undefined;
    const color = num(c.Color);
    return {
      ...(name ? { name } : {}),
      ...(color !== undefined ? { color } : {}),
      samplesPerPixel: Math.max(1, Math.floor(num(c.SamplesPerPixel, 1)!)),
    };
  });
  // An RGB image is one Channel with SamplesPerPixel 3, stored as one plane of 3 samples.
  const samplesPerPlane =
    channels.length > 0 && sizeC % channels[0]!.samplesPerPixel === 0 ? channels[0]!.samplesPerPixel : 1;
  const planeC = sizeC / samplesPerPlane;
  const extent: Record<string, number> = { Z: sizeZ, C: planeC, T: sizeT };
  const planeIndex = (z: number, c: number, t: number): number => {
    const at: Record<string, number> = { Z: z, C: c, T: t };
    let index = 0;
    let stride = 1;
    for (const axis of order.slice(2)) {
      index += at[axis]! * stride;
      stride *= extent[axis]!;
    }
    return index;
  };
  const planes = sizeZ * planeC * sizeT;
  const ifds = new Map<number, number>();
  const tiffData = asArray(pixels.TiffData);
  if (tiffData.length === 0) for (let p = 0; p < planes; p++) ifds.set(p, p);
  for (const td of tiffData) {
    const uuid = td.UUID as Node | string | undefined;
    const file = typeof uuid === 'object' && uuid !== null ? uuid.FileName : undefined;
    if (typeof file === 'string' && file !== '' && baseName(file) !== fileName) {
      throw new BridgeError(
        'NotRepresentable',
        `${fileName}: its planes are spread over several files (${file}); multi-file OME-TIFF is not supported`,
      );
    }
    const ifd = num(td.IFD);
    const start = planeIndex(num(td.FirstZ, 0)!, num(td.FirstC, 0)!, num(td.FirstT, 0)!);
    const count = num(td.PlaneCount) ?? (ifd === undefined ? planes : 1);
    for (let k = 0; k < count && start + k < planes; k++) ifds.set(start + k, (ifd ?? 0) + k);
  }
  const name = typeof image.Name === 'string' && image.Name !== '' ? image.Name : undefined;
  return {
    ...(name ? { name } : {}),
    dimensionOrder: order,
    sizeX,
    sizeY,
    sizeZ,
    sizeC,
    sizeT,
    type: String(pixels.Type ?? ''),
    ...opt('physicalSizeX', quantity(pixels, 'PhysicalSizeX', 'µm')),
    ...opt('physicalSizeY', quantity(pixels, 'PhysicalSizeY', 'µm')),
    ...opt('physicalSizeZ', quantity(pixels, 'PhysicalSizeZ', 'µm')),
    ...opt('timeIncrement', quantity(pixels, 'TimeIncrement', 's')),
    channels,
    samplesPerPlane,
    ifdOf: (z, c, t) => ifds.get(planeIndex(z, c, t)),
  };
}

const opt = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);

const baseName = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
