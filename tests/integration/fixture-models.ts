// The generated test models (random weights, `npm run fixtures`) as the integration tests use them:
// where they are, loading one in this process from its folder only (the Hub is never asked), feeds
// for a raw ORT session of one, a load-time rewrite in place against a copy, and the check of a
// typed runtime error.
import { join, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { MaskedLMEngine, type LoadOptions } from '../../src/runtime/engine.ts';
import { RuntimeError } from '../../src/runtime/errors.ts';
import { allowHubDownloads, setLocalModelFolder } from '../../src/runtime/node-models.ts';
import type { ModelSource } from '../../src/runtime/protocol.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const MODELS_DIR = join(REPO_ROOT, 'public', 'models');
/** The broken variants (not a masked LM, corrupt, missing ONNX), outside the served folder. */
export const BROKEN_DIR = join(REPO_ROOT, '.cache', 'fixtures');
export const BERT_TINY = 'clozelab-test/bert-tiny';
export const ROBERTA_TINY = 'clozelab-test/roberta-tiny';
export const CHINESE_BERT_TINY = 'clozelab-test/chinese-bert-tiny';
export const FIXTURE_MODELS = [BERT_TINY, ROBERTA_TINY, CHINESE_BERT_TINY];

export const local = (id: string): ModelSource => ({ kind: 'local', id });

/** The ONNX file of a fixture model. */
export const modelFile = (id: string, dtype: 'fp32' | 'q8', dir = MODELS_DIR): string =>
  join(dir, id, 'onnx', dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx');

/** Local models come from `dir` only. */
export function useModelsDir(dir = MODELS_DIR): void {
  setLocalModelFolder(dir);
  allowHubDownloads(false);
  env.allowLocalModels = true;
}

export function loadFixture(id: string, options: LoadOptions = {}, dir = MODELS_DIR): Promise<MaskedLMEngine> {
  useModelsDir(dir);
  return MaskedLMEngine.load(local(id), options);
}

export function loadBertTiny(): Promise<MaskedLMEngine> {
  return loadFixture(BERT_TINY, { dtype: 'fp32' });
}

/** Feeds of a padded batch (`ids` rows, padded to `len`) for a raw session of a fixture model. */
export function ortFeeds(session: ort.InferenceSession, ids: number[][], len: number): Record<string, ort.Tensor> {
  const b = ids.length;
  const input = new BigInt64Array(b * len);
  const mask = new BigInt64Array(b * len);
  ids.forEach((row, r) =>
    row.forEach((id, t) => {
      input[r * len + t] = BigInt(id);
      mask[r * len + t] = 1n;
    }),
  );
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', input, [b, len]),
    attention_mask: new ort.Tensor('int64', mask, [b, len]),
  };
  if (session.inputNames.includes('token_type_ids'))
    feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(b * len), [b, len]);
  return feeds;
}

type Rewrite = (
  bytes: Uint8Array,
  inPlace: boolean,
) => { ok: true; bytes: Uint8Array; inPlace: boolean; restore?: () => void } | { ok: false; reason: string };

/**
 * Runs a load-time graph rewrite on a copy of `original` and in place: the in-place result must be a
 * view of its buffer (no second copy of the weights) that runs like the copy on one prompt, and
 * `restore()` must give the original bytes back. Returns the copy's bytes.
 */
export async function expectInPlaceLikeCopy(
  original: Uint8Array,
  rewrite: Rewrite,
  extraFeeds: Record<string, ort.Tensor> = {},
): Promise<Uint8Array> {
  const buf = Uint8Array.from(original);
  const copied = rewrite(original, false);
  const inPlace = rewrite(buf, true);
  if (!copied.ok || !inPlace.ok) throw new Error(`rewrite refused: ${copied.ok ? '' : copied.reason}`);
  expect(inPlace.inPlace).toBe(true);
  expect(inPlace.bytes.buffer).toBe(buf.buffer);
  const a = await ort.InferenceSession.create(copied.bytes);
  const b = await ort.InferenceSession.create(inPlace.bytes);
  expect([...b.inputNames].sort()).toEqual([...a.inputNames].sort());
  const feeds = { ...ortFeeds(a, [[2, 40, 41, 4, 43, 44, 3]], 7), ...extraFeeds };
  const la = (await a.run(feeds)).logits!.data as Float32Array;
  const lb = (await b.run(feeds)).logits!.data as Float32Array;
  expect(Array.from(lb)).toEqual(Array.from(la));
  inPlace.restore?.();
  expect(Buffer.compare(Buffer.from(buf), original)).toBe(0);
  await a.release();
  await b.release();
  return copied.bytes;
}

/** Awaits `promise`, which must reject with a RuntimeError of `code` and a real message. */
export async function expectCode(promise: Promise<unknown>, code: RuntimeError['code']): Promise<RuntimeError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RuntimeError);
    const e = error as RuntimeError;
    expect(e.code, `${e.message} | ${e.detail ?? ''}`).toBe(code);
    expect(e.message.length).toBeGreaterThan(20);
    return e;
  }
  throw new Error(`expected a RuntimeError with code ${code}, but the promise resolved`);
}
