// A local HTTPS server that stands in for huggingface.co in Chromium: the browser is started with
// `--host-resolver-rules` mapping huggingface.co to it (and accepts its self-signed certificate), so
// the app's real fetches — through its Content-Security-Policy, CORS and cross-origin isolation —
// reach this server. ONNX files are answered as `onnx` says: whole ('ok'); half of it and then the
// connection dropped ('drop', a real network failure, not an intercepted response); a clean 200 with
// only the first half while X-Linked-Size announces the whole file ('short'); the same without any
// announcement ('short-silent'); or one byte flipped while the ETag announces the true sha256 ('corrupt').
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsHub {
  server: Server;
  port: number;
  /** Chromium arguments that send https://huggingface.co to this server. */
  chromiumArgs: string[];
  hits: { url: string; status: number; bytes: number }[];
  /** How ONNX files are answered (see the header); change it to let the next one through. */
  onnx: OnnxMode;
  close(): Promise<void>;
}

export type OnnxMode = 'ok' | 'drop' | 'short' | 'short-silent' | 'corrupt';

export async function startTlsHub(repos: Record<string, string>, options: { onnx?: OnnxMode } = {}): Promise<TlsHub> {
  const dir = mkdtempSync(join(tmpdir(), 'clozelab-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=huggingface.co',
    ],
    { stdio: 'ignore' },
  );
  const hits: TlsHub['hits'] = [];
  const hub = { onnx: options.onnx ?? 'ok' } as TlsHub;
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'content-length, etag, x-linked-size, x-linked-etag',
    };
    const match = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
    const folder = match ? repos[match[1]!] : undefined;
    const local = folder && match ? join(folder, match[2]!) : '';
    if (!folder || !match || match[2]!.includes('..') || !existsSync(local)) {
      hits.push({ url, status: 404, bytes: 0 });
      res.writeHead(404, { ...cors, 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    const data = readFileSync(local);
    const onnx = url.endsWith('.onnx');
    const mode = onnx ? hub.onnx : 'ok';
    const half = Math.floor(data.length / 2);
    // What the Hub announces about an LFS file: its size and sha256 (not for 'short-silent').
    const announce =
      onnx && mode !== 'short-silent'
        ? {
            'x-linked-size': String(data.length),
            etag: `"${createHash('sha256').update(data).digest('hex')}"`,
          }
        : {};
    const length = mode === 'short' || mode === 'short-silent' ? half : data.length;
    res.writeHead(200, {
      ...cors,
      ...announce,
      'content-length': String(length),
      'content-type': 'application/octet-stream',
    });
    if (req.method === 'HEAD') {
      hits.push({ url, status: 200, bytes: 0 });
      res.end();
      return;
    }
    if (mode === 'drop') {
      hits.push({ url, status: 200, bytes: half });
      res.write(data.subarray(0, half), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    if (mode === 'short' || mode === 'short-silent') {
      hits.push({ url, status: 200, bytes: half });
      res.end(data.subarray(0, half));
      return;
    }
    if (mode === 'corrupt') {
      hits.push({ url, status: 200, bytes: data.length });
      res.end(Buffer.concat([data.subarray(0, data.length - 1), Buffer.from([data[data.length - 1]! ^ 0xff])]));
      return;
    }
    hits.push({ url, status: 200, bytes: data.length });
    res.end(data);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  Object.assign(hub, {
    server,
    port,
    hits,
    chromiumArgs: [`--host-resolver-rules=MAP huggingface.co 127.0.0.1:${port}`, '--ignore-certificate-errors'],
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        rmSync(dir, { recursive: true, force: true });
        server.close(() => done());
      }),
  });
  return hub;
}
