// A plain Node static file server (the baseline for pass-through serving), run as its own process:
// node bench/static-server.mjs ROOT  → prints its URL.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const root = process.argv[2];
const s = createServer((req, res) => {
  const file = join(root, decodeURIComponent((req.url ?? '/').split('?')[0]));
  try {
    const size = statSync(file).size;
    res.writeHead(200, { 'Content-Length': size, 'Content-Type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404).end();
  }
});
s.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${s.address().port}`));
