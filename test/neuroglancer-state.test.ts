/**
 * The Neuroglancer state builder and parser, on catalog nodes the bridge
 * describes for fixtures other tools wrote (OME-Zarr 0.4 on Zarr v2 with
 * labels, OME-Zarr 0.5 sharded, an N5 multiscale, a plain Zarr v3 array) and
 * for the BossDB fixture's EM channel and its uint64 annotation channel.
 * Expected voxel sizes and positions come from the fixtures' MANIFEST.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../src/bridge/bridge.js';
import { parseUrlState } from '../src/renderer/src/state/urlState.js';
import type { CatalogNode } from '../src/shared/catalog.js';
import { buildNeuroglancerState, isSegmentation, SceneError } from '../src/shared/neuroglancer/build-state.js';
import { CHANNEL_SHADER } from '../src/shared/neuroglancer/channel-shader.js';
import {
  builtInNeuroglancerUrl,
  HOSTED_NEUROGLANCER,
  hostedNeuroglancerUrl,
  stateFragment,
} from '../src/shared/neuroglancer/links.js';
import { parseNeuroglancerState } from '../src/shared/neuroglancer/parse-state.js';
import type { Scene } from '../src/shared/neuroglancer/scene.js';
import { chooseFace, sourcePlan } from '../src/shared/neuroglancer/source.js';
import { catalogPathOf, sameBridge } from '../src/shared/neuroglancer/source-path.js';
import type { ImageLayerState, SegmentationLayerState } from '../src/shared/neuroglancer/state.js';
import { type StateTextError, stateFromText, urlSafeToJson } from '../src/shared/neuroglancer/state-text.js';
import { dimensionScale, siUnit } from '../src/shared/neuroglancer/units.js';
import { type BossdbFixture, startBossdbFixture } from './bossdb-fixture/index.js';
import { fixturesPresent, missing } from './support/env.js';
import { startFixtureBridge, urlPath } from './support/fixture-bridge.js';

describe('units', () => {
  it('spells OME units as Neuroglancer does', () => {
    expect(siUnit('micrometer')).toEqual([1e-6, 'm']);
    expect(siUnit('nanometer')).toEqual([1e-9, 'm']);
    expect(siUnit('millisecond')).toEqual([1e-3, 's']);
    expect(siUnit('second')).toEqual([1, 's']);
    expect(siUnit('angstrom')).toEqual([1e-10, 'm']);
    expect(siUnit('hour')).toEqual([3600, 's']);
    expect(siUnit(undefined)).toEqual([1, '']);
    expect(siUnit('furlong')).toEqual([1, '']);
    expect(dimensionScale(0.25, 'micrometer')).toEqual([2.5e-7, 'm']);
    expect(dimensionScale(30, 'nanometer')).toEqual([3e-8, 'm']);
  });
});

describe('state text and source URLs', () => {
  const bridge = ['http://127.0.0.1:5020'];
  it('maps every spelling of the bridge faces to a catalog path', () => {
    const cases: [string, string, string][] = [
      ['zarr3://http://127.0.0.1:5020/zarr/v3/local/a.ome.zarr', 'local/a.ome.zarr', 'zarr3'],
      [
        'zarr2://http://localhost:5020/zarr/v2/local/a.ome.zarr/labels/cells/',
        'local/a.ome.zarr/labels/cells',
        'zarr2',
      ],
      ['zarr://http://127.0.0.1:5020/zarr/v3/remote/x', 'remote/x', 'zarr3'],
      ['http://127.0.0.1:5020/zarr/v3/local/a.ome.zarr/|zarr3:', 'local/a.ome.zarr', 'zarr3'],
      ['n5://http://127.0.0.1:5020/n5/local/data.n5', 'local/data.n5', 'n5'],
      ['http://127.0.0.1:5020/n5/local/data.n5/|n5:', 'local/data.n5', 'n5'],
      ['n5://http://127.0.0.1:5020/api/coll/exp/em', 'bossdb/coll/exp/em', 'n5'],
      ['zarr://http://127.0.0.1:5020/ome/coll/exp/em', 'bossdb/coll/exp/em', 'zarr2'],
      ['zarr3://http://127.0.0.1:5020/zarr/v3/local/my%20group/x', 'local/my group/x', 'zarr3'],
    ];
    for (const [url, path, face] of cases) expect(catalogPathOf(url, bridge), url).toEqual({ path, face });
  });

  it('leaves out other servers and formats', () => {
    for (const url of [
      'zarr3://http://127.0.0.1:5021/zarr/v3/local/a',
      'zarr3://https://example.org/zarr/v3/local/a',
      'precomputed://gs://bucket/x',
      'zarr3://http://127.0.0.1:5020/catalog/local/a',
      'http://127.0.0.1:5020/zarr/v3/local/a|zip:',
      'zarr3://http://127.0.0.1:5020/zarr/v3/',
      'zarr3://http://127.0.0.1:5020/zarr/v3/local/%E0%A4%A',
    ])
      expect('skip' in catalogPathOf(url, bridge), url).toBe(true);
    expect(sameBridge('http://localhost:5020', 'http://127.0.0.1:5020')).toBe(true);
    expect(sameBridge('http://[::1]:5020', 'http://127.0.0.1:5020')).toBe(true);
    expect(sameBridge('http://127.0.0.1:5021', 'http://127.0.0.1:5020')).toBe(false);
    expect(sameBridge('https://127.0.0.1:5020', 'http://127.0.0.1:5020')).toBe(false);
  });

  it('reads URLs, fragments, JSON and Neuroglancer URL-safe JSON', () => {
    const state = { layers: [{ name: 'it\'s "x"', type: 'image' }], position: [1, 2] };
    expect(stateFromText(JSON.stringify(state))).toEqual(state);
    expect(
      stateFromText(`https://neuroglancer-demo.appspot.com/#!${encodeURIComponent(JSON.stringify(state))}`),
    ).toEqual(state);
    expect(stateFromText(`http://127.0.0.1:5020/neuroglancer/#!+${JSON.stringify(state)}`)).toEqual(state);
    // Neuroglancer's URL-safe form: `'` and `"` swapped inside strings, `_` for commas.
    expect(JSON.parse(urlSafeToJson(`{'layers':[{'name':'it\\'s "x"'_'type':'image'}]_'position':[1_2]}`))).toEqual(
      state,
    );
    const tagOf = (text: string) => {
      try {
        stateFromText(text);
        return 'parsed';
      } catch (e) {
        return (e as StateTextError).tag;
      }
    };
    expect(tagOf('https://neuroglancer-demo.appspot.com/#!gs://bucket/state.json')).toBe('StoredElsewhere');
    expect(tagOf('https://example.org/')).toBe('NotAState');
    expect(tagOf('{"layers": [')).toBe('BadJson');
    expect(tagOf('[1, 2]')).toBe('NotAState');
  });
});

describe.skipIf(missing('shared fixtures (../shared/fixtures/generated)', fixturesPresent()))(
  'state builder on the bridge catalog',
  () => {
    let bridge: Bridge;
    let fx: BossdbFixture;
    let base: string;
    const node = async (path: string) =>
      (await (await fetch(`${base}/catalog/${urlPath(path)}`)).json()) as CatalogNode;
    let blosc: CatalogNode;
    let cells: CatalogNode;

    beforeAll(async () => {
      fx = await startBossdbFixture();
      ({ bridge } = await startFixtureBridge(
        [
          'generated/image_blosc.ome.zarr',
          'generated/image_sharded.ome.zarr',
          'generated/data.n5',
          'zarrita/v3/data.zarr',
        ],
        { bossdb: { url: fx.url } },
      ));
      base = bridge.url;
      blosc = await node('local/image_blosc.ome.zarr');
      cells = await node('local/image_blosc.ome.zarr/labels/cells');
    });
    afterAll(async () => {
      await bridge?.close();
      await fx?.close();
    });

    const scene = (extra: Partial<Scene> = {}): Scene => ({
      layers: [
        {
          node: blosc,
          channels: [
            { visible: true, color: [255, 0, 0], window: [0, 37968], range: [0, 65535], label: 'ch0-red' },
            { visible: true, color: [0, 255, 0], window: [3000, 6000], label: 'ch1-green' },
          ],
          selection: { t: 1, z: 4 },
          labels: [{ node: cells, opacity: 0.7 }],
        },
      ],
      view: { target: [68, 60], zoom: 1 },
      ...extra,
    });

    it('an OME-Zarr 0.4 image on Zarr v2: channels, labels, dimensions, position and zoom', () => {
      const state = buildNeuroglancerState(scene());
      // MANIFEST: level-0 scale t 1 s, z 0.5 µm, y and x 0.25 µm; axes t, c, z, y, x.
      expect(state.dimensions).toEqual({ x: [2.5e-7, 'm'], y: [2.5e-7, 'm'], z: [5e-7, 'm'], t: [1, 's'] });
      expect(Object.keys(state.dimensions)).toEqual(['x', 'y', 'z', 't']);
      // Neuroglancer puts OME voxel centres on whole numbers: pixel coordinate 68 (a pixel edge) is 67.5.
      expect(state.position).toEqual([67.5, 59.5, 4, 1]);
      expect(state.crossSectionScale).toBe(0.5);
      expect(state.layout).toBe('xy');
      const [ch0, ch1, seg] = state.layers as [ImageLayerState, ImageLayerState, SegmentationLayerState];
      expect(state.layers).toHaveLength(3);
      // Stored Zarr v2 (blosc) is read on /zarr/v2, so its chunks pass through unchanged.
      const url = `zarr2://${base}/zarr/v2/local/image_blosc.ome.zarr`;
      expect(ch0).toEqual({
        type: 'image',
        name: 'image_blosc.ome.zarr ch0-red',
        source: url,
        localDimensions: { "c'": [1, ''] },
        localPosition: [0],
        shader: CHANNEL_SHADER,
        shaderControls: { contrast: { range: [0, 37968], window: [0, 65535] }, color: '#ff0000' },
        blend: 'additive',
      });
      expect(ch1).toMatchObject({
        name: 'image_blosc.ome.zarr ch1-green',
        localPosition: [1],
        shaderControls: { contrast: { range: [3000, 6000] }, color: '#00ff00' },
      });
      expect(seg).toMatchObject({
        type: 'segmentation',
        name: 'cells',
        source: `${url}/labels/cells`,
        localDimensions: { "c'": [1, ''] },
        localPosition: [0],
        selectedAlpha: 0.7,
      });
      // image-label colours of the fixture (label 1 → 37, 91, 53).
      expect(seg.segmentColors?.['1']).toBe('#255b35');
      expect(Object.keys(seg.segmentColors ?? {})).toHaveLength(cells.ome?.imageLabel?.colors?.length ?? -1);
    });

    it('hidden channels and layers, opacity, no view: centred on the image', () => {
      const s = scene({ view: undefined });
      s.layers[0].channels[0].visible = false;
      s.layers[0].visible = false;
      s.layers[0].opacity = 0.4;
      s.layers[0].selection = {};
      const state = buildNeuroglancerState(s);
      expect(state.layers.map((l) => l.name)).toEqual(['image_blosc.ome.zarr ch1-green', 'cells']);
      expect(state.layers[0]).toMatchObject({ visible: false, opacity: 0.4 });
      expect(state.layers[1]).toMatchObject({ visible: false });
      // 136 × 120 pixels, 8 planes, 2 time points: the middle of each.
      expect(state.position).toEqual([67.5, 59.5, 4, 1]);
      expect(state.crossSectionScale).toBeUndefined();
      expect(() => buildNeuroglancerState({ layers: [] })).toThrow(SceneError);
    });

    it('OME-Zarr 0.5 sharded on /zarr/v3, N5 on /n5, a plain v3 array', async () => {
      const sharded = await node('local/image_sharded.ome.zarr');
      expect(chooseFace(sharded)).toBe('zarr3');
      const s1 = buildNeuroglancerState({
        layers: [
          {
            node: sharded,
            channels: [
              { visible: true, color: [255, 0, 255], window: [0, 10000] },
              { visible: false, color: [0, 0, 0], window: [0, 1] },
            ],
            selection: { z: 2 },
          },
        ],
        view: { target: [10, 20], zoom: -1 },
      });
      expect(s1.dimensions).toEqual({ x: [2.5e-7, 'm'], y: [2.5e-7, 'm'], z: [5e-7, 'm'] });
      expect(s1.position).toEqual([9.5, 19.5, 2]);
      expect(s1.crossSectionScale).toBe(2);
      expect(s1.layers[0]).toMatchObject({
        source: `zarr3://${base}/zarr/v3/local/image_sharded.ome.zarr`,
        localPosition: [0],
      });
      expect(s1.layers[0].name).toBe('image_sharded.ome.zarr c0');

      // N5 (MANIFEST: 4 × 4 × 40 nm, axes x, y, z): Neuroglancer's n5 source puts voxel corners on whole numbers.
      const n5 = await node('local/data.n5');
      expect(chooseFace(n5)).toBe('n5');
      const s2 = buildNeuroglancerState({
        layers: [
          { node: n5, channels: [{ visible: true, color: [255, 255, 255], window: [0, 65535] }], selection: { z: 3 } },
        ],
        view: { target: [60, 50], zoom: 0 },
      });
      expect(s2.dimensions).toEqual({ x: [4e-9, 'm'], y: [4e-9, 'm'], z: [4e-8, 'm'] });
      expect(s2.position).toEqual([60, 50, 3.5]);
      expect(s2.layers[0]).toMatchObject({ name: 'data.n5', source: `n5://${base}/n5/local/data.n5` });
      expect(s2.layers[0].localPosition).toBeUndefined();

      const array = await node('local/data.zarr/3d.chunked.compressed.sharded.i2');
      const plan = sourcePlan(array);
      expect(plan).toMatchObject({ face: 'zarr3', voxelOrigin: 'corner' });
      expect(plan.axes.map((a) => a.name)).toEqual(['dim_0', 'dim_1', 'dim_2']);
      const s3 = buildNeuroglancerState({
        layers: [
          {
            node: array,
            channels: [{ visible: true, color: [255, 255, 255], window: [0, 100] }],
            selection: { dim_0: 1 },
          },
        ],
        view: { target: [2, 3], zoom: 0 },
      });
      expect(s3.dimensions).toEqual({ dim_2: [1, ''], dim_1: [1, ''], dim_0: [1, ''] });
      expect(s3.position).toEqual([2, 3, 1.5]);
    });

    it('a BossDB EM channel with its uint64 annotation channel', async () => {
      const em = await node('bossdb/zb_public/labels/em');
      const seg = await node('bossdb/zb_public/labels/seg');
      expect([isSegmentation(em), isSegmentation(seg)]).toEqual([false, true]);
      const state = buildNeuroglancerState({
        layers: [
          { node: em, channels: [{ visible: true, color: [255, 255, 255], window: [0, 255] }], selection: { z: 5 } },
          {
            node: seg,
            channels: [{ visible: true, color: [255, 255, 255], window: [0, 1] }],
            selection: { z: 5 },
            opacity: 0.6,
          },
        ],
        view: { target: [100.5, 200.5], zoom: 2 },
      });
      // The fixture's frame_labels: 6 × 6 × 30 nm.
      expect(state.dimensions).toEqual({ x: [6e-9, 'm'], y: [6e-9, 'm'], z: [3e-8, 'm'] });
      expect(state.position).toEqual([100, 200, 5]);
      expect(state.crossSectionScale).toBe(0.25);
      expect(state.layers).toEqual([
        expect.objectContaining({
          type: 'image',
          name: 'em',
          source: `zarr3://${base}/zarr/v3/bossdb/zb_public/labels/em`,
        }),
        {
          type: 'segmentation',
          name: 'seg',
          source: `zarr3://${base}/zarr/v3/bossdb/zb_public/labels/seg`,
          selectedAlpha: 0.6,
        },
      ]);
    });

    it('links: the built-in and the hosted Neuroglancer read back the same state', () => {
      const state = buildNeuroglancerState(scene());
      const builtIn = builtInNeuroglancerUrl(base, state);
      expect(builtIn.startsWith(`${base}/neuroglancer/#!`)).toBe(true);
      expect(hostedNeuroglancerUrl(state).startsWith(`${HOSTED_NEUROGLANCER}#!`)).toBe(true);
      expect(stateFromText(builtIn)).toEqual(state);
      expect(JSON.parse(decodeURIComponent(stateFragment(state).slice(2)))).toEqual(state);
      expect(stateFragment(state).slice(2)).not.toMatch(/[#\s"]/);
    });

    it('parses a state it built back into the scene', () => {
      const state = buildNeuroglancerState(scene());
      const parsed = parseNeuroglancerState(hostedNeuroglancerUrl(state), [base]);
      expect(parsed.skipped).toEqual([]);
      expect(parsed.layers).toEqual([
        {
          path: 'local/image_blosc.ome.zarr',
          face: 'zarr2',
          channels: [
            { visible: true, color: [255, 0, 0], window: [0, 37968], range: [0, 65535] },
            { visible: true, color: [0, 255, 0], window: [3000, 6000] },
          ],
          labels: [{ name: 'cells', path: 'local/image_blosc.ome.zarr/labels/cells', visible: true, opacity: 0.7 }],
          segmentation: false,
          visible: true,
          opacity: 1,
        },
      ]);
      expect(parsed.view).toEqual({ target: [68, 60], zoom: 1 });
      expect(parsed.selection).toEqual({ z: 4, t: 1 });
    });

    it("gives the viewer's URL state for ?neuroglancer=", () => {
      const url = builtInNeuroglancerUrl(base, buildNeuroglancerState(scene()));
      const u = parseUrlState(`?neuroglancer=${encodeURIComponent(url)}&test=1`, [base]);
      expect(u).toMatchObject({
        source: 'local/image_blosc.ome.zarr',
        selection: { z: 4, t: 1 },
        channels: [
          { visible: true, color: [255, 0, 0], limits: [0, 37968] },
          { visible: true, color: [0, 255, 0], limits: [3000, 6000] },
        ],
        labels: { cells: 0.7 },
        view: { target: [68, 60], zoom: 1 },
        layers: [],
        test: true,
      });
      expect(u.notOpened).toBeUndefined();
      // Another bridge's state opens nothing here, and says why; so does text that is no state.
      const elsewhere = parseUrlState(`?neuroglancer=${encodeURIComponent(url)}`, ['http://127.0.0.1:1']);
      expect(elsewhere.source).toBeUndefined();
      expect(elsewhere.notOpened).toEqual([
        expect.stringMatching(/^image_blosc.ome.zarr ch0-red: another server/),
        expect.stringMatching(/^image_blosc.ome.zarr ch1-green: another server/),
        expect.stringMatching(/^cells: another server/),
      ]);
      expect(parseUrlState('?neuroglancer=hello', [base]).notOpened).toEqual([
        expect.stringContaining('Neuroglancer URL'),
      ]);
    });

    it('parses hand-made states: other servers, annotation layers, a channel shown alone, N5 corners', () => {
      const parsed = parseNeuroglancerState(
        {
          dimensions: { x: [4e-9, 'm'], y: [4e-9, 'm'], z: [4e-8, 'm'] },
          position: [10.2, 20.7, 3.9],
          crossSectionScale: 4,
          layers: [
            { type: 'image', name: 'n5', source: { url: `n5://${base}/n5/local/data.n5` }, opacity: 0.5 },
            {
              type: 'image',
              name: 'c1 only',
              source: `http://localhost:${new URL(base).port}/zarr/v3/local/image_sharded.ome.zarr/|zarr3:`,
              localDimensions: { "c'": [1, ''] },
              localPosition: [1.2],
              shaderControls: { normalized: { range: [5, 50] }, tint: '#123456' },
              visible: false,
            },
            { type: 'annotation', name: 'points', source: 'local://annotations' },
            { type: 'image', name: 'public', source: 'precomputed://gs://neuroglancer-public-data/x' },
            { type: 'segmentation', name: 'seg', source: `zarr3://${base}/zarr/v3/bossdb/zb_public/labels/seg` },
            {
              type: 'segmentation',
              name: 'only labels',
              source: `zarr2://${base}/zarr/v2/local/image_blosc.ome.zarr/labels/cells`,
            },
          ],
        },
        [base],
      );
      expect(parsed.layers.map((l) => [l.path, l.face, l.visible, l.segmentation])).toEqual([
        ['local/data.n5', 'n5', true, false],
        ['local/image_sharded.ome.zarr', 'zarr3', false, false],
        ['bossdb/zb_public/labels/seg', 'zarr3', true, true],
        ['local/image_blosc.ome.zarr', 'zarr2', true, false],
      ]);
      expect(parsed.layers[0]).toMatchObject({ opacity: 0.5, channels: [{ visible: true }] });
      expect(parsed.layers[1].channels).toEqual([
        undefined,
        { visible: false, color: [0x12, 0x34, 0x56], window: [5, 50] },
      ]);
      expect(parsed.layers[3]).toMatchObject({ channels: [], labels: [{ name: 'cells', opacity: 0.5 }] });
      expect(parsed.skipped.map((s) => s.name)).toEqual(['points', 'public']);
      // The first layer is N5: corners on whole numbers.
      expect(parsed.view).toEqual({ target: [10.2, 20.7], zoom: -2 });
      expect(parsed.selection).toEqual({ z: 3 });
    });
  },
);
