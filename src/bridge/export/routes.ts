/**
 * `/control/export…`: the token for the bridge's own viewer, and export jobs
 * (start, list, one, cancel), each request checked by the ExportGuard.
 */
import type { Request, Response, Router } from 'express';
import { isWriterError } from '../writer/errors.js';
import type { ExportGuard, Verdict } from './guard.js';
import type { ExportJobs, ExportRequest } from './jobs.js';

function refuse(res: Response, v: Verdict): boolean {
  if (v.ok) return false;
  res.status(v.status).json({ error: 'Forbidden', detail: v.reason });
  return true;
}

export function exportRoutes(router: Router, guard: ExportGuard, jobs: ExportJobs): void {
  router.get('/export/session', (req: Request, res: Response) => {
    if (refuse(res, guard.mayGetToken(req))) return;
    // Never cached, never shared: the token is this process's.
    res.setHeader('Cache-Control', 'no-store');
    res.json({ token: guard.token });
  });
  router.get('/export/jobs', (req: Request, res: Response) => {
    if (refuse(res, guard.mayExport(req))) return;
    res.json({ jobs: jobs.list() });
  });
  router.get('/export/jobs/:id', (req: Request, res: Response) => {
    if (refuse(res, guard.mayExport(req))) return;
    const job = jobs.get(String(req.params.id));
    if (!job) return void res.status(404).json({ error: 'NotFound', detail: 'no such job' });
    res.json(job);
  });
  router.post('/export/jobs', (req: Request, res: Response) => {
    if (refuse(res, guard.mayExport(req))) return;
    try {
      const body = (req.body ?? {}) as Partial<ExportRequest>;
      const job = jobs.start({
        source: body.source as string,
        output: body.output as string,
        options: typeof body.options === 'object' && body.options !== null ? body.options : {},
        overwrite: body.overwrite === true,
      });
      res.status(202).json(job);
    } catch (e) {
      const status = isWriterError(e, 'Usage') ? 400 : 500;
      res.status(status).json({ error: status === 400 ? 'BadRequest' : 'Internal', detail: (e as Error).message });
    }
  });
  router.post('/export/jobs/:id/cancel', (req: Request, res: Response) => {
    if (refuse(res, guard.mayExport(req))) return;
    const job = jobs.cancel(String(req.params.id));
    if (!job) return void res.status(404).json({ error: 'NotFound', detail: 'no such job' });
    res.json(job);
  });
}
