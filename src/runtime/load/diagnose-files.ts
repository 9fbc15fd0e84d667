// When a tokenizer fails to load, Transformers.js does not say which of its two files is wrong (a
// JSON.parse error or a TypeError). This reads each file again — from where Transformers.js read
// it: the browser cache, the app's server, an opened folder, the disk — and names the one that is
// missing, not JSON, or not a tokenizer. Runs only after a failure.
import { env } from '@huggingface/transformers';
import { isNodeRuntime } from '../environment.ts';
import type { ModelSource } from '../protocol.ts';

export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;

type Read = { text: string } | { missing: true } | null;

async function readFromDisk(path: string): Promise<Read> {
  const specifier = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ specifier)) as { readFile(p: string, e: string): Promise<string> };
  try {
    return { text: await fs.readFile(path, 'utf8') };
  } catch (error) {
    return (error as { code?: string }).code === 'ENOENT' ? { missing: true } : null;
  }
}

async function readResponse(response: Response | undefined): Promise<Read> {
  if (!response) return null;
  if (response.status === 404) return { missing: true };
  if (!response.ok) return null;
  return { text: await response.text() };
}

const join = (...parts: string[]) =>
  parts.map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\/+|\/+$/g, ''))).join('/');

/** The text of `file` of the model, as Transformers.js would read it now; null when it can't tell. */
export async function readModelFile(source: ModelSource, file: string): Promise<Read> {
  try {
    if (source.kind === 'local') {
      const path = join(env.localModelPath, source.id, file);
      if (isNodeRuntime() && !/^https?:/i.test(path)) return await readFromDisk(path);
      return await readResponse((await env.fetch(path)) as Response);
    }
    const remote = join(
      env.remoteHost,
      env.remotePathTemplate.replaceAll('{model}', source.id).replaceAll('{revision}', 'main'),
      file,
    );
    const cache = env.useCustomCache ? (env.customCache as { match(url: string): Promise<unknown> } | null) : null;
    const cached = await cache?.match(remote);
    if (cached instanceof Response) return await readResponse(cached);
    if (isNodeRuntime() && env.useFSCache && env.cacheDir) {
      const onDisk = await readFromDisk(join(env.cacheDir, source.id, file));
      if (onDisk && 'text' in onDisk) return onDisk;
    }
    return await readResponse((await env.fetch(remote)) as Response);
  } catch {
    return null;
  }
}

/** What is wrong with one of the tokenizer's files. */
export type TokenizerFileProblem =
  | { file: string; kind: 'missing' }
  | { file: string; kind: 'not-json'; error: unknown }
  | { file: string; kind: 'not-a-tokenizer'; why: string };

/** The first tokenizer file that is missing, not JSON, or not a tokenizer; null when both look right. */
export async function findTokenizerProblem(source: ModelSource): Promise<TokenizerFileProblem | null> {
  for (const file of TOKENIZER_FILES) {
    const read = await readModelFile(source, file);
    if (!read) continue;
    if ('missing' in read) return { file, kind: 'missing' };
    let value: unknown;
    try {
      value = JSON.parse(read.text);
    } catch (error) {
      return { file, kind: 'not-json', error };
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return { file, kind: 'not-a-tokenizer', why: 'it is not a JSON object' };
    const model = (value as { model?: unknown }).model;
    if (file === 'tokenizer.json' && (!model || typeof model !== 'object'))
      return {
        file,
        kind: 'not-a-tokenizer',
        why: 'it has no "model" section (the vocabulary and how words are split)',
      };
  }
  return null;
}
