/** The jobs panel: each export's progress bar, speed and ETA, with Cancel; a finished export is opened. */
import { useEffect, useRef, useState } from 'react';
import { cancelExport, type ExportJob, listExports } from './exportClient';

const eta = (s: number | null | undefined) =>
  s === null || s === undefined ? '' : s < 60 ? `${s} s left` : `${Math.floor(s / 60)} min ${s % 60} s left`;

export function ExportJobs(props: {
  /** Bumped when a job was started, so the panel polls again. */
  version: number;
  onOpen: (catalogPath: string) => void;
  onError: (msg: string) => void;
}): React.JSX.Element | null {
  const { version, onOpen, onError } = props;
  const [jobs, setJobs] = useState<ExportJob[]>([]);
  const opened = useRef(new Set<string>());

  useEffect(() => {
    if (version === 0) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const list = await listExports();
        if (!live) return;
        setJobs(list);
        for (const j of list) {
          if (j.status === 'done' && j.opened && !opened.current.has(j.id)) {
            opened.current.add(j.id);
            onOpen(j.opened);
          }
        }
        if (list.some((j) => j.status === 'running' || j.status === 'queued')) timer = setTimeout(poll, 500);
      } catch (e) {
        if (live) onError((e as Error).message);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [version, onOpen, onError]);

  if (jobs.length === 0) return null;
  return (
    <section className="export-jobs" data-testid="export-jobs" aria-label="Exports">
      <h3>Exports</h3>
      {jobs.map((j) => (
        <div key={j.id} className={`export-job ${j.status}`} data-testid="export-job" data-status={j.status}>
          <div className="export-job-title" title={j.output}>
            {j.source.split('/').at(-1)} → {j.output.split(/[\\/]/).at(-1)}
          </div>
          <progress max={1} value={j.status === 'done' ? 1 : (j.progress?.fraction ?? 0)} />
          <div className="export-job-status">
            {j.status === 'running' && j.progress
              ? `level ${j.progress.level + 1}/${j.progress.levels} · ${j.progress.mbPerSecond.toFixed(1)} MB/s · ${eta(j.progress.etaSeconds)}`
              : j.status === 'failed'
                ? `failed: ${j.error}`
                : j.status}
            {(j.status === 'running' || j.status === 'queued') && (
              <button type="button" onClick={() => cancelExport(j.id).catch((e: Error) => onError(e.message))}>
                Cancel
              </button>
            )}
          </div>
        </div>
      ))}
    </section>
  );
}
