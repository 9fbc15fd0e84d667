// Every model file Transformers.js fetches goes through this guard (worker and Node): the body is
// counted and, where the server announces a sha256, hashed as it streams; a file that is not what
// the server announced (download-check.ts) — cut short, broken off, wrong checksum — makes the body
// fail, so Transformers.js neither uses nor caches it. The guard also remembers fetches that failed
// (Transformers.js reports a local file it could not fetch as "not found") and which files arrived
// whole: the browser cache (verifiedCache) takes only those.
import { env } from '@huggingface/transformers';
import { announced, checkDownload, Sha256 } from './download-check.ts';
import { DownloadCheckError } from './errors.ts';

/** Files that arrived whole and as announced, by URL: their size. */
const verified = new Map<string, number>();
/** Fetches that failed, by URL. */
const failed = new Map<string, DownloadCheckError>();
let installed = false;

/** A request's URL as the guard and the cache compare them (relative paths against this page). */
export function urlKey(input: string | URL): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href ?? 'http://local.invalid/';
  try {
    return new URL(String(input), base).href;
  } catch {
    return String(input);
  }
}

function causeText(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const text = error instanceof Error ? error.message : String(error);
  return code ? `${text} [${code}]` : text;
}

/** The response with its body checked against what it announces. */
function checked(url: string, key: string, response: Response): Response {
  if (response.status !== 200 || !response.body) return response;
  const expected = announced(response.headers, 200);
  const hash = expected.sha256 ? new Sha256() : null;
  const reader = response.body.getReader();
  let received = 0;
  const fail = (error: DownloadCheckError): never => {
    failed.set(key, error);
    throw error;
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (error) {
        return fail(
          new DownloadCheckError(url, { kind: 'broken', received, expected: expected.size, cause: causeText(error) }),
        );
      }
      if (step.done) {
        const problem = checkDownload(received, hash ? hash.digest() : null, expected);
        if (problem) return fail(new DownloadCheckError(url, problem));
        verified.set(key, received);
        controller.close();
        return;
      }
      received += step.value.byteLength;
      hash?.update(step.value);
      controller.enqueue(step.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Wraps env.fetch (once): see the header. */
export function installDownloadGuard(): void {
  if (installed) return;
  installed = true;
  const base = env.fetch.bind(env);
  env.fetch = async (input: string | URL, init?: unknown) => {
    const url = String(input);
    const key = urlKey(input);
    verified.delete(key);
    failed.delete(key);
    let response: Response;
    try {
      response = (await base(input, init)) as Response;
    } catch (error) {
      if ((error as { name?: string } | null)?.name === 'AbortError') throw error;
      // Thrown with the URL, so that the error names the file (the original is its cause).
      const failure = new DownloadCheckError(url, {
        kind: 'broken',
        received: 0,
        expected: null,
        cause: causeText(error),
      });
      (failure as { cause?: unknown }).cause = error;
      failed.set(key, failure);
      throw failure;
    }
    return checked(url, key, response);
  };
}

/**
 * Transformers.js reports a local file it could not fetch (connection refused or reset) as "not
 * found": when the guard saw that fetch fail, the failure is the real error.
 */
export function explainFetchFailure(error: unknown): unknown {
  const message = error instanceof Error ? error.message : '';
  const path = /"([^"]+)"/.exec(message)?.[1];
  if (!path || !/not found|missing|locate/i.test(message)) return error;
  return failed.get(urlKey(path)) ?? error;
}

/** Whether the file at `url` arrived whole, as announced, in `bytes` bytes. */
export function arrivedWhole(url: string, bytes: number): boolean {
  return verified.get(urlKey(url)) === bytes;
}

/**
 * The browser cache Transformers.js uses (env.customCache): the Cache API `name`, but a file is
 * stored only when the guard saw it arrive whole, and never when `keep(url)` is false (files of a
 * folder the user opened stay out of the browser's storage).
 */
export function verifiedCache(name: string, keep: (url: string) => boolean) {
  let opened: Promise<Cache> | null = null;
  const cache = (): Promise<Cache> => (opened ??= caches.open(name));
  return {
    async match(request: string): Promise<Response | undefined> {
      if (!keep(request)) return undefined;
      try {
        return await (await cache()).match(request);
      } catch {
        return undefined;
      }
    },
    async put(request: string, response: Response): Promise<void> {
      if (!keep(request)) return;
      const length = Number(response.headers.get('content-length') ?? NaN);
      const target = await cache();
      if (!arrivedWhole(request, length)) {
        await target.delete(request).catch(() => false);
        return;
      }
      // A full storage is not an error: the model still runs, it is just downloaded again next time.
      await target.put(request, response).catch(() => undefined);
    },
    async delete(request: string): Promise<boolean> {
      return (await cache()).delete(request);
    },
  };
}
