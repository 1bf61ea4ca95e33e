// Serves folders over HTTP on 127.0.0.1 (a free port) for the browser: the exported
// package, the run-time's files and the harness page; a caller may add routes.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Serves `mounts` ({"/prefix/": folder}); resolves to { url, close }. `routes`, when
 * given, is asked first and answers the requests it returns true for. */
export function serve(mounts, routes = async () => false) {
  const server = createServer(async (req, res) => {
    if (await routes(req, res)) return;
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
    const rest = prefix && normalize(path.slice(prefix.length));
    if (!prefix || rest.startsWith('..')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(mounts[prefix], rest));
      res.writeHead(200, { 'content-type': TYPES[extname(rest)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    });
  });
}
