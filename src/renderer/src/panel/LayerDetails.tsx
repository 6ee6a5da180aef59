/** The selected layer's info (shape, dtype, levels, voxel size), position sliders, channels, labels and URLs. */
import { useCallback } from 'react';
import { percentileLimits } from '../data/contrast';
import { voxelSizeText } from '../data/physical';
import { ExportButton } from '../export/ExportButton'; // Export hook-up (src/renderer/src/export)
import type { Layer } from '../state/layers';
import { AxisSliders } from './AxisSliders';
import { ChannelControls } from './ChannelControls';
import { CopyUrls } from './CopyUrls';

export function LayerDetails(props: {
  layer: Layer;
  onChange: (patch: (l: Layer) => Partial<Layer>) => void;
  onError: (msg: string) => void;
  /** Label controls, for the base layer only (labels are drawn in its frame). */
  children?: React.ReactNode;
  /** Export hook-up: the base layer's view box can be exported. */
  isBase?: boolean;
}): React.JSX.Element {
  const { layer, onChange, onError } = props;
  const { image, selection } = layer;
  const voxel = voxelSizeText(image.node);

  const autoContrast = useCallback(
    async (i: number) => {
      const lowest = image.sources[image.sources.length - 1];
      const sel = image.channelAxis ? { ...selection, [image.channelAxis]: i } : selection;
      try {
        const raster = await lowest.getRaster({ selection: sel });
        const limits = percentileLimits(raster.data);
        onChange((l) => ({ channels: l.channels.map((c, j) => (j === i ? { ...c, limits } : c)) }));
      } catch (e) {
        onError((e as Error).message);
      }
    },
    [image, selection, onChange, onError],
  );

  return (
    <>
      <h2 title={image.node.path}>{image.node.name}</h2>
      <p className="muted" data-testid="image-info">
        {image.sources[0].shape.join('×')} {image.sources[0].dtype} · {image.sources.length} level
        {image.sources.length === 1 ? '' : 's'}
      </p>
      {voxel && (
        <p className="muted" data-testid="voxel-size">
          Voxel: {voxel}
        </p>
      )}
      <AxisSliders
        axes={image.axes}
        channelAxis={image.channelAxis}
        selection={selection}
        onChange={(name, index) => onChange((l) => ({ selection: { ...l.selection, [name]: index } }))}
      />
      <ChannelControls
        channels={layer.channels}
        onChange={(i, next) => onChange((l) => ({ channels: l.channels.map((c, j) => (j === i ? next : c)) }))}
        onAuto={autoContrast}
      />
      {props.children}
      <CopyUrls node={image.node} />
      <ExportButton layer={layer} isBase={!!props.isBase} />
    </>
  );
}
