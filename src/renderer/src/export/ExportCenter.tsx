/**
 * Export in the viewer, mounted once by the app: shows the dialog when a
 * layer's Export… button (or File → Export in the desktop app) asks, starts
 * the job on the bridge, and shows the jobs panel.
 */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/api';
import { ExportDialog } from './ExportDialog';
import { ExportJobs } from './ExportJobs';
import { startExport } from './exportClient';
import { type ExportTarget, onExportRequest, requestExport } from './exportRequests';
import { viewRegion } from './viewBox';
import './export.css';

export function ExportCenter(props: {
  view: { target: number[]; zoom: number };
  stage: React.RefObject<HTMLDivElement | null>;
  onOpen: (catalogPath: string) => void;
  onError: (msg: string) => void;
}): React.JSX.Element {
  const { onError } = props;
  const [target, setTarget] = useState<ExportTarget>();
  const [version, setVersion] = useState(0);

  useEffect(() => onExportRequest((t) => (t ? setTarget(t) : onError('Select an image layer to export'))), [onError]);
  // File → Export in the desktop menu.
  useEffect(() => api.onExportRequested?.(() => requestExport()), []);

  const el = props.stage.current;
  const region =
    target?.isBase && el
      ? viewRegion(target.axes, props.view, { width: el.clientWidth, height: el.clientHeight })
      : undefined;

  const onOpen = props.onOpen;
  const open = useCallback((path: string) => onOpen(path), [onOpen]);

  return (
    <>
      {target && (
        <ExportDialog
          target={target}
          viewRegion={region}
          onClose={() => setTarget(undefined)}
          onStart={({ output, options, overwrite }) => {
            startExport(target.source, output, options, overwrite).then(
              () => {
                setTarget(undefined);
                setVersion((v) => v + 1);
              },
              (e: Error) => onError(e.message),
            );
          }}
        />
      )}
      <ExportJobs version={version} onOpen={open} onError={onError} />
    </>
  );
}
