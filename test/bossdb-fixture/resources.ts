/**
 * The fixture's metadata routes: lists, resource views, coordinate frames and
 * /downsample, with BossDB's permission rules (public objects readable by
 * anyone; everything readable with a full-access token) and its messages.
 */
import {
  COLLECTIONS,
  type FixtureChannel,
  type FixtureCollection,
  type FixtureExperiment,
  FRAMES,
  findFrame,
} from './dataset.js';
import { downsamplePayload } from './downsample.js';
import { bossError, CODE, json, type Reply, serverErrorPage } from './reply.js';

export interface Principal {
  /** A full-access token was presented. */
  readonly all: boolean;
}

const readable = (o: { public: boolean }, who: Principal): boolean => o.public || who.all;

const missingRead = (name: string): Reply =>
  bossError(403, CODE.MISSING_PERMISSION, `Missing read permissions on the resource ${name}`);
const doesNotExist = (name: string): Reply => bossError(404, CODE.RESOURCE_NOT_FOUND, `${name} does not exist.`);

export const collectionSerializer = (c: FixtureCollection) => ({
  name: c.name,
  public: c.public,
  description: c.description,
  experiments: c.experiments.map((e) => e.name),
  creator: c.creator,
});

export const experimentSerializer = (c: FixtureCollection, e: FixtureExperiment) => ({
  channels: e.channels.map((ch) => ch.name),
  name: e.name,
  public: e.public,
  description: e.description,
  collection: c.name,
  coord_frame: e.coord_frame,
  num_hierarchy_levels: e.num_hierarchy_levels,
  hierarchy_method: e.hierarchy_method,
  num_time_samples: e.num_time_samples,
  time_step: e.time_step,
  time_step_unit: e.time_step_unit,
  creator: e.creator,
});

export const channelSerializer = (e: FixtureExperiment, ch: FixtureChannel) => ({
  name: ch.name,
  public: ch.public,
  description: ch.description,
  experiment: e.name,
  default_time_sample: ch.default_time_sample,
  type: ch.type,
  base_resolution: ch.base_resolution,
  datatype: ch.datatype,
  creator: ch.creator,
  sources: ch.sources,
  downsample_status: ch.downsample_status,
  related: ch.related,
  storage_type: ch.storage_type,
  bucket: ch.bucket,
  cv_path: ch.cv_path,
});

const N = '([\\w-]+)';
const route = (pattern: string): RegExp => new RegExp(`^${pattern}/?$`);
const ROUTES: [RegExp, (m: string[], who: Principal) => Reply][] = [
  [
    route('/collection'),
    (_m, who) => json(200, { collections: COLLECTIONS.filter((c) => readable(c, who)).map((c) => c.name) }),
  ],
  [route(`/collection/${N}`), ([c], who) => collectionView(c!, who)],
  [route(`/collection/${N}/experiment`), ([c], who) => experimentList(c!, who)],
  [route(`/collection/${N}/experiment/${N}`), ([c, e], who) => experimentView(c!, e!, who)],
  [route(`/collection/${N}/experiment/${N}/channel`), ([c, e], who) => channelList(c!, e!, who)],
  [route(`/collection/${N}/experiment/${N}/channel/${N}`), ([c, e, ch], who) => channelView(c!, e!, ch!, who)],
  [route('/coord'), () => json(200, { coords: FRAMES.map((f) => f.name) })],
  [route(`/coord/${N}`), ([cf]) => coordView(cf!)],
  [route(`/downsample/${N}/${N}/${N}`), ([c, e, ch], who) => downsampleView(c!, e!, ch!, who)],
];

/** The reply for a metadata path (after `/v1`), or undefined when no route matches. */
export function resourceRoute(path: string, who: Principal): Reply | undefined {
  for (const [re, handler] of ROUTES) {
    const m = re.exec(path);
    if (m) return handler(m.slice(1), who);
  }
  return undefined;
}

function collectionView(c: string, who: Principal): Reply {
  const coll = COLLECTIONS.find((x) => x.name === c);
  if (!coll) return doesNotExist(c);
  if (!readable(coll, who)) return missingRead(c);
  return json(200, collectionSerializer(coll));
}

function experimentList(c: string, who: Principal): Reply {
  const coll = COLLECTIONS.find((x) => x.name === c);
  // BossDB's list views do `Collection.objects.get` unguarded: an unknown parent is an unhandled exception.
  if (!coll) return serverErrorPage();
  return json(200, { experiments: coll.experiments.filter((e) => readable(e, who)).map((e) => e.name) });
}

function experimentView(c: string, e: string, who: Principal): Reply {
  const coll = COLLECTIONS.find((x) => x.name === c);
  if (!coll) return doesNotExist(c);
  const exp = coll.experiments.find((x) => x.name === e);
  if (!exp) return doesNotExist(e);
  if (!readable(exp, who)) return missingRead(e);
  return json(200, experimentSerializer(coll, exp));
}

function channelList(c: string, e: string, who: Principal): Reply {
  const exp = COLLECTIONS.find((x) => x.name === c)?.experiments.find((x) => x.name === e);
  if (!exp) return serverErrorPage();
  return json(200, { channels: exp.channels.filter((ch) => readable(ch, who)).map((ch) => ch.name) });
}

function channelView(c: string, e: string, ch: string, who: Principal): Reply {
  const coll = COLLECTIONS.find((x) => x.name === c);
  if (!coll) return doesNotExist(c);
  const exp = coll.experiments.find((x) => x.name === e);
  if (!exp) return doesNotExist(e);
  const chan = exp.channels.find((x) => x.name === ch);
  if (!chan) return doesNotExist(ch);
  if (!readable(chan, who)) return missingRead(ch);
  return json(200, channelSerializer(exp, chan));
}

/** Coordinate frames are readable by anyone (no permission check in BossDB). */
function coordView(cf: string): Reply {
  const frame = findFrame(cf);
  return frame ? json(200, frame) : doesNotExist(cf);
}

export interface ResolvedChannel {
  collection: FixtureCollection;
  experiment: FixtureExperiment;
  channel: FixtureChannel;
}

/** BossRequest.initialize_request: names first, then the data permission. */
export function resolveDataRequest(c: string, e: string, ch: string, who: Principal): ResolvedChannel | Reply {
  const collection = COLLECTIONS.find((x) => x.name === c);
  if (!collection) return bossError(404, CODE.RESOURCE_NOT_FOUND, `Collection ${c} not found`);
  const experiment = collection.experiments.find((x) => x.name === e);
  if (!experiment) return bossError(404, CODE.RESOURCE_NOT_FOUND, `Experiment ${e} not found`);
  const channel = experiment.channels.find((x) => x.name === ch);
  if (!channel) return bossError(404, CODE.RESOURCE_NOT_FOUND, `Channel ${ch} not found`);
  if (!readable(channel, who)) {
    return bossError(403, CODE.MISSING_PERMISSION, 'This user does not have the required permissions');
  }
  return { collection, experiment, channel };
}

function downsampleView(c: string, e: string, ch: string, who: Principal): Reply {
  const r = resolveDataRequest(c, e, ch, who);
  if ('status' in r) return r;
  const frame = findFrame(r.experiment.coord_frame)!;
  if (r.experiment.hierarchy_method === 'anisotropic' && frame.x_voxel_size !== frame.y_voxel_size) {
    // spdb raises ValueError here, which BossDB reports as a system error.
    return bossError(400, CODE.BOSS_SYSTEM_ERROR, 'Anisotropic downsampling requires equal x and y voxel sizes');
  }
  return json(200, downsamplePayload(r.experiment, frame, r.channel.downsample_status));
}
