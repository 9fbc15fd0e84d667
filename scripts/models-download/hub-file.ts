// One file from the Hub: what the Hub announces about it (size, sha256 of LFS files), and a download
// to "<file>.part" that resumes with an HTTP Range request after an interruption and is checked
// against the announced size and sha256 before it takes the file's name.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { announced, checkDownload, describeProblem } from '../../src/runtime/download-check.ts';
import type { Reporter } from './reporter.ts';

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** What the Hub says about a file before we download it. */
interface Remote {
  exists: boolean;
  size: number | null;
  sha256: string | null;
}

export function fileUrl(hub: string, id: string, revision: string, file: string): string {
  return `${hub.replace(/\/+$/, '')}/${id}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/** "ECONNREFUSED" etc. from a failed fetch, for messages. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export async function probe(url: string): Promise<Remote> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'HEAD', redirect: 'manual' });
  } catch (error) {
    throw new DownloadError(
      `Cannot reach ${new URL(url).origin} (${networkCause(error)}). Check the --hub address and the network.`,
    );
  }
  if (res.status === 404) return { exists: false, size: null, sha256: null };
  // A redirect (LFS files) announces X-Linked-Size and X-Linked-Etag; its Content-Length is its own.
  if (res.status >= 300 && res.status < 400) return { exists: true, ...announced(res.headers, res.status) };
  if (!res.ok) throw new DownloadError(`${url}: the server answered ${res.status} ${res.statusText}.`);
  return { exists: true, ...announced(res.headers, res.status) };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One attempt: GET from `offset` (Range) and append to the .part file. Throws when the connection drops. */
async function fetchInto(url: string, part: string, reporter: Reporter, expectedSize: number | null): Promise<void> {
  const offset = existsSync(part) ? statSync(part).size : 0;
  const res = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, redirect: 'follow' });
  if (res.status === 416 && offset > 0 && expectedSize === offset) {
    await res.body?.cancel();
    return; // the .part is already complete
  }
  if (res.status === 416) {
    await res.body?.cancel();
    rmSync(part, { force: true });
    throw new DownloadError(`${url}: the partial download does not fit the file on the server; starting again.`);
  }
  if (!res.ok || !res.body) throw new DownloadError(`${url}: the server answered ${res.status} ${res.statusText}.`);
  let start = 0;
  if (res.status === 206) {
    const range = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== offset) {
      await res.body.cancel();
      rmSync(part, { force: true });
      throw new DownloadError(`${url}: the server resumed at the wrong position; starting again.`);
    }
    start = offset;
  }
  const total = expectedSize ?? announced(res.headers, res.status).size;
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  let received = start;
  reporter.progress(received, total);
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      received += chunk.byteLength;
      reporter.progress(received, total);
    }
  } finally {
    await new Promise<void>((r, reject) => out.end((err?: Error | null) => (err ? reject(err) : r())));
  }
  if (total !== null && received < total)
    throw new DownloadError(`${url}: the connection closed after ${received} of ${total} bytes.`);
}

export async function downloadFile(
  url: string,
  target: string,
  remote: Remote,
  attempts: number,
  reporter: Reporter,
): Promise<{ size: number; sha256: string; checked: 'hub' | 'none' }> {
  mkdirSync(dirname(target), { recursive: true });
  const part = `${target}.part`;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await fetchInto(url, part, reporter, remote.size);
      const size = statSync(part).size;
      // The same check as the app's downloads (src/runtime/download-check.ts): size, then sha256.
      const sizeProblem = checkDownload(size, null, { size: remote.size, sha256: null });
      const sha256 = sizeProblem ? null : await sha256File(part);
      const problem = sizeProblem ?? checkDownload(size, sha256, remote);
      if (problem) {
        rmSync(part, { force: true });
        throw new DownloadError(
          `${url}: ${describeProblem(problem)}. The ${problem.kind === 'checksum' ? 'damaged' : 'incomplete'} download was deleted.`,
        );
      }
      renameSync(part, target);
      return { size, sha256: sha256!, checked: remote.sha256 ? 'hub' : 'none' };
    } catch (error) {
      lastError = error;
      const message = error instanceof Error ? error.message : String(error);
      if (attempt < attempts) {
        const have = existsSync(part) ? statSync(part).size : 0;
        reporter.warn(
          `  ${message} Retrying${have > 0 ? ` from byte ${have}` : ''} (attempt ${attempt + 1} of ${attempts})…`,
        );
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
      }
    }
  }
  throw lastError instanceof Error ? lastError : new DownloadError(String(lastError));
}
