/** The selected layer's info (shape with axis names, dtype, levels, voxel size), position, channels, labels and URLs. */
import { voxelSizeText } from '../data/physical';
import { ExportButton } from '../export/ExportButton';
import type { Layer } from '../state/layers';
import { AxisSliders } from './AxisSliders';
import { ChannelControls } from './ChannelControls';
import { CopyUrls } from './CopyUrls';

/** `t 2 × c 2 × z 8 × y 120 × x 136`. */
export function shapeText(layer: Layer): string {
  const { axes } = layer.image;
  return axes.map((a) => `${a.name} ${a.size}`).join(' × ');
}

export function LayerDetails(props: {
  layer: Layer;
  onChange: (patch: (l: Layer) => Partial<Layer>) => void;
  onAuto: (channel: number) => void;
  /** Label controls, for the base layer only (labels are drawn in its frame). */
  children?: React.ReactNode;
  /** Export hook-up: the base layer's view box can be exported. */
  isBase?: boolean;
}): React.JSX.Element {
  const { layer, onChange, onAuto } = props;
  const { image, selection } = layer;
  const voxel = voxelSizeText(image.node);
  const dtype = image.node.levels?.[0]?.dtype ?? image.sources[0].level.dtype;

  return (
    <>
      <h2 title={image.node.path} className="layer-title">
        {image.node.name}
      </h2>
      <p className="muted" data-testid="image-info">
        {shapeText(layer)} · {dtype} · {image.sources.length} level{image.sources.length === 1 ? '' : 's'}
        {image.labelSources ? ' · labels' : ''}
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
      {image.labelSources ? (
        <p className="muted">A label image: each id has its own colour (as in Neuroglancer); 0 is transparent.</p>
      ) : (
        <ChannelControls
          channels={layer.channels}
          onChange={(i, next) => onChange((l) => ({ channels: l.channels.map((c, j) => (j === i ? next : c)) }))}
          onVisibility={(visible) =>
            onChange((l) => ({ channels: l.channels.map((c, j) => ({ ...c, visible: visible[j] ?? c.visible })) }))
          }
          onAuto={onAuto}
        />
      )}
      {props.children}
      <CopyUrls node={image.node} />
      <ExportButton layer={layer} isBase={!!props.isBase} />
    </>
  );
}
