/** Per-channel visibility, colour and contrast limits, with auto-contrast from the lowest level. */
import { hexToRgb, rgbToHex } from '../data/colors';
import type { ChannelState } from '../data/imageModel';

interface Props {
  channels: ChannelState[];
  onChange: (index: number, next: ChannelState) => void;
  onAuto: (index: number) => void;
}

export function ChannelControls({ channels, onChange, onAuto }: Props): React.JSX.Element {
  return (
    <fieldset className="channels">
      <legend>Channels ({channels.length})</legend>
      {channels.map((c, i) => {
        const set = (patch: Partial<ChannelState>) => onChange(i, { ...c, ...patch });
        const step =
          Number.isInteger(c.range[0]) && Number.isInteger(c.range[1]) ? 1 : (c.range[1] - c.range[0]) / 1000;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: channels are positional and never reordered.
          <div className="channel" key={i} data-testid={`channel-${i}`}>
            <div className="channel-head">
              <input
                type="checkbox"
                checked={c.visible}
                aria-label={`show ${c.label}`}
                data-testid={`channel-${i}-visible`}
                onChange={(e) => set({ visible: e.target.checked })}
              />
              <input
                type="color"
                value={`#${rgbToHex(c.color)}`}
                aria-label={`colour of ${c.label}`}
                onChange={(e) => set({ color: hexToRgb(e.target.value) ?? c.color })}
              />
              <span className="channel-label" title={c.label}>
                {c.label}
              </span>
              <button
                type="button"
                onClick={() => onAuto(i)}
                title="Contrast from the 0.5–99.5 percentiles of the lowest level"
              >
                Auto
              </button>
            </div>
            <div className="channel-limits">
              <input
                type="range"
                min={c.range[0]}
                max={c.range[1]}
                step={step}
                value={c.limits[0]}
                aria-label={`${c.label} minimum`}
                onChange={(e) => set({ limits: [Math.min(Number(e.target.value), c.limits[1]), c.limits[1]] })}
              />
              <input
                type="range"
                min={c.range[0]}
                max={c.range[1]}
                step={step}
                value={c.limits[1]}
                aria-label={`${c.label} maximum`}
                onChange={(e) => set({ limits: [c.limits[0], Math.max(Number(e.target.value), c.limits[0])] })}
              />
              <span className="limits-text">
                {c.limits[0]}–{c.limits[1]}
              </span>
            </div>
          </div>
        );
      })}
    </fieldset>
  );
}
