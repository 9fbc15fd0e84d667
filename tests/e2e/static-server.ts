// A plain static file server, like GitHub Pages, a school's web server or `python3 -m http.server`:
// files and their Content-Type, nothing else — no COOP/COEP, no Content-Security-Policy, no
// caching headers. It serves a folder under a path prefix (e.g. /clozelab/ for a Pages project
// site) and can be stopped for good, to play "the network is gone".
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

export interface StaticServer {
  /** Origin and prefix without the trailing slash, e.g. http://127.0.0.1:40123/clozelab */
  url: string;
  /** Every path asked for, in order (for assertions on what the browser fetched). */
  requests: string[];
  /** Replaces the bytes served for a file under the prefix, e.g. 'sw.js' (a new deploy). */
  override(file: string, body: string | Buffer): void;
  /** Stops listening and drops open connections: the next request is refused. */
  close(): Promise<void>;
}

export async function startStaticServer(root: string, prefix = '/'): Promise<StaticServer> {
  const mount = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const overrides = new Map<string, string | Buffer>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    // Like most servers: the folder without its slash is redirected to the folder.
    if (`${path}/` === mount) {
      res.writeHead(301, { Location: mount }).end();
      return;
    }
    if (!path.startsWith(mount) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    let relative = path.slice(mount.length);
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const type = TYPES[extname(relative)] ?? 'application/octet-stream';
    const override = overrides.get(relative);
    if (override !== undefined) {
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(override) });
      res.end(req.method === 'HEAD' ? undefined : override);
      return;
    }
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep)) {
      res.writeHead(404).end();
      return;
    }
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${mount.replace(/\/$/, '')}`,
    requests,
    override: (file, body) => overrides.set(file, body),
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
