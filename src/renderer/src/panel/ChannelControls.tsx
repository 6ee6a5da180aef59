/**
 * Per-channel visibility, colour and contrast, for any number of channels: a compact row per channel (sliders
 * and histogram only for those shown), solo and all-off, and a clear refusal past what the renderer can draw.
 */
import { useState } from 'react';
import { hexToRgb, rgbToHex } from '../data/colors';
import { formatValue } from '../data/contrast';
import type { ChannelState } from '../data/imageModel';
import { MAX_VISIBLE_CHANNELS } from '../data/openImage';
import { Histogram } from './Histogram';

interface Props {
  channels: ChannelState[];
  onChange: (index: number, next: ChannelState) => void;
  /** Replace every channel's visibility at once (solo, all off). */
  onVisibility: (visible: boolean[]) => void;
  onAuto: (index: number) => void;
}

export function ChannelControls({ channels, onChange, onVisibility, onAuto }: Props): React.JSX.Element {
  const [notice, setNotice] = useState<string>();
  const shown = channels.filter((c) => c.visible).length;
  const toggle = (i: number, visible: boolean) => {
    if (visible && shown >= MAX_VISIBLE_CHANNELS) {
      setNotice(
        `At most ${MAX_VISIBLE_CHANNELS} channels can be drawn at once: turn one off (or use Solo) before showing ${channels[i].label}.`,
      );
      return;
    }
    setNotice(undefined);
    onChange(i, { ...channels[i], visible });
  };
  return (
    <fieldset className="channels">
      <legend>
        Channels ({shown} of {channels.length} shown)
      </legend>
      {channels.length > 1 && (
        <div className="channel-bulk">
          <button type="button" onClick={() => onVisibility(channels.map(() => false))} data-testid="channels-all-off">
            All off
          </button>
          <button
            type="button"
            onClick={() => onVisibility(channels.map((_, i) => i < Math.min(channels.length, MAX_VISIBLE_CHANNELS)))}
            data-testid="channels-first-on"
          >
            First {Math.min(channels.length, MAX_VISIBLE_CHANNELS)} on
          </button>
        </div>
      )}
      {notice && (
        <output className="channel-notice" data-testid="channel-notice">
          {notice}
        </output>
      )}
      <div className={`channel-list${channels.length > 12 ? ' compact' : ''}`}>
        {channels.map((c, i) => {
          const set = (patch: Partial<ChannelState>) => onChange(i, { ...c, ...patch });
          const integer = Number.isInteger(c.range[0]) && Number.isInteger(c.range[1]);
          const step = integer ? 1 : (c.range[1] - c.range[0]) / 1000;
          const hex = `#${rgbToHex(c.color)}`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: channels are positional and never reordered.
            <div className={`channel${c.visible ? ' shown' : ''}`} key={i} data-testid={`channel-${i}`}>
              <div className="channel-head">
                <input
                  type="checkbox"
                  checked={c.visible}
                  aria-label={`show ${c.label}`}
                  data-testid={`channel-${i}-visible`}
                  onChange={(e) => toggle(i, e.target.checked)}
                />
                <input
                  type="color"
                  value={hex}
                  aria-label={`colour of ${c.label}`}
                  onChange={(e) => set({ color: hexToRgb(e.target.value) ?? c.color })}
                />
                <span className="channel-label" title={c.label}>
                  {c.label}
                </span>
                {channels.length > 1 && (
                  <button
                    type="button"
                    className="small"
                    aria-label={`Solo ${c.label}`}
                    title="Show only this channel"
                    data-testid={`channel-${i}-solo`}
                    onClick={() => onVisibility(channels.map((_, j) => j === i))}
                  >
                    Solo
                  </button>
                )}
                {c.visible && (
                  <button
                    type="button"
                    className="small"
                    aria-label={`Auto contrast for ${c.label}`}
                    title="Window from the 0.5–99.5 percentiles of what is on screen"
                    data-testid={`channel-${i}-auto`}
                    onClick={() => onAuto(i)}
                  >
                    Auto
                  </button>
                )}
              </div>
              {c.visible && (
                <div className="channel-limits">
                  {c.histogram && <Histogram histogram={c.histogram} limits={c.limits} color={hex} label={c.label} />}
                  <input
                    type="range"
                    min={c.range[0]}
                    max={c.range[1]}
                    step={step}
                    value={c.limits[0]}
                    aria-label={`${c.label} minimum`}
                    onChange={(e) =>
                      set({ limits: [Math.min(Number(e.target.value), c.limits[1]), c.limits[1]], limitsFrom: 'user' })
                    }
                  />
                  <input
                    type="range"
                    min={c.range[0]}
                    max={c.range[1]}
                    step={step}
                    value={c.limits[1]}
                    aria-label={`${c.label} maximum`}
                    onChange={(e) =>
                      set({ limits: [c.limits[0], Math.max(Number(e.target.value), c.limits[0])], limitsFrom: 'user' })
                    }
                  />
                  <span className="limits-text" data-testid={`channel-${i}-limits`}>
                    {formatValue(c.limits[0])}–{formatValue(c.limits[1])}
                  </span>
                </div>
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
