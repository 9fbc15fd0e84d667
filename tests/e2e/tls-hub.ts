// A local HTTPS server that stands in for huggingface.co in Chromium: the browser is started with
// `--host-resolver-rules` mapping huggingface.co to it (and accepts its self-signed certificate), so
// the app's real fetches — through its Content-Security-Policy, CORS and cross-origin isolation —
// reach this server. While `dropOnnx` is on, every GET of an ONNX file sends half of it and then
// drops the connection (a real network failure, not an intercepted response).
import { execFileSync } from 'node:child_process';
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
  /** Whether ONNX downloads break halfway (switch it off to let the next one through). */
  dropOnnx: boolean;
  close(): Promise<void>;
}

export async function startTlsHub(
  repos: Record<string, string>,
  options: { dropOnnx?: boolean } = {},
): Promise<TlsHub> {
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
  const hub = { dropOnnx: options.dropOnnx === true } as TlsHub;
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length, etag' };
    const match = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
    const folder = match ? repos[match[1]!] : undefined;
    const local = folder && match ? join(folder, match[2]!) : '';
    if (!folder || !match || match[2]!.includes('..') || !existsSync(local)) {
      hits.push({ url, status: 404, bytes: 0 });
      res.writeHead(404, { ...cors, 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    const data = readFileSync(local);
    res.writeHead(200, { ...cors, 'content-length': String(data.length), 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') {
      hits.push({ url, status: 200, bytes: 0 });
      res.end();
      return;
    }
    if (hub.dropOnnx && url.endsWith('.onnx')) {
      const half = Math.floor(data.length / 2);
      hits.push({ url, status: 200, bytes: half });
      res.write(data.subarray(0, half), () => setTimeout(() => res.socket?.destroy(), 50));
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
