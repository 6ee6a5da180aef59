/** The bridge's port: 5020 as bossdb-zarr uses, or the next free one when it is taken. */
import { createServer } from 'node:net';

function free(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

export async function firstFreePort(preferred: number, host = '127.0.0.1', tries = 20): Promise<number> {
  for (let p = preferred; p < preferred + tries && p <= 65535; p++) {
    if (await free(p, host)) return p;
  }
  throw new Error(`no free port in ${preferred}–${preferred + tries - 1}`);
}
