/** Label images of the open image: each off by default, with its own opacity. */

export interface LabelSetting {
  visible: boolean;
  opacity: number;
}

export function LabelControls(props: {
  labels: { name: string; path: string }[];
  settings: Record<string, LabelSetting>;
  onChange: (name: string, next: LabelSetting) => void;
}): React.JSX.Element | null {
  if (props.labels.length === 0) return null;
  return (
    <fieldset className="labels">
      <legend>Labels</legend>
      {props.labels.map(({ name }) => {
        const s = props.settings[name] ?? { visible: false, opacity: 0.5 };
        return (
          <div className="label-row" key={name}>
            <input
              type="checkbox"
              checked={s.visible}
              aria-label={`show labels ${name}`}
              data-testid={`labels-${name}-visible`}
              onChange={(e) => props.onChange(name, { ...s, visible: e.target.checked })}
            />
            <span className="channel-label">{name}</span>
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={s.opacity}
              aria-label={`opacity of labels ${name}`}
              onChange={(e) => props.onChange(name, { ...s, opacity: Number(e.target.value) })}
            />
          </div>
        );
      })}
    </fieldset>
  );
}
