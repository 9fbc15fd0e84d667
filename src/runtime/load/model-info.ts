// Load phase 6: what the app is told about the loaded model — ModelFacts (what scoring needs) and
// EngineInfo (where and how it runs, and why).

import type { ModelFacts } from '../../core/types.ts';
import type { EngineInfo, ModelSource, ResolvedDevice, ResolvedDtype } from '../protocol.ts';
import type { RowQuantFinding } from './graph-rewrites.ts';
import type { MaskToken, TokenizerFacts } from './tokenizer-facts.ts';

export function modelFacts(mask: MaskToken, tokenizer: TokenizerFacts, vocabSize: number): ModelFacts {
  return {
    maskToken: mask.maskToken,
    maskTokenId: mask.maskTokenId,
    unkTokenId: tokenizer.unkTokenId,
    vocabSize,
    tokenizerKind: tokenizer.tokenizerKind,
    maxLength: tokenizer.maxLength,
  };
}

/**
 * Whether a prompt's scores are independent of what shares its batch (EngineInfo.batchInvariant),
 * from what the row-quant rewrite found. Dynamically quantized files (q8/int8/uint8) are batch-
 * dependent unless rewritten; WebGPU's kernels are not checked.
 */
export function batchInvariance(
  device: ResolvedDevice,
  dtype: ResolvedDtype,
  rowQuant: RowQuantFinding | 'off' | 'no-ort',
): Pick<EngineInfo, 'batchInvariant' | 'batchNote'> {
  if (device === 'webgpu')
    return { batchInvariant: false, batchNote: 'WebGPU kernels are not checked for batch invariance' };
  if (rowQuant && typeof rowQuant === 'object') {
    if ('reason' in rowQuant)
      return { batchInvariant: false, batchNote: `activations are quantized per batch: ${rowQuant.reason}` };
    return rowQuant.quantizers > 0
      ? { batchInvariant: true, batchNote: `per-row activation quantization (${rowQuant.quantizers} quantizers)` }
      : { batchInvariant: true };
  }
  if (!['q8', 'int8', 'uint8'].includes(dtype)) return { batchInvariant: true };
  const why = rowQuant === 'off' ? 'per-row quantization was switched off' : 'no direct ONNX Runtime access';
  return { batchInvariant: false, batchNote: `activations are quantized per batch (${why})` };
}

export interface InfoParts {
  source: ModelSource;
  device: ResolvedDevice;
  dtype: ResolvedDtype;
  modelFile: string;
  threads: number | null;
  /** Files that finished loading ([] when none reported progress). */
  files: string[];
  loadMs: number;
  deviceNote: string | undefined;
  maskRowsOnly: boolean;
  /** The runner returns the hidden vector at the mask (the rewritten graph's hidden output). */
  hiddenAtMask: boolean;
  headNote: string | undefined;
  /** Ops before the projection that run on the mask rows only. */
  rowLocalOps: number;
  loadPhases: Record<string, number>;
  rowQuant: RowQuantFinding | 'off' | 'no-ort';
}

export function engineInfo(p: InfoParts): EngineInfo {
  return {
    id: p.source.id,
    source: p.source.kind,
    device: p.device,
    dtype: p.dtype,
    threads: p.device === 'wasm' ? p.threads : null,
    files: p.files.length ? p.files : ['config.json', 'tokenizer.json', 'tokenizer_config.json', p.modelFile],
    modelFile: p.modelFile,
    loadMs: p.loadMs,
    ...(p.deviceNote ? { deviceNote: p.deviceNote } : {}),
    head: p.maskRowsOnly ? 'mask-rows' : 'full',
    ...(p.maskRowsOnly ? { rowLocalOps: p.rowLocalOps } : {}),
    hiddenAtMask: p.hiddenAtMask,
    loadPhases: p.loadPhases,
    ...(p.headNote && !p.maskRowsOnly ? { headNote: p.headNote } : {}),
    ...batchInvariance(p.device, p.dtype, p.rowQuant),
  };
}
