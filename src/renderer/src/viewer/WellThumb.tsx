/**
 * One well of a plate grid: the chosen field (of the chosen acquisition) at its lowest resolution, painted
 * with the plate's window; a click opens it. Its pixels are read once per field and handed to the grid,
 * which samples a few wells for the plate's window.
 */
import { useEffect, useRef, useState } from 'react';
import { humanError } from '../api/humanError';
import type { ChannelState } from '../data/imageModel';
import { compositeWell, readWellPixels, type WellPixels, wellImagePath } from './wellPixels';

export function WellThumb(props: {
  wellPath: string;
  /** The well's name as people say it ("B2"). */
  name: string;
  field: number;
  /** Acquisition id to show, or undefined for all of the well's images. */
  acquisition?: number;
  /** The plate's window; undefined while it is being sampled (nothing is painted yet). */
  channels?: ChannelState[];
  /** Side of the square, CSS pixels. */
  size: number;
  onOpen: (path: string) => void;
  onError: (msg: string) => void;
  /** The well's pixels once read, or null when it has none for this field or failed. */
  onPixels?: (wellPath: string, pixels: WellPixels | null) => void;
}): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [image, setImage] = useState<string>();
  const [pixels, setPixels] = useState<WellPixels>();
  const { wellPath, field, acquisition, channels, onError, onPixels } = props;
  const report = useRef(onPixels);
  report.current = onPixels;

  useEffect(() => {
    const ctl = new AbortController();
    setImage(undefined);
    setPixels(undefined);
    // A stale thumbnail would claim to be the new field: clear it until the new one is painted.
    canvas.current?.getContext('2d')?.clearRect(0, 0, canvas.current.width, canvas.current.height);
    (async () => {
      const path = await wellImagePath(wellPath, field, acquisition, ctl.signal);
      if (!path) {
        report.current?.(wellPath, null);
        return;
      }
      setImage(path);
      const read = await readWellPixels(path, ctl.signal);
      if (ctl.signal.aborted) return;
      setPixels(read);
      report.current?.(wellPath, read);
    })().catch((e: unknown) => {
      if (ctl.signal.aborted) return;
      report.current?.(wellPath, null);
      onError(humanError(e, `Well ${props.name} could not be shown`));
    });
    return () => ctl.abort();
  }, [wellPath, field, acquisition, onError, props.name]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !pixels || !channels) return;
    el.width = pixels.width;
    el.height = pixels.height;
    el.getContext('2d')?.putImageData(compositeWell(pixels, channels), 0, 0);
  }, [pixels, channels]);

  const what = `Well ${props.name}, field ${field + 1}`;
  return (
    <button
      type="button"
      className="well"
      style={{ width: props.size, height: props.size }}
      data-testid={`well-${wellPath}`}
      data-image={image ?? ''}
      data-painted={pixels && channels ? '1' : '0'}
      disabled={!image}
      aria-label={image ? `Open ${what}` : `${what}: no image`}
      title={image ? `Open ${image}` : `${wellPath}: no such field`}
      onClick={() => image && props.onOpen(image)}
    >
      <canvas ref={canvas} />
    </button>
  );
}
