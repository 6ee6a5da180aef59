/**
 * The Export dialog: what to write (the whole image or the view's box), the
 * levels, the format, chunk and shard sizes, the codec, and where (a native
 * folder dialog in the desktop app, a path field in a browser).
 */
import { useState } from 'react';
import { api } from '../api/api';
import type { ExportOptions } from './exportClient';
import type { ExportTarget } from './exportRequests';

export interface ExportChoice {
  output: string;
  options: ExportOptions;
  overwrite: boolean;
}

export function ExportDialog(props: {
  target: ExportTarget;
  /** The view's box, when the target is drawn in the view's frame. */
  viewRegion?: Record<string, [number, number]>;
  onStart: (choice: ExportChoice) => void;
  onClose: () => void;
}): React.JSX.Element {
  const { target, viewRegion } = props;
  const [what, setWhat] = useState<'whole' | 'view'>('whole');
  const [output, setOutput] = useState('');
  const [ome, setOme] = useState<'0.5' | '0.4'>('0.5');
  const [levels, setLevels] = useState('auto');
  const [chunk, setChunk] = useState(64);
  const [shard, setShard] = useState(8);
  const [compression, setCompression] = useState<ExportOptions['compression']>('zstd');
  const [overwrite, setOverwrite] = useState(false);
  const chooser = api.chooseExportFolder;
  const box =
    viewRegion &&
    Object.entries(viewRegion)
      .map(([k, [a, b]]) => `${k} ${a}:${b}`)
      .join(', ');

  const start = (e: React.FormEvent) => {
    e.preventDefault();
    const options: ExportOptions = {
      ome,
      chunk,
      shard: ome === '0.4' ? 1 : shard,
      compression: ome === '0.4' && compression === 'zstd' ? 'blosc' : compression,
      levels: levels === 'auto' ? 'auto' : Math.max(1, Number(levels) || 1),
      ...(what === 'view' && viewRegion ? { region: viewRegion } : {}),
    };
    props.onStart({ output: output.trim(), options, overwrite });
  };

  return (
    <div className="export-dialog" role="dialog" aria-label="Export" data-testid="export-dialog">
      <form onSubmit={start}>
        <h2>Export {target.name}</h2>
        <fieldset>
          <legend>What</legend>
          <label>
            <input type="radio" checked={what === 'whole'} onChange={() => setWhat('whole')} /> The whole image (
            {target.axes.map((a) => a.size).join('×')})
          </label>
          <label title={viewRegion ? undefined : 'only for the base layer, with part of it in view'}>
            <input
              type="radio"
              data-testid="export-view-box"
              checked={what === 'view'}
              disabled={!viewRegion}
              onChange={() => setWhat('view')}
            />{' '}
            The view's box{box ? ` (${box})` : ''}
          </label>
        </fieldset>
        <label>
          Format{' '}
          <select value={ome} onChange={(e) => setOme(e.target.value as '0.5' | '0.4')} data-testid="export-format">
            <option value="0.5">OME-Zarr 0.5 (Zarr v3, sharded)</option>
            <option value="0.4">OME-Zarr 0.4 (Zarr v2)</option>
          </select>
        </label>
        <label>
          Levels{' '}
          <input value={levels} onChange={(e) => setLevels(e.target.value)} size={5} data-testid="export-levels" />
        </label>
        <label>
          Chunk <input type="number" min={1} value={chunk} onChange={(e) => setChunk(Number(e.target.value))} />
        </label>
        <label>
          Chunks per shard{' '}
          <input
            type="number"
            min={1}
            value={shard}
            disabled={ome === '0.4'}
            onChange={(e) => setShard(Number(e.target.value))}
          />
        </label>
        <label>
          Compression{' '}
          <select value={compression} onChange={(e) => setCompression(e.target.value as ExportOptions['compression'])}>
            <option value="zstd">{ome === '0.4' ? 'blosc-zstd' : 'zstd'}</option>
            <option value="blosc">blosc-zstd</option>
            <option value="gzip">gzip</option>
            <option value="none">none</option>
          </select>
        </label>
        <label>
          Folder{' '}
          <input
            value={output}
            onChange={(e) => setOutput(e.target.value)}
            placeholder="/path/to/export.ome.zarr"
            size={36}
            data-testid="export-output"
          />
          {chooser && (
            <button
              type="button"
              onClick={async () => {
                const chosen = await chooser();
                if (chosen) setOutput(chosen);
              }}
            >
              Choose…
            </button>
          )}
        </label>
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> Replace the
          folder if it holds a dataset
        </label>
        <div className="export-actions">
          <button type="submit" disabled={output.trim() === ''} data-testid="export-start">
            Export
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
