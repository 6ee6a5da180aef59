/** One well of a plate grid: the chosen field (of the chosen acquisition) at its lowest resolution; a click opens it. */
import { useEffect, useRef, useState } from 'react';
import { fetchCatalog } from '../data/catalogClient';
import { openImage } from '../data/openImage';
import { renderThumbnail } from '../data/thumbnail';

export function WellThumb(props: {
  wellPath: string;
  field: number;
  /** Acquisition id to show, or undefined for all of the well's images. */
  acquisition?: number;
  onOpen: (path: string) => void;
  onError: (msg: string) => void;
}): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [image, setImage] = useState<string>();
  const { wellPath, field, acquisition, onError } = props;
  useEffect(() => {
    const ctl = new AbortController();
    setImage(undefined);
    // A stale thumbnail would claim to be the new field: clear it until the new one is painted.
    canvas.current?.getContext('2d')?.clearRect(0, 0, canvas.current.width, canvas.current.height);
    (async () => {
      const well = await fetchCatalog(wellPath, ctl.signal);
      const listed =
        well.ome?.well?.images ?? well.children?.filter((c) => c.kind === 'image').map((c) => ({ path: c.name }));
      const images = (listed ?? []).filter(
        (im) => acquisition === undefined || !('acquisition' in im) || im.acquisition === acquisition,
      );
      const chosen = images[field]?.path;
      if (!chosen) return;
      const path = `${wellPath}/${chosen}`;
      setImage(path);
      const img = await openImage(await fetchCatalog(path, ctl.signal), ctl.signal);
      const pixels = await renderThumbnail(img, ctl.signal);
      const el = canvas.current;
      if (!el || ctl.signal.aborted) return;
      el.width = pixels.width;
      el.height = pixels.height;
      el.getContext('2d')?.putImageData(pixels, 0, 0);
    })().catch((e: Error) => ctl.signal.aborted || onError(`Well ${wellPath}: ${e.message}`));
    return () => ctl.abort();
  }, [wellPath, field, acquisition, onError]);
  return (
    <button
      type="button"
      className="well"
      data-testid={`well-${wellPath}`}
      data-image={image ?? ''}
      disabled={!image}
      title={image ? `Open ${image}` : `${wellPath}: no such field`}
      onClick={() => image && props.onOpen(image)}
    >
      <canvas ref={canvas} />
    </button>
  );
}
