// A tiny static server for the benchmark: the built bench page, and /models/ from .cache/models
// (the benchmark model) or public/models, with cross-origin isolation headers (threads) and
// `Cache-Control: no-store`, so a "warm" load can only come from the browser's Cache API.
// Counts the model bytes it sends (a warm load must send none).
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { pipeline } from 'node:stream';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
};

export interface BenchServer {
  url: string;
  modelBytesSent(): number;
  close(): Promise<void>;
}

export async function startServer(options: {
  root: string;
  modelDirs: string[];
  isolate?: boolean;
}): Promise<BenchServer> {
  let modelBytes = 0;
  const isolate = options.isolate ?? true;
  const find = (urlPath: string): string | null => {
    const clean = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, '');
    const candidates = clean.startsWith('/models/')
      ? options.modelDirs.map((d) => join(d, clean.slice('/models/'.length)))
      : [join(options.root, clean === '/' ? 'index.html' : clean)];
    for (const file of candidates) {
      try {
        if (statSync(file).isFile()) return file;
      } catch {
        // next
      }
    }
    return null;
  };
  const server: Server = createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = find(urlPath);
    if (process.env.BENCH_SERVER_LOG)
      console.log(`[server] ${req.method} ${urlPath} ${file ? 200 : 404} range=${req.headers.range ?? ''}`);
    const headers: Record<string, string> = {
      'Cache-Control': 'no-store',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (isolate) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const size = statSync(file).size;
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(size),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    if (urlPath.startsWith('/models/')) stream.on('data', (chunk) => (modelBytes += chunk.length));
    pipeline(stream, res, () => undefined);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    modelBytesSent: () => modelBytes,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
