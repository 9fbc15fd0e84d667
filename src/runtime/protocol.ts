// Typed message protocol between RuntimeClient (main thread) and the runtime worker, plus the
// runtime's public data shapes. Type-only except for tiny helpers: safe to import anywhere.

import type { ModelFacts, PromptScores, RenderedPrompt, WordTokenization } from '../core/types.ts';
import type { SerializedRuntimeError } from './errors.ts';
import type { LabelWordStatsArgs, LabelWordStatsResult } from '../core/label-search.ts';

/** Where a model comes from. 'local' = `<env.localModelPath>/<id>/` in Hugging Face layout. */
export type ModelSource = { kind: 'hub'; id: string } | { kind: 'local'; id: string };

export type DtypeChoice = 'auto' | 'fp32' | 'fp16' | 'q8' | 'q4';
export type DeviceChoice = 'auto' | 'wasm' | 'webgpu' | 'cpu';
export type ResolvedDevice = 'wasm' | 'webgpu' | 'cpu';
export type ResolvedDtype = 'fp32' | 'fp16' | 'q8' | 'q4';

/**
 * Loading progress: per file (from Transformers.js's progress_callback, normalised), then the
 * load's phases after a download, with file '': 'preparing' (an ONNX file arrived and its session
 * is being built), 'warmup' (the first, verifying run) and the final 'ready'.
 */
export interface LoadProgress {
  /** File inside the model folder, e.g. "onnx/model_quantized.onnx"; '' for a phase. */
  file: string;
  /** Bytes loaded so far (0 when unknown). */
  loaded: number;
  /** Total bytes (0 when unknown). */
  total: number;
  status: 'initiate' | 'download' | 'progress' | 'done' | LoadPhase | 'ready';
}

/** A load's phases after its files are downloaded (LoadProgress with file ''). */
export type LoadPhase = 'preparing' | 'warmup';

export interface EngineInfo {
  id: string;
  source: ModelSource['kind'];
  device: ResolvedDevice;
  dtype: ResolvedDtype;
  /** WASM threads; null when the backend picks (onnxruntime-node) or does not use them (WebGPU). */
  threads: number | null;
  /** Files that were read, relative to the model folder. */
  files: string[];
  /** The ONNX file that was loaded, relative to the model folder. */
  modelFile: string;
  /** Wall time of load() in milliseconds. */
  loadMs: number;
  /** Why 'auto' chose this device (e.g. "WebGPU adapter is a software fallback"). */
  deviceNote?: string;
  /** 'mask-rows': the vocabulary projection runs only at mask positions (src/runtime/mask-rows.ts). */
  head?: 'mask-rows' | 'full';
  /** Why the full head is used, when it is. */
  headNote?: string;
  /**
   * Mask-rows head: how many ops before the vocabulary projection also run on the mask rows only —
   * the row-local tail of the last layer (src/runtime/row-region.ts); 0 when the rows are gathered
   * just before the projection.
   */
  rowLocalOps?: number;
  /**
   * True when a score request with `hidden: true` returns the hidden vector at each mask
   * (`MaskScores.hidden`): only on the mask-rows head whose graph has the hidden output
   * (mask-rows.ts); false on the full head (a fallback to the plain model), where it stays undefined.
   */
  hiddenAtMask: boolean;
  /**
   * True when a prompt's scores do not depend on what shares its batch, on padding or on timing
   * (dynamic quantization per row: src/runtime/row-quant.ts; fp32 has none). False with the reason
   * in `batchNote` where the model keeps per-tensor activation quantization.
   */
  batchInvariant?: boolean;
  batchNote?: string;
  /** Milliseconds of the load's phases (config, tokenizer, model = file + session, warmup). */
  loadPhases?: Record<string, number>;
}

export interface LoadResult {
  info: EngineInfo;
  facts: ModelFacts;
}

export interface ScoreStats {
  prompts: number;
  batches: number;
  /** Tokens actually sent (batch size × padded length, summed). */
  tokensRun: number;
  /** Of which padding. */
  paddedTokens: number;
  /** Milliseconds spent in model runs / in total. */
  modelMs: number;
  totalMs: number;
  /** Prompts answered from the worker's mask-row cache (no forward pass). */
  cachedPrompts?: number;
  /** Prompts identical to an earlier one in the same request (run once). */
  duplicatePrompts?: number;
  /** [batch size, padded length] of each model run, in order. */
  shapes?: [number, number][];
}

export interface ScoreResult {
  scores: PromptScores[];
  stats: ScoreStats;
}

export interface CacheStatus {
  /** False when the Cache API does not exist here (e.g. Node). */
  available: boolean;
  /** True when the model's config, tokenizer and at least one ONNX file are cached. */
  cached: boolean;
  files: { url: string; bytes: number | null }[];
  totalBytes: number;
}

/** Operation name → arguments and result. */
export interface RuntimeOps {
  load: {
    /**
     * rowQuant: false keeps a q8 model's per-tensor activation quantization (measurements; default true).
     * keepPrevious: the loaded model keeps answering (scores, tokenization) until this one has loaded,
     * and stays loaded when this one fails; otherwise it is disposed first (less memory).
     */
    args: {
      source: ModelSource;
      dtype?: DtypeChoice;
      device?: DeviceChoice;
      rowQuant?: boolean;
      keepPrevious?: boolean;
    };
    result: LoadResult;
  };
  tokenizeWords: { args: { texts: string[] }; result: WordTokenization[] };
  score: {
    args: {
      prompts: RenderedPrompt[];
      tokenIds: number[];
      topK: number;
      batchSize?: number;
      /** Keep the mask rows' full logits in the worker, so other label words need no forward pass. */
      cacheRows?: boolean;
      /** Return the hidden vector at each mask where the model has it (EngineInfo.hiddenAtMask); transferred, not copied. */
      hidden?: boolean;
      /** A newer score request in the same lane supersedes an unfinished older one. */
      lane: string;
    };
    result: ScoreResult;
  };
  cancel: { args: { targetId: number }; result: { cancelled: boolean } };
  cacheStatus: { args: { modelId: string }; result: CacheStatus };
  clearCache: { args: { modelId?: string }; result: { deleted: number } };
  /** Label-word search: full-vocabulary statistics gathered in the worker (vocab-stats.ts); lanes as for score. */
  labelWordStats: { args: LabelWordStatsArgs & { lane: string }; result: LabelWordStatsResult };
  /** Files of a model folder opened from the user's computer, served as 'local' model `modelId`. */
  registerFiles: {
    args: { modelId: string; files: { path: string; file: Blob }[] };
    result: { files: number; bytes: number };
  };
}

export type RuntimeOp = keyof RuntimeOps;

/**
 * Ops that run in a lane: a newer request in the same lane supersedes an unfinished older one (the
 * client rejects it at once, the worker stops its remaining work). The value is the default lane.
 * Both sides read lanes from here only. The scoring pipeline's callers name their own lane per
 * request (core/pipeline.ts PASSES: 'live', 'compare', 'eval', 'fewshot', and 'explain' for word
 * attribution), so that none of them supersedes another.
 */
export const LANE_DEFAULTS = { score: 'default', labelWordStats: 'label-search' } as const satisfies Partial<
  Record<RuntimeOp, string>
>;
export type LanedOp = keyof typeof LANE_DEFAULTS;

export type WorkerRequest = {
  [K in RuntimeOp]: { op: K; requestId: number } & RuntimeOps[K]['args'];
}[RuntimeOp];

export type WorkerResponse =
  | { type: 'result'; requestId: number; op: RuntimeOp; result: RuntimeOps[RuntimeOp]['result'] }
  | { type: 'error'; requestId: number; op: RuntimeOp; error: SerializedRuntimeError }
  | { type: 'progress'; requestId: number; progress: LoadProgress };

/** The minimal Worker surface the client needs (a real Worker, or an in-process fake). */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  terminate(): void;
  onmessage: ((event: { data: WorkerResponse }) => void) | null;
  onerror: ((event: { message?: string; error?: unknown }) => void) | null;
  onmessageerror?: ((event: unknown) => void) | null;
}

export type WorkerFactory = () => WorkerLike;
