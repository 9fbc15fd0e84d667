// The two references, environment-agnostic (Node: onnxruntime-node + Transformers.js in-process;
// browser: the reference worker with onnxruntime-web + Transformers.js on the same WASM files):
//  - ceiling: raw ONNX Runtime session.run on the same model file with the same batch shapes —
//    no tokenization, no post-processing (the plain file's full [B, S, V] logits; and, to show
//    ClozeLab's own overhead, the same graph ClozeLab runs, rewritten for mask rows only);
//  - naive: Transformers.js pipeline('fill-mask') called once per input, with top_k large enough
//    to contain every label word.
import { MASK_ROWS_INPUT } from '../../src/runtime/mask-rows.ts';

export interface OrtTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose?(): void;
}
export interface OrtSession {
  readonly inputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
export interface OrtModule {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(source: unknown, options?: unknown): Promise<OrtSession> };
}

function feedsFor(
  ort: OrtModule,
  session: OrtSession,
  b: number,
  len: number,
  seed: number,
): Record<string, OrtTensor> {
  const n = b * len;
  const ids = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ids[i] = BigInt(1000 + ((i * 7919 + seed * 104729) % 2000));
  const feeds: Record<string, OrtTensor> = {
    input_ids: new ort.Tensor('int64', ids, [b, len]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [b, len]),
  };
  if (session.inputNames.includes('token_type_ids'))
    feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(n), [b, len]);
  if (session.inputNames.includes(MASK_ROWS_INPUT)) {
    // one mask row per prompt, near the end (where the template's [Z] is)
    const rows = BigInt64Array.from({ length: b }, (_, r) => BigInt(r * len + Math.max(1, len - 4)));
    feeds[MASK_ROWS_INPUT] = new ort.Tensor('int64', rows, [b]);
  }
  return feeds;
}

async function timedRun(ort: OrtModule, session: OrtSession, b: number, len: number, seed: number): Promise<number> {
  const t0 = performance.now();
  const out = await session.run(feedsFor(ort, session, b, len, seed));
  const ms = performance.now() - t0;
  for (const t of Object.values(out)) t.dispose?.();
  return ms;
}

/** Runs every [batch, length] shape once; returns per-run milliseconds (tensor creation + run). */
export async function ceilingShapes(
  ort: OrtModule,
  session: OrtSession,
  shapes: readonly (readonly [number, number])[],
): Promise<number[]> {
  const times: number[] = [];
  let seed = 0;
  for (const [b, len] of shapes) times.push(await timedRun(ort, session, b, len, seed++));
  return times;
}

/** One forward pass of batch 1 per length. */
export async function ceilingSingles(
  ort: OrtModule,
  session: OrtSession,
  lengths: readonly number[],
): Promise<number[]> {
  const times: number[] = [];
  let seed = 0;
  for (const len of lengths) times.push(await timedRun(ort, session, 1, len, seed++));
  return times;
}

export interface FillMaskItem {
  score: number;
  token: number;
}
export type FillMask = (text: string, options: { top_k: number }) => Promise<FillMaskItem[] | FillMaskItem[][]>;

export interface NaiveResult {
  perCall: number[];
  /** Label words not found within top_k (should be 0). */
  missing: number;
  /** Label distributions (sum of the label's words, normalised), for a plausibility check. */
  distributions: number[][];
}

/** The naive loop: one pipeline call per input; label word probabilities read from its top_k list. */
export async function naiveLoop(
  fillMask: FillMask,
  texts: readonly string[],
  topK: number,
  labelIds: readonly (readonly number[])[],
): Promise<NaiveResult> {
  const perCall: number[] = [];
  const distributions: number[][] = [];
  let missing = 0;
  for (const text of texts) {
    const t0 = performance.now();
    const raw = await fillMask(text, { top_k: topK });
    const items = (Array.isArray(raw[0]) ? raw[0] : raw) as FillMaskItem[];
    const byToken = new Map(items.map((x) => [x.token, x.score] as const));
    const scores = labelIds.map((ids) =>
      ids.reduce((s, id) => {
        const p = byToken.get(id);
        if (p === undefined) {
          missing++;
          return s;
        }
        return s + p;
      }, 0),
    );
    const z = scores.reduce((a, b) => a + b, 0);
    distributions.push(scores.map((s) => (z > 0 ? s / z : 1 / scores.length)));
    perCall.push(performance.now() - t0);
  }
  return { perCall, missing, distributions };
}
