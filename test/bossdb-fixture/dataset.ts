/**
 * The fixture's synthetic BossDB catalog: collections, experiments, channels
 * and coordinate frames, with exactly the fields BossDB's serializers emit
 * (see /work/shared/research/bossdb.md §2.5). Each entry exists to exercise
 * one behaviour; the comment on it says which.
 */

export type Datatype = 'uint8' | 'uint16' | 'uint32' | 'uint64';

export interface FixtureFrame {
  name: string;
  description: string;
  x_start: number;
  x_stop: number;
  y_start: number;
  y_stop: number;
  z_start: number;
  z_stop: number;
  x_voxel_size: number;
  y_voxel_size: number;
  z_voxel_size: number;
  voxel_unit: 'nanometers' | 'micrometers' | 'millimeters' | 'centimeters';
}

export interface FixtureChannel {
  name: string;
  public: boolean;
  description: string;
  default_time_sample: number;
  type: 'image' | 'annotation';
  base_resolution: number;
  datatype: Datatype;
  creator: string;
  sources: string[];
  downsample_status: 'NOT_DOWNSAMPLED' | 'QUEUED' | 'IN_PROGRESS' | 'DOWNSAMPLED' | 'FAILED';
  related: string[];
  storage_type: 'spdb' | 'cloudvol';
  bucket: string | null;
  cv_path: string | null;
}

export interface FixtureExperiment {
  name: string;
  public: boolean;
  description: string;
  coord_frame: string;
  num_hierarchy_levels: number;
  hierarchy_method: 'anisotropic' | 'isotropic';
  num_time_samples: number;
  time_step: number | null;
  time_step_unit: string | null;
  creator: string;
  channels: FixtureChannel[];
}

export interface FixtureCollection {
  name: string;
  public: boolean;
  description: string;
  creator: string;
  experiments: FixtureExperiment[];
}

/** The token that may read everything (sent as `Authorization: Token <it>`). */
export const FIXTURE_TOKEN = 'zb-fixture-secret-token-6f1c93';
/** BossDB's well-known public token: valid, but reads public data only. */
export const PUBLIC_TOKEN = 'public';

const channel = (name: string, datatype: Datatype, extra: Partial<FixtureChannel> = {}): FixtureChannel => ({
  name,
  public: true,
  description: '',
  default_time_sample: 0,
  type: 'image',
  base_resolution: 0,
  datatype,
  creator: 'fixture',
  sources: [],
  downsample_status: 'DOWNSAMPLED',
  related: [],
  storage_type: 'spdb',
  bucket: null,
  cv_path: null,
  ...extra,
});

const experiment = (
  name: string,
  coord_frame: string,
  channels: FixtureChannel[],
  extra: Partial<FixtureExperiment> = {},
): FixtureExperiment => ({
  name,
  public: true,
  description: '',
  coord_frame,
  num_hierarchy_levels: 1,
  hierarchy_method: 'anisotropic',
  num_time_samples: 1,
  time_step: null,
  time_step_unit: '',
  creator: 'fixture',
  channels,
  ...extra,
});

const frame = (
  name: string,
  [x_start, x_stop]: [number, number],
  [y_start, y_stop]: [number, number],
  [z_start, z_stop]: [number, number],
  [x_voxel_size, y_voxel_size, z_voxel_size]: [number, number, number],
  voxel_unit: FixtureFrame['voxel_unit'],
): FixtureFrame => ({
  name,
  description: '',
  x_start,
  x_stop,
  y_start,
  y_stop,
  z_start,
  z_stop,
  x_voxel_size,
  y_voxel_size,
  z_voxel_size,
  voxel_unit,
});

export const FRAMES: FixtureFrame[] = [
  // Odd extents that cross cuboid boundaries (512 in x,y; 16 in z).
  frame('frame_aniso', [0, 1100], [0, 600], [0, 20], [4, 4, 40], 'nanometers'),
  frame('frame_labels', [0, 530], [0, 520], [0, 18], [6, 6, 30], 'nanometers'),
  // Non-zero start on every axis; at level 3 the whole x extent (77) lies below x_start (100).
  frame('frame_offset', [100, 613], [37, 290], [5, 45], [8, 8, 8], 'micrometers'),
  frame('frame_time', [0, 77], [0, 61], [0, 9], [1, 1, 2], 'micrometers'),
  // witvliet2020-sized: large enough for 413s and for region-cost measurements.
  frame('frame_big', [0, 22000], [0, 26000], [0, 300], [4, 4, 50], 'nanometers'),
  // A whole-brain EM volume (MICrONS-sized): 200000 × 160000 × 4000 voxels, far beyond any full read.
  frame('frame_huge', [0, 200000], [0, 160000], [0, 4000], [4, 4, 40], 'nanometers'),
  // Anisotropic with x≠y voxel size: BossDB's /downsample refuses it (400 code 9001).
  frame('frame_skewed', [0, 64], [0, 64], [0, 4], [4, 5, 40], 'nanometers'),
];

export const COLLECTIONS: FixtureCollection[] = [
  {
    name: 'zb_public',
    public: true,
    description: 'Synthetic public data',
    creator: 'fixture',
    experiments: [
      experiment(
        'aniso',
        'frame_aniso',
        [
          channel('em', 'uint8'),
          channel('em16', 'uint16'),
          channel('raw_nd', 'uint8', { downsample_status: 'NOT_DOWNSAMPLED' }),
          // Private channel inside a public experiment: listed and readable only with a token.
          channel('hidden', 'uint8', { public: false }),
        ],
        { num_hierarchy_levels: 3 },
      ),
      // An EM channel with its uint64 segmentation, as connectomics experiments pair them.
      experiment(
        'labels',
        'frame_labels',
        [channel('em', 'uint8'), channel('seg', 'uint64', { type: 'annotation', sources: ['em'] })],
        { num_hierarchy_levels: 2 },
      ),
      experiment('offset_iso', 'frame_offset', [channel('img', 'uint16')], {
        num_hierarchy_levels: 4,
        hierarchy_method: 'isotropic',
      }),
      experiment('timelapse', 'frame_time', [channel('ch0', 'uint8', { default_time_sample: 1 })], {
        num_hierarchy_levels: 2,
        num_time_samples: 3,
        time_step: 5,
        time_step_unit: 'seconds',
      }),
      experiment('big', 'frame_big', [channel('em', 'uint8')], { num_hierarchy_levels: 5 }),
      experiment('skewed', 'frame_skewed', [channel('em', 'uint8')], { num_hierarchy_levels: 2 }),
      // The hierarchy BossDB users build for a volume this size (level 9: 391 × 313 per plane), and its
      // uint64 segmentation as an annotation channel.
      experiment('huge', 'frame_huge', [channel('em', 'uint8'), channel('seg', 'uint64', { type: 'annotation' })], {
        num_hierarchy_levels: 10,
      }),
      // The same volume with a shallow hierarchy (level 4: 12500 × 10000 per plane, ~1,900 chunks): a full view
      // cannot be covered without reading thousands of blocks.
      experiment('huge_shallow', 'frame_huge', [channel('em', 'uint8')], { num_hierarchy_levels: 5 }),
    ],
  },
  {
    name: 'zb_private',
    public: false,
    description: 'Synthetic private data',
    creator: 'fixture',
    experiments: [
      experiment('secret', 'frame_labels', [channel('data', 'uint8', { public: false })], {
        public: false,
        num_hierarchy_levels: 2,
      }),
    ],
  },
];

export function findFrame(name: string): FixtureFrame | undefined {
  return FRAMES.find((f) => f.name === name);
}

export interface ChannelRef {
  collection: FixtureCollection;
  experiment: FixtureExperiment;
  channel: FixtureChannel;
  frame: FixtureFrame;
}

/** Look a channel up by `collection/experiment/channel`. */
export function findChannel(path: string): ChannelRef | undefined {
  const [c, e, ch] = path.split('/');
  const collection = COLLECTIONS.find((x) => x.name === c);
  const exp = collection?.experiments.find((x) => x.name === e);
  const chan = exp?.channels.find((x) => x.name === ch);
  const fr = exp ? findFrame(exp.coord_frame) : undefined;
  if (!collection || !exp || !chan || !fr) return undefined;
  return { collection, experiment: exp, channel: chan, frame: fr };
}
