/** An export job as the bridge's `/control/export/jobs` routes report it, and as the viewer shows it. */
export type ExportStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ExportJob {
  id: string;
  source: string;
  output: string;
  status: ExportStatus;
  progress?: {
    fraction: number;
    level: number;
    levels: number;
    voxelsPerSecond: number;
    mbPerSecond: number;
    etaSeconds: number | null;
  };
  error?: string;
  /** Catalog path of the mounted result, once done. */
  opened?: string;
}
