/**
 * The fixture itself against the facts file (research/bossdb.md): routes,
 * payload fields, error codes and messages, auth, and that its blosc and
 * npygz bodies decode (with numcodecs / fflate directly, not the bridge) to
 * the formula.
 */
import { unzlibSync } from 'fflate';
import { Blosc } from 'numcodecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BossdbFixture, expectedVoxel, FIXTURE_TOKEN, startBossdbFixture } from './bossdb-fixture/index.js';

let fx: BossdbFixture;
beforeAll(async () => {
  fx = await startBossdbFixture();
});
afterAll(() => fx.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${fx.url}${path}`, { headers });
const getJson = async (path: string, headers: Record<string, string> = {}) => {
  const r = await get(path, headers);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};

describe('routes', () => {
  it('serves /v1 and /latest, with or without a trailing slash, merging double slashes', async () => {
    for (const p of [
      '/v1/collection/',
      '/v1/collection',
      '/latest/collection/',
      '/latest/collection',
      '/v1/collection//',
    ]) {
      expect(await getJson(p), p).toEqual({ status: 200, body: { collections: ['zb_public'] } });
    }
  });

  it('lists with the BossDB keys', async () => {
    expect((await getJson('/v1/collection/zb_public/experiment/')).body).toEqual({
      experiments: ['aniso', 'labels', 'offset_iso', 'timelapse', 'big', 'skewed', 'huge', 'huge_shallow'],
    });
    expect((await getJson('/v1/collection/zb_public/experiment/aniso/channel')).body).toEqual({
      channels: ['em', 'em16', 'raw_nd'],
    });
    expect((await getJson('/v1/coord/')).body.coords).toContain('frame_offset');
  });

  it('returns resources with exactly the serializer fields', async () => {
    const coll = await getJson('/v1/collection/zb_public');
    expect(Object.keys(coll.body).sort()).toEqual(['creator', 'description', 'experiments', 'name', 'public']);
    const exp = await getJson('/v1/collection/zb_public/experiment/timelapse/');
    expect(Object.keys(exp.body).sort()).toEqual(
      [
        'channels',
        'name',
        'public',
        'description',
        'collection',
        'coord_frame',
        'num_hierarchy_levels',
        'hierarchy_method',
        'num_time_samples',
        'time_step',
        'time_step_unit',
        'creator',
      ].sort(),
    );
    expect(exp.body).toMatchObject({ collection: 'zb_public', coord_frame: 'frame_time', num_time_samples: 3 });
    const ch = await getJson('/v1/collection/zb_public/experiment/labels/channel/seg/');
    expect(Object.keys(ch.body).sort()).toEqual(
      [
        'name',
        'public',
        'description',
        'experiment',
        'default_time_sample',
        'type',
        'base_resolution',
        'datatype',
        'creator',
        'sources',
        'downsample_status',
        'related',
        'storage_type',
        'bucket',
        'cv_path',
      ].sort(),
    );
    expect(ch.body).toMatchObject({ experiment: 'labels', type: 'annotation', datatype: 'uint64' });
    const cf = await getJson('/v1/coord/frame_offset/');
    expect(cf.body).toMatchObject({ x_start: 100, x_stop: 613, y_start: 37, z_start: 5, voxel_unit: 'micrometers' });
  });

  it('reports /downsample extents by the ceil rule', async () => {
    const aniso = await getJson('/v1/downsample/zb_public/aniso/em/');
    expect(aniso.body).toEqual({
      status: 'DOWNSAMPLED',
      num_hierarchy_levels: 3,
      cuboid_size: { '0': [512, 512, 16], '1': [512, 512, 16], '2': [512, 512, 16] },
      extent: { '0': [1100, 600, 20], '1': [550, 300, 20], '2': [275, 150, 20] },
      voxel_size: { '0': [4, 4, 40], '1': [8, 8, 40], '2': [16, 16, 40] },
    });
    const iso = await getJson('/v1/downsample/zb_public/offset_iso/img');
    expect(iso.body.extent).toEqual({ '0': [613, 290, 45], '1': [307, 145, 23], '2': [154, 73, 12], '3': [77, 37, 6] });
    expect((iso.body.voxel_size as Record<string, number[]>)['3']).toEqual([64, 64, 64]);
    expect((await getJson('/v1/downsample/zb_public/aniso/raw_nd')).body.status).toBe('NOT_DOWNSAMPLED');
  });
});

describe('errors', () => {
  const cut = '/v1/cutout/zb_public';
  it.each([
    ['/v1/collection/nope/', 404, 4000, 'nope does not exist.'],
    ['/v1/collection/zb_public/experiment/nope', 404, 4000, 'nope does not exist.'],
    ['/v1/coord/nope', 404, 4000, 'nope does not exist.'],
    [`${cut}/aniso/nope/0/0:8/0:8/0:1/`, 404, 4000, 'Channel nope not found'],
    ['/v1/cutout/nope/aniso/em/0/0:8/0:8/0:1/', 404, 4000, 'Collection nope not found'],
    [`${cut}/nope/em/0/0:8/0:8/0:1/`, 404, 4000, 'Experiment nope not found'],
    [`${cut}/aniso/em/3/0:8/0:8/0:1/`, 400, 1002, 'Invalid resolution 3. The resolution has to be within 0 and 3'],
    [`${cut}/aniso/em/0/0:1101/0:8/0:1/`, 400, 1001, 'Incorrect cutout arguments 0/0:1101/0:8/0:1'],
    [`${cut}/aniso/em/0/8:8/0:8/0:1/`, 400, 1001, 'Incorrect cutout arguments 0/8:8/0:8/0:1'],
    // Base-frame validation at every level: x_start is 100 at level 1 too, whatever level 1's own origin.
    [`${cut}/offset_iso/img/1/50:60/37:40/5:6/`, 400, 1001, 'Incorrect cutout arguments 1/50:60/37:40/5:6'],
    [
      `${cut}/big/em/0/0:22000/0:26000/0:2/`,
      413,
      2000,
      'Cutout request is over 500MB when uncompressed. Reduce cutout dimensions.',
    ],
    [
      `${cut}/timelapse/ch0/0/0:8/0:8/0:1/5:6/`,
      400,
      1000,
      'Invalid time range 5:6. Start time is greater than the maximum time sample 3',
    ],
    ['/v1/collection/zb_private/', 403, 3001, 'Missing read permissions on the resource zb_private'],
    ['/v1/cutout/zb_private/secret/data/0/0:8/0:8/0:1/', 403, 3001, 'This user does not have the required permissions'],
    [`${cut}/aniso/hidden/0/0:8/0:8/0:1/`, 403, 3001, 'This user does not have the required permissions'],
    ['/v0.8/collection/', 400, 9003, ' This API version is unsupported. Update to version v1'],
  ])('%s → %i code %i', async (path, status, code, message) => {
    expect(await getJson(path)).toEqual({ status, body: { status, code, message } });
  });

  it('validates cutouts against the BASE frame: level 2 may read past its own extent (zeros), not below x_start', async () => {
    // Level 2 of offset_iso spans x < 154; x 150:200 is inside the base frame [100, 613].
    const r = await get('/v1/cutout/zb_public/offset_iso/img/2/150:200/37:38/5:6/');
    expect(r.status).toBe(200);
  });

  it('allows exactly the uint64 allowance below 520 MiB and refuses above', async () => {
    // uint64 counts bytes / 4: 530×520×18×8/4 bytes is far below the limit.
    expect((await get('/v1/cutout/zb_public/labels/seg/1/0:10/0:10/0:1/')).status).toBe(200);
  });

  it('treats tokens like DRF TokenAuthentication', async () => {
    expect(await getJson('/v1/collection/', { Authorization: 'Token wrong' })).toEqual({
      status: 401,
      body: { detail: 'Invalid token.' },
    });
    expect((await getJson('/v1/collection/', { Authorization: 'Token public' })).body).toEqual({
      collections: ['zb_public'],
    });
    const auth = { Authorization: `Token ${FIXTURE_TOKEN}` };
    expect((await getJson('/v1/collection/', auth)).body).toEqual({ collections: ['zb_public', 'zb_private'] });
    expect((await getJson('/v1/collection/zb_public/experiment/aniso/channel/', auth)).body.channels).toContain(
      'hidden',
    );
    expect((await get('/v1/cutout/zb_private/secret/data/0/0:8/0:8/0:1/', auth)).status).toBe(200);
  });

  it('answers an unknown list parent with a 500 page, as BossDB does', async () => {
    const r = await get('/v1/collection/nope/experiment/');
    expect(r.status).toBe(500);
    expect(r.headers.get('content-type')).toContain('text/html');
  });
});

describe('cutout bodies', () => {
  const bloscOf = async (path: string) => {
    const r = await get(path, { Accept: 'application/blosc' });
    expect(r.status).toBe(200);
    return new Uint8Array(await r.arrayBuffer());
  };

  it.each([
    ['aniso/em', 'uint8', 8],
    ['aniso/em16', 'uint16', 16],
    ['labels/seg', 'uint64', 64],
  ])('%s: blosc header typesize is the bit depth and the frame decodes to the formula', async (ce, dtype, bits) => {
    const [x0, x1, y0, y1, z0, z1] = [400, 528, 3, 103, 14, 18];
    const frame = await bloscOf(`/v1/cutout/zb_public/${ce}/0/${x0}:${x1}/${y0}:${y1}/${z0}:${z1}/`);
    expect(frame[3]).toBe(bits);
    // Really compressed (not stored raw), byte-shuffle on, as python-blosc's default.
    expect(frame[2]! & 0x03).toBe(0x01);
    const raw = await Blosc.fromConfig({ id: 'blosc' }).decode(frame);
    const size = bits / 8;
    expect(raw.length).toBe((x1 - x0) * (y1 - y0) * (z1 - z0) * size);
    const view = new DataView(raw.buffer, raw.byteOffset);
    let i = 0;
    for (let z = z0; z < z1; z++)
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++, i++) {
          const got = size === 1 ? raw[i] : size === 2 ? view.getUint16(i * 2, true) : view.getBigUint64(i * 8, true);
          if (got !== expectedVoxel(`zb_public/${ce}`, 0, 0, x, y, z))
            throw new Error(`${dtype} mismatch at ${x},${y},${z}`);
        }
    expect(dtype).toBeTruthy();
  });

  it('sends blosc without an Accept header and npygz (zlib + .npy, 4-D with t) on request', async () => {
    expect((await get('/v1/cutout/zb_public/aniso/em/0/0:4/0:4/0:1/')).headers.get('content-type')).toBe(
      'application/blosc',
    );
    const r = await get('/latest/cutout/zb_public/timelapse/ch0/1/3:9/2:5/1:3/0:2', { Accept: 'application/npygz' });
    expect(r.status).toBe(200);
    const body = new Uint8Array(await r.arrayBuffer());
    expect([body[0], body[1]]).toEqual([0x78, 0x9c]); // zlib at Python's default level 6
    const npy = unzlibSync(body);
    const headerLen = new DataView(npy.buffer).getUint16(8, true);
    const header = new TextDecoder().decode(npy.subarray(10, 10 + headerLen));
    expect(header).toContain("'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 3, 6)");
    expect((10 + headerLen) % 64).toBe(0);
    expect(npy[10 + headerLen]).toBe(expectedVoxel('zb_public/timelapse/ch0', 0, 1, 3, 2, 1));
  });

  it('uses the default time sample when no time range is given', async () => {
    const r = await get('/v1/cutout/zb_public/timelapse/ch0/0/5:6/7:8/2:3/', { Accept: 'application/npygz' });
    const npy = unzlibSync(new Uint8Array(await r.arrayBuffer()));
    expect(npy[npy.length - 1]).toBe(expectedVoxel('zb_public/timelapse/ch0', 1, 0, 5, 7, 2));
  });

  it('serves zeros above level 0 of a channel that was never downsampled', async () => {
    const frame = await bloscOf('/v1/cutout/zb_public/aniso/raw_nd/1/0:16/0:16/0:1/');
    const raw = await Blosc.fromConfig({ id: 'blosc' }).decode(frame);
    expect(raw.every((v) => v === 0)).toBe(true);
  });

  it('counts cutouts and voxels served', async () => {
    fx.resetCounters();
    await bloscOf('/v1/cutout/zb_public/aniso/em/0/0:10/0:10/0:2/');
    expect(fx.counters).toMatchObject({ cutoutRequests: 1, cutoutsServed: 1, voxelsServed: 200 });
  });
});
