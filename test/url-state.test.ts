/**
 * The plate grid's place in the URL: `field=` (1-based) and `acq=` are read back as written, written only
 * while the grid shows (no layer open), and bad values are ignored rather than trusted.
 */
import { describe, expect, it } from 'vitest';
import { parseUrlState, serializeUrlState } from '../src/renderer/src/state/urlState.js';

describe('plate parameters in the URL', () => {
  it('round-trips field and acquisition while a plate shows', () => {
    const query = serializeUrlState({
      source: 'local/plate.ome.zarr',
      layers: [],
      labels: {},
      plate: { field: 2, acquisition: 7 },
      test: false,
    });
    expect(query).toBe('?source=local/plate.ome.zarr&field=3&acq=7');
    expect(parseUrlState(query).plate).toEqual({ field: 2, acquisition: 7 });
  });

  it('leaves them out when an image is open, and when not chosen', () => {
    const layer = { source: 'local/plate.ome.zarr/B/2/1', selection: {}, channels: [], visible: true, opacity: 1 };
    const withImage = serializeUrlState({ layers: [layer], labels: {}, plate: { field: 1 }, test: false });
    expect(withImage).toBe('?source=local/plate.ome.zarr/B/2/1');
    expect(serializeUrlState({ source: 'local/p', layers: [], labels: {}, plate: {}, test: false })).toBe(
      '?source=local/p',
    );
    expect(parseUrlState('?source=local/p').plate).toEqual({});
  });

  it('ignores values that are not a field or an acquisition id', () => {
    expect(parseUrlState('?source=p&field=0&acq=x').plate).toEqual({});
    expect(parseUrlState('?source=p&field=1.5&acq=-1').plate).toEqual({});
    expect(parseUrlState('?source=p&field=1&acq=0').plate).toEqual({ field: 0, acquisition: 0 });
  });
});
