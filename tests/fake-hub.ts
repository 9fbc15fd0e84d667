// A local HTTP server (127.0.0.1) that answers like the Hugging Face Hub for the offline-kit tests:
// small files straight from /<id>/resolve/main/<file> (with a git-style ETag), ONNX files through a
// 302 that announces their sha256 (X-Linked-Etag, X-Linked-Size) to a "CDN" URL that honours Range.
// It serves real model folders (the generated fixtures), so what is downloaded can be run.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface Hit {
  method: string;
  url: string;
  range: string | undefined;
}

export interface FakeHubOptions {
  /** Hub id → local folder in Hugging Face layout. */
  repos: Record<string, string>;
  /**
   * The first full GET of an ONNX file announces the whole file (Content-Length), sends exactly
   * its first half and holds the connection open until `dropHeld()` is called, then destroys it —
   * so a test drops it once the client has every byte that was sent (no timing involved).
   */
  dropFirst?: boolean;
  /** The first full GET of an ONNX file is a clean 200 with only its first half (a short 200: its Content-Length is the half's). */
  shortFirst?: boolean;
  /** ONNX files are served with their last byte flipped (the announced sha256 stays the true one). */
  corrupt?: boolean;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export interface FakeHub {
  server: Server;
  url: string;
  hits: Hit[];
  /** Drops the held connection (dropFirst). */
  dropHeld(): void;
}

export function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const hits: Hit[] = [];
  const lfs = new Map<string, Buffer>();
  let dropped = false;
  let shortened = false;
  let held: ServerResponse | null = null;
  const hub = {
    hits,
    dropHeld(): void {
      held?.socket?.destroy();
      held = null;
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = decodeURIComponent(req.url ?? '');
    hits.push({ method: req.method ?? '', url, range: req.headers.range });
    const resolveMatch = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
    const folder = resolveMatch ? options.repos[resolveMatch[1]!] : undefined;
    if (resolveMatch && folder) {
      const file = resolveMatch[2]!;
      const local = path.join(folder, file);
      if (file.includes('..') || !fs.existsSync(local)) {
        res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
        return;
      }
      const data = fs.readFileSync(local);
      if (file.endsWith('.onnx')) {
        const sha = sha256(data);
        const served = options.corrupt
          ? Buffer.concat([data.subarray(0, data.length - 1), Buffer.from([data[data.length - 1]! ^ 0xff])])
          : data;
        lfs.set(sha, served);
        res
          .writeHead(302, {
            location: `/cdn/${sha}`,
            'x-linked-etag': `"${sha}"`,
            'x-linked-size': String(data.length),
            etag: '"abc123"',
          })
          .end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(data.length),
        etag: `"${createHash('sha1').update(data).digest('hex')}"`,
      });
      res.end(req.method === 'HEAD' ? undefined : data);
      return;
    }
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url);
    const body = cdn ? lfs.get(cdn[1]!) : undefined;
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': String(body.length - start),
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'accept-ranges': 'bytes',
      });
      res.end(body.subarray(start));
      return;
    }
    const half = Math.floor(body.length / 2);
    if (options.shortFirst && !shortened) {
      shortened = true;
      res.writeHead(200, { 'content-length': String(half), 'accept-ranges': 'bytes' }).end(body.subarray(0, half));
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length), 'accept-ranges': 'bytes' });
    if (options.dropFirst && !dropped) {
      dropped = true;
      held = res;
      res.write(body.subarray(0, half));
      return;
    }
    res.end(body);
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done(Object.assign(hub, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
    ),
  );
}
