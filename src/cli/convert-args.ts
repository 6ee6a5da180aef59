/** Command-line parsing for `zarr-bridge convert`, free of side effects so it can be tested. */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { COMPRESSIONS, codecSpec } from '../bridge/writer/codec.js';
import { WriterError } from '../bridge/writer/errors.js';
import {
  type CompressionName,
  DEFAULT_MEMORY_BYTES,
  type DownsampleMethod,
  defaultWriteOptions,
  type Region,
  type RunMode,
  type WriteOptions,
} from '../bridge/writer/options.js';

export type ProgressStyle = 'bar' | 'plain' | 'json';

export interface ConvertArgs {
  input: string;
  output: string;
  path: string;
  options: WriteOptions;
  mode: RunMode;
  /** undefined: a bar on a TTY, plain lines otherwise. */
  progress?: ProgressStyle;
  bossdbUrl?: string;
  bossdbToken?: string;
}

export const CONVERT_USAGE = `Usage: zarr-bridge convert INPUT -o OUTPUT [options]

Writes INPUT as OME-Zarr 0.5 (Zarr v3, sharded, with a pyramid) or 0.4.
INPUT: a local folder (OME-Zarr, Zarr v2/v3, N5), an http(s) Zarr URL, or
bossdb://collection/experiment/channel.

Options:
  -o, --output PATH        the dataset to write (must not exist, see --overwrite/--resume)
  --path P                 a node inside INPUT: an image, an array or a plate
  --region x=0:1024,...    a box in level-0 voxels, by the image's axis names
  --ome 0.5|0.4            OME-Zarr version (default 0.5: Zarr v3; 0.4: Zarr v2)
  --chunk N | z,y,x        chunk size (default 64 per spatial axis, 1 for t and c)
  --shard N                chunks per shard per spatial axis (default 8; 1: no shards; 0.4 has none)
  --compression C          zstd, blosc, gzip or none (default zstd; 0.4: blosc-zstd with shuffle)
  --compression-level N    codec level (zstd 1-22, default 3; blosc and gzip 0-9, default 5)
  --levels N|auto          pyramid levels (default auto: until the largest extent fits one chunk)
  --downsample M           mean, mode, nearest or max (default mean; mode for labels)
  --voxel-size z,y,x       voxel size of the spatial axes (overrides the input's)
  --unit UNIT              NGFF unit of the spatial axes (e.g. nanometer, micrometer)
  --threads N              codec threads (default: the number of cores)
  --memory MB              memory bound (default 1024; at least 256)
  --overwrite              replace OUTPUT if it exists (only a Zarr dataset or an empty folder)
  --resume                 continue an interrupted conversion in OUTPUT
  --progress json|plain    progress as JSON lines or plain lines (default: a bar on a terminal)
  --part i/N               write only the shards of part i of N (1-based); then --finalize
  --finalize               after every part is done: the shards between parts and the metadata
  --bossdb-url URL         BossDB API for bossdb:// inputs (default https://api.bossdb.io)
  --bossdb-token TOKEN     BossDB token (or BOSSDB_TOKEN)
  -h, --help               show this help

Exit status: 0 done, 1 failed, 2 usage error, 130 interrupted.
`;

/** NGFF's space units (UDUNITS-2 names), as the 0.4 and 0.5 schemas list them. */
export const SPACE_UNITS = [
  'angstrom',
  'attometer',
  'centimeter',
  'decimeter',
  'exameter',
  'femtometer',
  'foot',
  'gigameter',
  'hectometer',
  'inch',
  'kilometer',
  'megameter',
  'meter',
  'micrometer',
  'mile',
  'millimeter',
  'nanometer',
  'parsec',
  'petameter',
  'picometer',
  'terameter',
  'yard',
  'yoctometer',
  'yottameter',
  'zeptometer',
  'zettameter',
];

const usage = (message: string) => new WriterError('Usage', message);

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw usage(`${flag}: a positive integer, not ${v}`);
  return n;
}

function numberList(flag: string, v: string, check: (n: number) => boolean): number[] {
  const list = v.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n) || !check(n))) throw usage(`${flag}: bad list ${v}`);
  return list;
}

/** `x=0:1024,y=:512,z=3:` → a Region. */
export function parseRegion(v: string): Region {
  const region: Record<string, readonly [number | undefined, number | undefined]> = {};
  for (const part of v.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*(\d*)\s*:\s*(\d*)\s*$/.exec(part);
    if (!m) throw usage(`--region: "${part}" is not axis=start:stop`);
    const [, name, a, b] = m;
    if (name in region) throw usage(`--region: axis ${name} given twice`);
    region[name] = [a === '' ? undefined : Number(a), b === '' ? undefined : Number(b)];
  }
  return region;
}

export function parseConvertArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ConvertArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw usage(positionals.length === 0 ? 'INPUT is missing' : 'one INPUT only');
  if (!values.output) throw usage('-o OUTPUT is missing');
  const ome = values.ome ?? '0.5';
  if (ome !== '0.5' && ome !== '0.4') throw usage(`--ome: 0.5 or 0.4, not ${ome}`);
  const options: WriteOptions = { ...defaultWriteOptions(availableParallelism()), ome };
  if (ome === '0.4') options.compression = 'blosc';
  if (values.chunk !== undefined) {
    options.chunk = values.chunk.includes(',')
      ? numberList('--chunk', values.chunk, (n) => Number.isInteger(n) && n >= 1)
      : positiveInt('--chunk', values.chunk);
  }
  if (values.shard !== undefined) options.shard = positiveInt('--shard', values.shard);
  if (values.compression !== undefined) {
    if (!COMPRESSIONS.includes(values.compression as CompressionName)) {
      throw usage(`--compression: ${COMPRESSIONS.join(', ')}, not ${values.compression}`);
    }
    options.compression = values.compression as CompressionName;
  }
  if (values['compression-level'] !== undefined) {
    const n = Number(values['compression-level']);
    if (!Number.isInteger(n)) throw usage(`--compression-level: an integer, not ${values['compression-level']}`);
    options.compressionLevel = n;
  }
  // A level outside the codec's range is a usage error, found before anything starts.
  try {
    codecSpec(options.compression, options.compressionLevel);
  } catch (e) {
    throw usage(`--compression-level: ${(e as Error).message}`);
  }
  if (values.levels !== undefined)
    options.levels = values.levels === 'auto' ? 'auto' : positiveInt('--levels', values.levels);
  if (values.downsample !== undefined) {
    if (!['mean', 'mode', 'nearest', 'max'].includes(values.downsample)) {
      throw usage(`--downsample: mean, mode, nearest or max, not ${values.downsample}`);
    }
    options.downsample = values.downsample as DownsampleMethod;
  }
  if (values['voxel-size'] !== undefined)
    options.voxelSize = numberList('--voxel-size', values['voxel-size'], (n) => n > 0);
  if (values.unit !== undefined) {
    if (!SPACE_UNITS.includes(values.unit))
      throw usage(`--unit: an NGFF space unit (${SPACE_UNITS.join(', ')}), not ${values.unit}`);
    options.unit = values.unit;
  }
  if (values.region !== undefined) options.region = parseRegion(values.region);
  if (values.threads !== undefined) options.threads = positiveInt('--threads', values.threads);
  options.memoryBytes =
    values.memory === undefined ? DEFAULT_MEMORY_BYTES : positiveInt('--memory', values.memory) * 2 ** 20;
  // Node and the codec threads alone take about 100 MB, and the allocator keeps some more.
  if (options.memoryBytes < 256 * 2 ** 20) throw usage('--memory: at least 256 MB');
  const mode: RunMode = { overwrite: values.overwrite, resume: values.resume, finalize: values.finalize };
  if (values.part !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.part);
    const index = m ? Number(m[1]) : 0;
    const count = m ? Number(m[2]) : 0;
    if (!m || count < 1 || index < 1 || index > count) throw usage(`--part: i/N with 1 ≤ i ≤ N, not ${values.part}`);
    mode.part = { index: index - 1, count };
  }
  if (mode.part && mode.finalize) throw usage('--part and --finalize are separate runs');
  if (mode.part && mode.overwrite) throw usage('--overwrite cannot be used with --part');
  const progress = values.progress;
  if (progress !== undefined && !['json', 'plain', 'bar'].includes(progress)) {
    throw usage(`--progress: json, plain or bar, not ${progress}`);
  }
  return {
    input: positionals[0],
    output: values.output,
    path: values.path ?? '',
    options,
    mode,
    ...(progress ? { progress: progress as ProgressStyle } : {}),
    bossdbUrl: values['bossdb-url'] ?? env.BOSSDB_URL,
    bossdbToken: values['bossdb-token'] ?? env.BOSSDB_TOKEN,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      output: { type: 'string', short: 'o' },
      path: { type: 'string' },
      region: { type: 'string' },
      ome: { type: 'string' },
      chunk: { type: 'string' },
      shard: { type: 'string' },
      compression: { type: 'string' },
      'compression-level': { type: 'string' },
      levels: { type: 'string' },
      downsample: { type: 'string' },
      'voxel-size': { type: 'string' },
      unit: { type: 'string' },
      threads: { type: 'string' },
      memory: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
      progress: { type: 'string' },
      part: { type: 'string' },
      finalize: { type: 'boolean', default: false },
      'bossdb-url': { type: 'string' },
      'bossdb-token': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
}
