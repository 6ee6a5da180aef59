/**
 * A series picker for images inside a bioformats2raw container (one file, many series: a slide's scenes, a
 * stage's positions). Opening the container shows its first series; this lists the others. The chosen
 * series is the URL's source path (`…/image.ome.zarr/2`), so it survives a reload.
 */
import { useEffect, useState } from 'react';
import type { CatalogChild } from '../../../shared/catalog';
import { fetchCatalog } from '../data/catalogClient';
import '../ui.css';

export function SeriesPicker(props: { imagePath: string; onOpen: (path: string) => void }): React.JSX.Element | null {
  const { imagePath } = props;
  const container = imagePath.includes('/') ? imagePath.slice(0, imagePath.lastIndexOf('/')) : '';
  const [series, setSeries] = useState<CatalogChild[]>([]);
  useEffect(() => {
    setSeries([]);
    // A BossDB experiment is never a bioformats2raw container, and listing one costs a BossDB round trip per
    // channel while the first frame is loading.
    if (!container || container === 'bossdb' || container.startsWith('bossdb/')) return;
    const ctl = new AbortController();
    fetchCatalog(container, ctl.signal)
      .then((node) => {
        if (node.kind !== 'bioformats2raw') return;
        const images = (node.children ?? []).filter((c) => c.kind === 'image');
        // The order of `series` in the layout's metadata when given, else the listing's.
        const order = node.ome?.series;
        if (order) images.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
        setSeries(images);
      })
      // Not a container, or unreadable: the picker is a convenience and simply does not show.
      .catch(() => undefined);
    return () => ctl.abort();
  }, [container]);
  if (series.length < 2) return null;
  return (
    <label className="series-picker">
      Series
      <select data-testid="series-picker" value={imagePath} onChange={(e) => props.onOpen(e.target.value)}>
        {series.map((s, i) => (
          <option key={s.path} value={s.path}>
            {`${i + 1} of ${series.length}${s.image ? ` · ${s.image.shape.join('×')}` : ''}${/^\d+$/.test(s.name) ? '' : ` · ${s.name}`}`}
          </option>
        ))}
      </select>
    </label>
  );
}
