/** The open layers, base first: select one to edit it below; per-layer visibility, opacity and remove. */
import type { Layer } from '../state/layers';

export function LayerList(props: {
  layers: Layer[];
  selectedId?: string;
  onSelect: (id: string) => void;
  onChange: (id: string, patch: Partial<Layer>) => void;
  onRemove: (id: string) => void;
}): React.JSX.Element {
  return (
    <fieldset className="layers" data-testid="layers">
      <legend>Layers ({props.layers.length})</legend>
      {props.layers.map((l, i) => (
        <div
          key={l.id}
          className={`layer-row${l.id === props.selectedId ? ' selected' : ''}`}
          data-testid={`layer-${i}`}
        >
          <input
            type="checkbox"
            checked={l.visible}
            aria-label={`show layer ${l.image.node.name}`}
            data-testid={`layer-${i}-visible`}
            onChange={(e) => props.onChange(l.id, { visible: e.target.checked })}
          />
          <button
            type="button"
            className="layer-name"
            title={`${l.source}${i === 0 ? ' (base: the view is in its pixels)' : ''}`}
            aria-pressed={l.id === props.selectedId}
            data-testid={`layer-${i}-select`}
            onClick={() => props.onSelect(l.id)}
          >
            {l.image.node.name}
          </button>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={l.opacity}
            aria-label={`opacity of layer ${l.image.node.name}`}
            data-testid={`layer-${i}-opacity`}
            onChange={(e) => props.onChange(l.id, { opacity: Number(e.target.value) })}
          />
          <button
            type="button"
            className="layer-remove"
            aria-label={`remove layer ${l.image.node.name}`}
            data-testid={`layer-${i}-remove`}
            onClick={() => props.onRemove(l.id)}
          >
            ×
          </button>
        </div>
      ))}
    </fieldset>
  );
}
