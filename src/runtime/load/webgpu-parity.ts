// Load phase 5 (WebGPU in a browser): WebGPU can be silently wrong, notably for quantized models, so
// the loaded model is compared once with the same model on WASM on a fixed input; on a mismatch the
// engine keeps the WASM model and says why.

import type { HfModel, HfTokenizer } from '../hf-shapes.ts';
import type { ResolvedDevice } from '../protocol.ts';
import { runSingle, type ModelRunner } from '../runner.ts';

/** Largest |Δlogit| at the mask between WebGPU and WASM that still counts as the same model. */
export const WEBGPU_PARITY_TOLERANCE = 0.05;

/** A fixed prompt for the parity check: "<prefix> the weather today is <mask> . <suffix>". */
export function parityIds(
  tokenizer: Pick<HfTokenizer, 'encode'>,
  prefixIds: readonly number[],
  suffixIds: readonly number[],
  maskId: number,
): { ids: number[]; maskAt: number } {
  const before = tokenizer.encode('The weather today is', { add_special_tokens: false });
  const after = tokenizer.encode('.', { add_special_tokens: false });
  const ids = [...prefixIds, ...before, maskId, ...after, ...suffixIds];
  return { ids, maskAt: prefixIds.length + before.length };
}

export type ParityResult = { ok: true; maxAbsDiff: number; top1Differs: boolean } | { ok: false; reason: string };

/** Runs both models on one input and compares the full logits row at the mask. */
export async function compareRunners(
  a: ModelRunner,
  b: ModelRunner,
  input: { ids: number[]; maskAt: number },
): Promise<ParityResult> {
  try {
    const [ra, rb] = [await runSingle(a, input.ids, input.maskAt), await runSingle(b, input.ids, input.maskAt)];
    if (ra.row.length !== rb.row.length || ra.row.length === 0)
      return { ok: false, reason: 'the outputs have different sizes' };
    let maxAbsDiff = 0;
    let topA = 0;
    let topB = 0;
    for (let v = 0; v < ra.row.length; v++) {
      const x = ra.row[v] as number;
      const y = rb.row[v] as number;
      const d = Math.abs(x - y);
      if (!(d <= maxAbsDiff)) maxAbsDiff = Number.isFinite(d) ? d : Infinity;
      if (x > (ra.row[topA] as number)) topA = v;
      if (y > (rb.row[topB] as number)) topB = v;
    }
    return { ok: true, maxAbsDiff, top1Differs: topA !== topB };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The note after the check: that WebGPU matched, or why the engine uses WASM instead. */
export function parityNote(parity: ParityResult, tolerance: number, earlier: string | undefined): string {
  if (parity.ok && parity.maxAbsDiff <= tolerance)
    return `${earlier ? `${earlier}; ` : ''}WebGPU matches WASM on a fixed input (max |Δlogit| ${parity.maxAbsDiff.toExponential(1)})`;
  return parity.ok
    ? `WebGPU gave different results from WASM on a fixed input (max |Δlogit| ${parity.maxAbsDiff.toPrecision(3)} > ${tolerance}${parity.top1Differs ? ', different top prediction' : ''}); using WASM`
    : `WebGPU could not be checked against WASM (${parity.reason}); using WASM`;
}

export interface ParityRequest {
  model: HfModel;
  runner: ModelRunner;
  /** The same model on WASM, and a runner for it. */
  loadReference(): Promise<HfModel>;
  runnerFor(model: HfModel): ModelRunner;
  input: { ids: number[]; maskAt: number };
  tolerance?: number;
  note: string | undefined;
}

/**
 * Keeps the WebGPU model when it matches WASM (disposing the reference), else switches to the WASM
 * model (disposing the WebGPU one). Takes ownership of `request.model`.
 */
export async function checkWebGpuParity(request: ParityRequest): Promise<{
  model: HfModel;
  runner: ModelRunner;
  device: ResolvedDevice;
  note: string;
}> {
  let reference: HfModel;
  try {
    reference = await request.loadReference();
  } catch (error) {
    await request.model.dispose().catch(() => undefined);
    throw error;
  }
  const refRunner = request.runnerFor(reference);
  const parity = await compareRunners(request.runner, refRunner, request.input);
  const tolerance = request.tolerance ?? WEBGPU_PARITY_TOLERANCE;
  const note = parityNote(parity, tolerance, request.note);
  if (parity.ok && parity.maxAbsDiff <= tolerance) {
    await reference.dispose().catch(() => undefined);
    return { model: request.model, runner: request.runner, device: 'webgpu', note };
  }
  await request.model.dispose().catch(() => undefined);
  return { model: reference, runner: refRunner, device: 'wasm', note };
}
