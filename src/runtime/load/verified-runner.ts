// Load phase 4: the runner the engine scores with, verified by one warm-up run — the output must be
// one score per vocabulary word at the mask. A rewritten (mask-rows) model that fails the check is
// replaced by the plain model; a plain model that fails it is not a masked language model.

import { RuntimeError, toRuntimeError, type ErrorContext } from '../errors.ts';
import type { HfModel } from '../hf-shapes.ts';
import { MASK_ROWS_INPUT } from '../mask-rows.ts';
import type { OrtModuleLike, OrtSessionLike } from '../ort-backend.ts';
import { ModelRunner, runSingle } from '../runner.ts';
import type { GraphRewrites } from './graph-rewrites.ts';

/** Throws 'not-masked-lm' when the ONNX model has no logits output (exported without its head). */
export function requireLogitsOutput(model: HfModel): void {
  const session = model.sessions.model ?? Object.values(model.sessions)[0];
  if (!session?.outputNames.includes('logits')) {
    throw new RuntimeError(
      'not-masked-lm',
      'This ONNX model has no "logits" output, so it is not a masked language model (it was probably exported without its language-model head). ' +
        'Choose a model exported for fill-mask.',
      `outputs: ${JSON.stringify(session?.outputNames ?? [])}`,
    );
  }
}

/** A runner on the mask-rows session when the model has one (and ORT is at hand), else on model(). */
export function runnerFor(model: HfModel, ort: OrtModuleLike | null): ModelRunner {
  const s = model.sessions.model ?? Object.values(model.sessions)[0];
  const fastSession = ort && s?.inputNames.includes(MASK_ROWS_INPUT) ? (s as unknown as OrtSessionLike) : null;
  return new ModelRunner((inputs) => model(inputs), fastSession && ort ? { ort, session: fastSession } : null);
}

export interface VerifiedRunner {
  /** The model the runner runs (the plain one when the rewritten one failed its check). */
  model: HfModel;
  runner: ModelRunner;
  vocabSize: number;
  /** Milliseconds of the first warm-up run. */
  warmupMs: number;
}

export interface VerifyRequest {
  model: HfModel;
  rewrites: GraphRewrites;
  /** Loads the same model without the graph rewrites. */
  loadPlain: () => Promise<HfModel>;
  /** The warm-up prompt: special tokens around one mask. */
  ids: number[];
  maskAt: number;
  maskTokenId: number;
  /** config.vocab_size, when the config has it. */
  expectedVocab: number | null;
  ctx: ErrorContext;
  now: () => number;
}

/** Takes ownership of `request.model`: on failure whichever model it holds is disposed. */
export async function buildVerifiedRunner(request: VerifyRequest): Promise<VerifiedRunner> {
  const { rewrites, ids, maskAt, maskTokenId, expectedVocab } = request;
  const vocabOk = (v: number | undefined): boolean =>
    expectedVocab === null ? (v ?? 0) > maskTokenId : v === expectedVocab;
  const warmUp = (r: ModelRunner) =>
    runSingle(r, ids, maskAt).then(
      ({ dims }) => ({ dims }),
      (error: unknown) => ({ error }),
    );
  let model: HfModel | null = request.model;
  try {
    let runner = runnerFor(model, rewrites.ort);
    const t = request.now();
    let warm = await warmUp(runner);
    const warmupMs = Math.round(request.now() - t);
    if (runner.maskRowsOnly && ('error' in warm || warm.dims.length !== 2 || !vocabOk(warm.dims[1]))) {
      const why =
        'error' in warm ? toRuntimeError(warm.error, request.ctx).message : `output shape [${warm.dims.join(', ')}]`;
      const rejected = model;
      model = null;
      await rejected.dispose().catch(() => undefined);
      model = await request.loadPlain();
      rewrites.rejected(why);
      runner = runnerFor(model, rewrites.ort);
      warm = await warmUp(runner);
    }
    if ('error' in warm) throw warm.error;
    const dims = warm.dims;
    const plainShapeOk = dims.length === 3 && dims[1] === ids.length && vocabOk(dims[2]);
    if (!runner.maskRowsOnly && !plainShapeOk) {
      throw new RuntimeError(
        'not-masked-lm',
        `This model's output is not one score per vocabulary word at each position (got shape [${dims.join(', ')}], expected [1, ${ids.length}, ${expectedVocab ?? 'vocab'}]), so it is not a masked language model.`,
        `logits dims = ${JSON.stringify(dims)}, config.vocab_size = ${String(expectedVocab)}`,
      );
    }
    return { model, runner, vocabSize: dims[dims.length - 1] as number, warmupMs };
  } catch (error) {
    if (model) await model.dispose().catch(() => undefined);
    throw error;
  }
}
