// MaskedLMEngine: the only code in the app that talks to Transformers.js / ONNX Runtime.
// Works in the browser worker (onnxruntime-web) and directly in Node (onnxruntime-node).
// Nothing browser-only is touched at module load.

import { AutoConfig, AutoModelForMaskedLM, AutoTokenizer, env } from '@huggingface/transformers';
import type { ModelFacts, PromptScores, RenderedPrompt, TokenizerKind, WordTokenization } from '../core/types.ts';
import { RuntimeError, cancelledError, toRuntimeError, type ErrorContext } from './errors.ts';
import type {
  DeviceChoice,
  DtypeChoice,
  EngineInfo,
  LoadProgress,
  ModelSource,
  ResolvedDevice,
  ResolvedDtype,
  ScoreResult,
  ScoreStats,
} from './protocol.ts';
import {
  partTexts,
  planBatches,
  scoreRow,
  truncateInputs,
  yieldToEventLoop,
  type BoundaryRules,
  type Segment,
} from './scoring.ts';
import { MASK_ROWS_INPUT, rewriteForMaskRows } from './mask-rows.ts';
import { HOOK_KEY, installCreateHook, loadOrt, type ModelTransformHook, type OrtSessionLike } from './ort-backend.ts';
import { FAST_PATH_INPUTS, ModelRunner, type BatchOutput } from './runner.ts';

export type { ModelSource, LoadProgress, EngineInfo } from './protocol.ts';
export { RuntimeError } from './errors.ts';

export interface LoadOptions {
  dtype?: DtypeChoice;
  device?: DeviceChoice;
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
  /**
   * Run the vocabulary projection only at mask rows (default true): the ONNX graph is rewritten at
   * load time (mask-rows.ts). Falls back to the plain model where the graph does not fit.
   */
  maskRows?: boolean;
  /** Browser: warm ORT's WASM up with a few small runs while idle after loading (default true). */
  backgroundWarmup?: boolean;
  /** WebGPU only: compare against WASM on a fixed input after loading (default true). */
  webgpuParityCheck?: { enabled?: boolean; tolerance?: number };
}

export interface ScoreOptions {
  /** How many most-likely tokens to return per mask (0 = none). */
  topK: number;
  /** Most prompts per model run (default 32 on the mask-rows path, 16 otherwise; lowered automatically for big vocabularies × lengths). */
  batchSize?: number;
  signal?: AbortSignal;
  /**
   * Keep the mask rows' full logits (requests of ≤ 64 prompts) so that a later request for the same
   * prompts with other label words needs no forward pass. Cached rows are used whenever present.
   */
  cacheRows?: boolean;
}

/** Requests with at most this many prompts keep their mask rows' logits (see RowCache). */
const ROW_CACHE_MAX_PROMPTS = 64;
/** Memory for cached mask rows (float32 logits over the whole vocabulary). */
const ROW_CACHE_BYTES = 64 * 1024 * 1024;
/** Background warm-up after loading (browser): runs, prompt length, idle time before each run. */
const WARMUP_RUNS = 16;
const WARMUP_LENGTHS = [16, 32];
const WARMUP_IDLE_MS = 250;
/**
 * Least-work batching (mask-rows path): at most this many prompts per run, and a run's fixed
 * overhead in padded-token equivalents. Measured with `npm run bench`: on the evaluation's requests
 * padding drops from ~20% to ~4–9%; in Chromium's WASM model time −8…−23% against greedy batches of
 * 16 (lever "batching", four of five runs; one even); in Node the model-time lever is within noise,
 * but end to end fp32 evaluation went 35.8 → 38–42 ex/s (padding 23% → 9%). onnxruntime-node pays
 * more per run, hence the larger run cost there.
 */
const DEFAULT_BATCH_SIZE_LEAST_WORK = 32;
const RUN_COST_WASM = 16;
const RUN_COST_NATIVE = 48;
/** Padded tokens per batch on the mask-rows path (bounds activations: tokens × intermediate size). */
const MAX_BATCH_TOKENS = 4096;

/**
 * Full-vocabulary logits of the mask rows of recently scored prompts, keyed by token ids. A label
 * word edit changes only which columns are read, so it is answered from here without a forward
 * pass; top-k is exact as the whole row is kept. LRU, bounded by bytes.
 */
class RowCache {
  private readonly map = new Map<string, Float32Array[]>();
  private bytes = 0;
  constructor(private readonly limit: number) {}
  get(key: string): Float32Array[] | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }
  set(key: string, rows: Float32Array[]): void {
    const size = rows.reduce((n, r) => n + r.byteLength, 0);
    if (size > this.limit) return;
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      this.bytes -= old.reduce((n, r) => n + r.byteLength, 0);
    }
    this.map.set(key, rows);
    this.bytes += size;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.limit) break;
      this.map.delete(k);
      this.bytes -= v.reduce((n, r) => n + r.byteLength, 0);
    }
  }
  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

/** Upper bound of output floats per batch (batch × padded length × vocab): ~96 MB of logits. */
const MAX_LOGIT_FLOATS = 24 * 1024 * 1024;
const DEFAULT_BATCH_SIZE = 16;
const TOKEN_CACHE_LIMIT = 4096;
/** Models whose position ids start after the padding index (max_position_embeddings - pad - 1 usable). */
const PADDING_OFFSET_MODEL_TYPES = new Set([
  'roberta',
  'xlm-roberta',
  'xlm-roberta-xl',
  'camembert',
  'data2vec-text',
  'longformer',
  'roberta-prelayernorm',
  'ibert',
  'mpnet',
  'esm',
]);
const DTYPE_SUFFIX: Record<ResolvedDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' };

// ---- Minimal shapes of the Transformers.js objects we use (its .d.ts types are loose) ----

interface HfEncoding {
  ids: number[];
  tokens: string[];
}
interface HfInnerTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): HfEncoding;
}
interface HfTokenizer {
  mask_token?: string | null;
  mask_token_id?: number | null;
  unk_token_id?: number | null;
  pad_token_id?: number | null;
  readonly model_max_length: number;
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  get_vocab(): Map<string, number> | Record<string, number>;
  _tokenizer?: HfInnerTokenizer;
  _tokenizerJSON?: Record<string, unknown>;
}
interface HfConfig {
  model_type?: string;
  architectures?: string[] | null;
  vocab_size?: number;
  max_position_embeddings?: number;
  pad_token_id?: number | null;
}
interface HfTensor {
  type: string;
  dims: number[];
  data: ArrayLike<number>;
  to?(type: string): HfTensor;
  dispose?(): void;
}
interface HfSession {
  inputNames: string[];
  outputNames: string[];
}
interface HfModel {
  (inputs: Record<string, unknown>): Promise<{ logits?: HfTensor }>;
  sessions: Record<string, HfSession>;
  dispose(): Promise<unknown>;
}

// ---- environment helpers ----

function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { release?: { name?: string } } }).process;
  return p?.release?.name === 'node';
}

interface GpuProbe {
  available: boolean;
  fallback: boolean;
  reason: string;
}

async function probeWebGpu(): Promise<GpuProbe> {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(o?: unknown): Promise<unknown> } } }).navigator;
  const gpu = nav?.gpu;
  if (!gpu)
    return { available: false, fallback: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  interface Adapter {
    info?: { isFallbackAdapter?: boolean };
    isFallbackAdapter?: boolean;
  }
  const adapter = (await gpu
    .requestAdapter({ powerPreference: 'high-performance' })
    .catch(() => null)) as Adapter | null;
  if (!adapter) return { available: false, fallback: false, reason: 'WebGPU returned no adapter (no usable GPU)' };
  const fallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  return fallback
    ? { available: true, fallback: true, reason: 'the only WebGPU adapter is a software fallback (slower than WASM)' }
    : { available: true, fallback: false, reason: 'a hardware WebGPU adapter is available' };
}

async function resolveDevice(choice: DeviceChoice): Promise<{ device: ResolvedDevice; note?: string }> {
  if (isNodeRuntime()) {
    if (choice === 'webgpu') return { device: 'webgpu', note: 'WebGPU requested (onnxruntime-node)' };
    if (choice === 'wasm')
      return { device: 'cpu', note: 'WASM is for browsers; Node uses onnxruntime-node on the CPU' };
    return { device: 'cpu' };
  }
  if (choice === 'wasm' || choice === 'cpu') return { device: 'wasm' };
  const probe = await probeWebGpu();
  if (choice === 'webgpu') {
    if (!probe.available) {
      throw new RuntimeError(
        'webgpu-unavailable',
        `WebGPU is not available: ${probe.reason}. Switch the device to WASM (or Auto) and load again.`,
      );
    }
    return { device: 'webgpu', note: probe.fallback ? probe.reason : undefined };
  }
  return probe.available && !probe.fallback
    ? { device: 'webgpu', note: probe.reason }
    : { device: 'wasm', note: `using WASM: ${probe.reason}` };
}

function resolveDtype(choice: DtypeChoice, device: ResolvedDevice): ResolvedDtype {
  if (choice !== 'auto') return choice;
  return device === 'wasm' ? 'q8' : 'fp32';
}

function wasmThreads(): number | null {
  const wasm = (env.backends.onnx as { wasm?: { numThreads?: number } } | undefined)?.wasm;
  return typeof wasm?.numThreads === 'number' && wasm.numThreads > 0 ? wasm.numThreads : 1;
}

function checkSignal(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof RuntimeError) throw reason;
    throw cancelledError(what);
  }
}

function detectTokenizerKind(json: Record<string, unknown> | undefined, vocab: readonly string[]): TokenizerKind {
  const model = (json?.model ?? {}) as { type?: string };
  const types = new Set<string>();
  const collect = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; pretokenizers?: unknown[]; decoders?: unknown[]; normalizers?: unknown[] };
    if (typeof n.type === 'string') types.add(n.type);
    for (const child of [...(n.pretokenizers ?? []), ...(n.decoders ?? []), ...(n.normalizers ?? [])]) collect(child);
  };
  collect(json?.pre_tokenizer);
  collect(json?.decoder);
  collect(json?.normalizer);
  switch (model.type) {
    case 'WordPiece':
      return 'wordpiece';
    case 'Unigram':
      return 'sentencepiece';
    case 'BPE':
      if (types.has('ByteLevel')) return 'bpe';
      if (types.has('Metaspace') || types.has('ByteFallback')) return 'sentencepiece';
      return 'other';
  }
  // No tokenizer.json model info: guess from the vocabulary's word-boundary markers.
  let hashes = 0;
  let gs = 0;
  let sp = 0;
  for (const t of vocab) {
    if (!t) continue;
    if (t.startsWith('##')) hashes++;
    else if (t.startsWith('Ġ')) gs++;
    else if (t.startsWith('▁')) sp++;
  }
  const max = Math.max(hashes, gs, sp);
  if (max === 0) return 'other';
  return max === hashes ? 'wordpiece' : max === gs ? 'bpe' : 'sentencepiece';
}

function addedTokenFlags(
  json: Record<string, unknown> | undefined,
  content: string,
): { lstrip: boolean; rstrip: boolean } | null {
  const added = json?.added_tokens;
  if (!Array.isArray(added)) return null;
  for (const t of added as { content?: string; lstrip?: boolean; rstrip?: boolean }[]) {
    if (t.content === content) return { lstrip: !!t.lstrip, rstrip: !!t.rstrip };
  }
  return null;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** A copy of one logits row as float32. */
function copyRow(data: ArrayLike<number>, offset: number, n: number): Float32Array {
  if (data instanceof Float32Array) return data.slice(offset, offset + n);
  const row = new Float32Array(n);
  for (let v = 0; v < n; v++) row[v] = data[offset + v] as number;
  return row;
}

/** Finds where `inner` occurs in `outer` (first match), or -1. */
function indexOfSeq(outer: readonly number[], inner: readonly number[]): number {
  outer: for (let i = 0; i + inner.length <= outer.length; i++) {
    for (let j = 0; j < inner.length; j++) if (outer[i + j] !== inner[j]) continue outer;
    return i;
  }
  return -1;
}

function validateSource(source: ModelSource): void {
  if (!source || (source.kind !== 'hub' && source.kind !== 'local') || typeof source.id !== 'string') {
    throw new RuntimeError('invalid-input', 'The model source must be { kind: "hub" | "local", id: string }.');
  }
  const id = source.id.trim();
  if (!id || id.includes('..') || id.startsWith('/') || /^[a-z]+:/i.test(id) || id.includes('\\')) {
    throw new RuntimeError(
      'invalid-input',
      `"${source.id}" is not a valid model id. Use a Hub id like "Xenova/bert-base-uncased" or a folder name under the models directory.`,
    );
  }
}

// ---- warm-up and the WebGPU parity check ----

/** Largest |Δlogit| at the mask between WebGPU and WASM that still counts as the same model. */
const WEBGPU_PARITY_TOLERANCE = 0.05;

async function runOne(
  runner: ModelRunner,
  ids: readonly number[],
  maskAt: number,
): Promise<{ dims: number[]; row: Float32Array }> {
  const out: BatchOutput = await runner.run(
    BigInt64Array.from(ids.map((id) => BigInt(id))),
    new BigInt64Array(ids.length).fill(1n),
    1,
    ids.length,
    [maskAt],
  );
  try {
    const start = out.offsetOf(0) * out.vocab;
    const row = new Float32Array(out.vocab);
    for (let v = 0; v < out.vocab; v++) row[v] = out.data[start + v] as number;
    return { dims: [...out.dims], row };
  } finally {
    out.dispose();
  }
}

async function warmUp(runner: ModelRunner, ids: readonly number[], maskAt: number): Promise<{ dims: number[] }> {
  const { dims } = await runOne(runner, ids, maskAt);
  return { dims };
}

/** A fixed prompt for the parity check: "<prefix> the weather today is <mask> . <suffix>". */
function parityIds(
  tokenizer: HfTokenizer,
  prefixIds: number[],
  suffixIds: number[],
  maskId: number,
): { ids: number[]; maskAt: number } {
  const before = tokenizer.encode('The weather today is', { add_special_tokens: false });
  const after = tokenizer.encode('.', { add_special_tokens: false });
  const ids = [...prefixIds, ...before, maskId, ...after, ...suffixIds];
  return { ids, maskAt: prefixIds.length + before.length };
}

type ParityResult = { ok: true; maxAbsDiff: number; top1Differs: boolean } | { ok: false; reason: string };

/** Runs both models on one input and compares the full logits row at the mask. */
export async function compareRunners(
  a: ModelRunner,
  b: ModelRunner,
  input: { ids: number[]; maskAt: number },
): Promise<ParityResult> {
  try {
    const [ra, rb] = [await runOne(a, input.ids, input.maskAt), await runOne(b, input.ids, input.maskAt)];
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

export class MaskedLMEngine {
  readonly info: EngineInfo;
  readonly facts: ModelFacts;

  private readonly tokenizer: HfTokenizer;
  private model: HfModel | null;
  private readonly idToToken: string[];
  private readonly prefixIds: number[];
  private readonly suffixIds: number[];
  private readonly padId: number;
  private readonly rules: BoundaryRules;
  private readonly tokenCache = new Map<string, number[]>();
  private readonly errorContext: ErrorContext;
  private readonly runner: ModelRunner;
  private readonly rowCache = new RowCache(ROW_CACHE_BYTES);
  /** Score requests in progress, and when the last one ended (background warm-up waits for idle). */
  private busy = 0;
  private lastActivity = 0;

  private constructor(init: {
    info: EngineInfo;
    facts: ModelFacts;
    tokenizer: HfTokenizer;
    model: HfModel;
    runner: ModelRunner;
    idToToken: string[];
    prefixIds: number[];
    suffixIds: number[];
    padId: number;
    rules: BoundaryRules;
    errorContext: ErrorContext;
  }) {
    this.runner = init.runner;
    this.info = init.info;
    this.facts = init.facts;
    this.tokenizer = init.tokenizer;
    this.model = init.model;
    this.idToToken = init.idToToken;
    this.prefixIds = init.prefixIds;
    this.suffixIds = init.suffixIds;
    this.padId = init.padId;
    this.rules = init.rules;
    this.errorContext = init.errorContext;
  }

  /**
   * Loads tokenizer + ONNX model. 'local' reads `<env.localModelPath>/<id>/` only (never the Hub);
   * 'hub' uses Transformers.js defaults (Cache API / local folder first, then the Hub).
   */
  static async load(source: ModelSource, options: LoadOptions = {}): Promise<MaskedLMEngine> {
    const t0 = now();
    validateSource(source);
    const { signal, onProgress } = options;
    const ctx: ErrorContext = {
      phase: 'load',
      source: { kind: source.kind, id: source.id },
      baseDir: source.kind === 'local' ? env.localModelPath : undefined,
    };
    let model: HfModel | null = null;
    try {
      checkSignal(signal, 'Loading the model');
      if (source.kind === 'local' && !env.allowLocalModels) env.allowLocalModels = true;

      const deviceChoice = options.device ?? 'auto';
      const resolved = await resolveDevice(deviceChoice);
      let device = resolved.device;
      let note = resolved.note;
      let dtype = resolveDtype(options.dtype ?? 'auto', device);
      let modelFile = `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
      ctx.modelFile = modelFile;

      const files: string[] = [];
      const perFile = new Map<string, { loaded: number; total: number }>();
      const progress_callback = (raw: unknown): void => {
        const p = raw as { status?: string; file?: string; loaded?: number; total?: number };
        if (!p || typeof p.file !== 'string') return;
        const status = p.status;
        if (status !== 'initiate' && status !== 'download' && status !== 'progress' && status !== 'done') return;
        const state = perFile.get(p.file) ?? { loaded: 0, total: 0 };
        if (typeof p.loaded === 'number') state.loaded = p.loaded;
        if (typeof p.total === 'number') state.total = p.total;
        if (status === 'done') {
          if (state.total > 0) state.loaded = state.total;
          if (!files.includes(p.file)) files.push(p.file);
        }
        perFile.set(p.file, state);
        onProgress?.({ file: p.file, loaded: state.loaded, total: state.total, status });
      };
      const common = { progress_callback, local_files_only: source.kind === 'local' };

      const loadTokenizer = async (): Promise<HfTokenizer> => {
        try {
          return await AutoTokenizer.from_pretrained(source.id, common);
        } catch (error) {
          // Without tokenizer_config.json, Transformers.js builds a tokenizer from nothing and fails
          // with a TypeError; say which files are needed instead.
          if (error instanceof TypeError && !/fetch|network/i.test(error.message)) {
            throw new RuntimeError(
              'file-missing',
              `The tokenizer of ${source.kind === 'hub' ? `"${source.id}"` : `${env.localModelPath.replace(/\/+$/, '')}/${source.id}/`} could not be read: tokenizer.json and tokenizer_config.json are both required.`,
              `${error.name}: ${error.message}`,
            );
          }
          throw error;
        }
      };
      const phases: Record<string, number> = {};
      const configPromise = AutoConfig.from_pretrained(source.id, common) as Promise<unknown>;
      // Hub: fetch config and tokenizer in parallel. Local: config first, because when a local
      // tokenizer_config.json is missing Transformers.js asks the Hub whether it exists.
      const tokenizerPromise = source.kind === 'hub' ? loadTokenizer() : null;
      tokenizerPromise?.catch(() => undefined); // avoid an unhandled rejection while awaiting config
      const config = (await configPromise) as HfConfig;
      phases.config = Math.round(now() - t0);
      checkSignal(signal, 'Loading the model');

      const architectures = Array.isArray(config.architectures) ? config.architectures : [];
      if (architectures.length > 0 && !architectures.some((a) => /MaskedLM|ForPreTraining|ForMaskFilling/i.test(a))) {
        throw new RuntimeError(
          'not-masked-lm',
          `This model is a ${architectures.join(', ')}, not a masked language model, so it cannot fill in [MASK]. ` +
            `Choose a model whose architecture ends in "ForMaskedLM" (e.g. BertForMaskedLM, RobertaForMaskedLM).`,
          `config.architectures = ${JSON.stringify(architectures)}`,
        );
      }

      // Mask-rows-only head: the ONNX file is rewritten as ORT receives it (mask-rows.ts).
      const ort = options.maskRows === false ? null : await loadOrt();
      if (ort) installCreateHook(ort);
      let headNote: string | undefined =
        options.maskRows === false
          ? 'full head (mask rows only was switched off)'
          : ort
            ? undefined
            : 'full head (no direct ONNX Runtime access)';
      const hook: ModelTransformHook = {
        transform: (bytes) => {
          // In place: no second copy of the weights (restored right after ORT has read them).
          const rewritten = rewriteForMaskRows(bytes, { allowedInputs: FAST_PATH_INPUTS, inPlace: true });
          headNote = rewritten.ok ? undefined : `full head: ${rewritten.reason}`;
          return rewritten.ok ? { bytes: rewritten.bytes, restore: rewritten.restore } : null;
        },
      };
      const loadModel = async (d: ResolvedDevice, t: ResolvedDtype, fast = ort !== null): Promise<HfModel> =>
        await AutoModelForMaskedLM.from_pretrained(source.id, {
          ...common,
          config: config as never,
          dtype: t,
          device: d,
          ...(fast ? { session_options: { [HOOK_KEY]: hook } } : {}),
        } as never);
      const loadWithFallback = async (): Promise<HfModel> => {
        try {
          return await loadModel(device, dtype);
        } catch (error) {
          // 'auto' picked WebGPU but the model does not run there: fall back to WASM once.
          const mapped = toRuntimeError(error, ctx);
          const fallbackable = ![
            'file-missing',
            'corrupt-model',
            'not-masked-lm',
            'hub-unreachable',
            'cancelled',
          ].includes(mapped.code);
          if (!(deviceChoice === 'auto' && device === 'webgpu' && fallbackable)) throw mapped;
          device = 'wasm';
          dtype = resolveDtype(options.dtype ?? 'auto', device);
          modelFile = `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
          ctx.modelFile = modelFile;
          note = `WebGPU failed (${mapped.message}); using WASM`;
          return await loadModel(device, dtype);
        }
      };
      // The model (the big download / session creation) loads while the tokenizer is read.
      const tModel = now();
      const modelPromise = loadWithFallback().then((m) => {
        phases.model = Math.round(now() - tModel);
        return m;
      });
      modelPromise.catch(() => undefined); // awaited below; a tokenizer error is reported first
      let tokenizer: HfTokenizer;
      try {
        const tTok = now();
        tokenizer = await (tokenizerPromise ?? loadTokenizer());
        phases.tokenizer = Math.round(now() - tTok);
      } catch (error) {
        void modelPromise.then((m) => m.dispose()).catch(() => undefined);
        throw error;
      }
      model = await modelPromise;
      checkSignal(signal, 'Loading the model');
      const maskToken = tokenizer.mask_token ?? null;
      const maskTokenId = tokenizer.mask_token_id;
      if (!maskToken || typeof maskTokenId !== 'number') {
        throw new RuntimeError(
          'not-masked-lm',
          "This model's tokenizer has no mask token, so it is not a masked language model. Choose a BERT/RoBERTa-style fill-mask model.",
          `mask_token = ${String(maskToken)}, mask_token_id = ${String(maskTokenId)}`,
        );
      }

      checkSignal(signal, 'Loading the model');

      const session = model.sessions.model ?? Object.values(model.sessions)[0];
      if (!session?.outputNames.includes('logits')) {
        throw new RuntimeError(
          'not-masked-lm',
          'This ONNX model has no "logits" output, so it is not a masked language model (it was probably exported without its language-model head). ' +
            'Choose a model exported for fill-mask.',
          `outputs: ${JSON.stringify(session?.outputNames ?? [])}`,
        );
      }

      // Vocabulary (id → token string).
      const vocabRaw = tokenizer.get_vocab();
      const entries: [string, number][] = vocabRaw instanceof Map ? [...vocabRaw.entries()] : Object.entries(vocabRaw);
      let maxId = -1;
      for (const [, id] of entries) if (id > maxId) maxId = id;
      const idToToken: string[] = new Array<string>(maxId + 1).fill('');
      for (const [tok, id] of entries) if (id >= 0) idToToken[id] = tok;

      // Special tokens as the tokenizer's post-processor adds them around a single sequence.
      const probe = 'a';
      const withSpecial = tokenizer.encode(probe, { add_special_tokens: true });
      const without = tokenizer.encode(probe, { add_special_tokens: false });
      const at = without.length > 0 ? indexOfSeq(withSpecial, without) : -1;
      let prefixIds: number[];
      let suffixIds: number[];
      if (at >= 0) {
        prefixIds = withSpecial.slice(0, at);
        suffixIds = withSpecial.slice(at + without.length);
      } else {
        const empty = tokenizer.encode('', { add_special_tokens: true });
        prefixIds = empty.slice(0, 1);
        suffixIds = empty.slice(1);
      }

      // Warm-up run; also checks the output really is one score per vocabulary word at the mask.
      const warmIds = [...prefixIds, maskTokenId, ...suffixIds];
      const expectedVocab = typeof config.vocab_size === 'number' ? config.vocab_size : null;
      const vocabOk = (v: number | undefined): boolean =>
        expectedVocab === null ? (v ?? 0) > maskTokenId : v === expectedVocab;
      const runnerFor = (m: HfModel): ModelRunner => {
        const s = m.sessions.model ?? Object.values(m.sessions)[0];
        const fastSession = ort && s?.inputNames.includes(MASK_ROWS_INPUT) ? (s as unknown as OrtSessionLike) : null;
        return new ModelRunner((inputs) => m(inputs), fastSession && ort ? { ort, session: fastSession } : null);
      };
      let runner = runnerFor(model);
      const tWarm = now();
      let warm = await warmUp(runner, warmIds, prefixIds.length).catch((error: unknown) => ({ error }));
      phases.warmup = Math.round(now() - tWarm);
      if (runner.maskRowsOnly && ('error' in warm || warm.dims.length !== 2 || !vocabOk(warm.dims[1]))) {
        // The rewritten graph misbehaves: use the model as it is.
        const why =
          'error' in warm ? toRuntimeError(warm.error, ctx).message : `output shape [${warm.dims.join(', ')}]`;
        await model.dispose().catch(() => undefined);
        model = null;
        model = await loadModel(device, dtype, false);
        headNote = `full head: the rewritten model failed its check (${why})`;
        runner = runnerFor(model);
        warm = await warmUp(runner, warmIds, prefixIds.length).catch((error: unknown) => ({ error }));
      }
      if ('error' in warm) throw warm.error;
      const dims = warm.dims;
      const plainShapeOk = dims.length === 3 && dims[1] === warmIds.length && vocabOk(dims[2]);
      if (!runner.maskRowsOnly && !plainShapeOk) {
        throw new RuntimeError(
          'not-masked-lm',
          `This model's output is not one score per vocabulary word at each position (got shape [${dims.join(', ')}], expected [1, ${warmIds.length}, ${expectedVocab ?? 'vocab'}]), so it is not a masked language model.`,
          `logits dims = ${JSON.stringify(dims)}, config.vocab_size = ${String(expectedVocab)}`,
        );
      }
      const vocabSize = dims[dims.length - 1] as number;

      // WebGPU can be silently wrong (notably for quantized models): compare with WASM once.
      if (device === 'webgpu' && !isNodeRuntime() && options.webgpuParityCheck?.enabled !== false) {
        checkSignal(signal, 'Loading the model');
        const reference = await loadModel('wasm', dtype);
        const refRunner = runnerFor(reference);
        const parity = await compareRunners(runner, refRunner, parityIds(tokenizer, prefixIds, suffixIds, maskTokenId));
        const tolerance = options.webgpuParityCheck?.tolerance ?? WEBGPU_PARITY_TOLERANCE;
        if (parity.ok && parity.maxAbsDiff <= tolerance) {
          await reference.dispose().catch(() => undefined);
          note = `${note ? `${note}; ` : ''}WebGPU matches WASM on a fixed input (max |Δlogit| ${parity.maxAbsDiff.toExponential(1)})`;
        } else {
          await model.dispose().catch(() => undefined);
          model = reference;
          runner = refRunner;
          device = 'wasm';
          note = parity.ok
            ? `WebGPU gave different results from WASM on a fixed input (max |Δlogit| ${parity.maxAbsDiff.toPrecision(3)} > ${tolerance}${parity.top1Differs ? ', different top prediction' : ''}); using WASM`
            : `WebGPU could not be checked against WASM (${parity.reason}); using WASM`;
        }
      }
      while (idToToken.length < vocabSize) idToToken.push('');

      // Longest sequence: position embeddings (minus RoBERTa's padding offset), capped by the tokenizer.
      let maxLength = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : 512;
      if (config.model_type && PADDING_OFFSET_MODEL_TYPES.has(config.model_type)) {
        maxLength -= (typeof config.pad_token_id === 'number' ? config.pad_token_id : 1) + 1;
      }
      const rawTokMax: unknown = tokenizer.model_max_length; // from tokenizer_config.json: may be missing
      const tokMax = Number(rawTokMax);
      if (Number.isFinite(tokMax) && tokMax > 0 && tokMax < 1e7) maxLength = Math.min(maxLength, tokMax);

      const json = tokenizer._tokenizerJSON;
      const tokenizerKind = detectTokenizerKind(json, idToToken);
      const flags = addedTokenFlags(json, maskToken) ?? { lstrip: tokenizerKind === 'bpe', rstrip: false };

      const facts: ModelFacts = {
        maskToken,
        maskTokenId,
        unkTokenId: typeof tokenizer.unk_token_id === 'number' ? tokenizer.unk_token_id : null,
        vocabSize,
        tokenizerKind,
        maxLength,
      };
      const info: EngineInfo = {
        id: source.id,
        source: source.kind,
        device,
        dtype,
        threads: device === 'wasm' ? wasmThreads() : null,
        files: files.length ? files : ['config.json', 'tokenizer.json', 'tokenizer_config.json', modelFile],
        modelFile,
        loadMs: Math.round(now() - t0),
        ...(note ? { deviceNote: note } : {}),
        head: runner.maskRowsOnly ? 'mask-rows' : 'full',
        loadPhases: phases,
        ...(headNote && !runner.maskRowsOnly ? { headNote } : {}),
      };
      onProgress?.({ file: '', loaded: 0, total: 0, status: 'ready' });
      const engine = new MaskedLMEngine({
        info,
        facts,
        tokenizer,
        model,
        runner,
        idToToken,
        prefixIds,
        suffixIds,
        padId: typeof tokenizer.pad_token_id === 'number' ? tokenizer.pad_token_id : 0,
        rules: { maskLstrip: flags.lstrip, maskRstrip: flags.rstrip, moveTrailingSpace: true },
        errorContext: { ...ctx, phase: 'score' },
      });
      model = null; // owned by the engine now
      if (!isNodeRuntime() && options.backgroundWarmup !== false) engine.warmInBackground();
      return engine;
    } catch (error) {
      if (model) await model.dispose().catch(() => undefined);
      if (signal?.aborted && !(error instanceof RuntimeError && error.code !== 'cancelled')) {
        throw cancelledError('Loading the model');
      }
      throw toRuntimeError(error, ctx);
    }
  }

  /** Vocabulary string of a token id ('' if unknown). */
  tokenString(id: number): string {
    return this.idToToken[id] ?? '';
  }

  /** Tokenizes a word/phrase exactly as given (no special tokens, no added/stripped spaces). */
  tokenizeWord(text: string): WordTokenization {
    if (typeof text !== 'string') throw new RuntimeError('invalid-input', 'tokenizeWord expects a string.');
    const enc = this.encodePieces(text);
    const unk = this.facts.unkTokenId;
    return { text, ids: enc.ids, pieces: enc.tokens, hasUnknown: unk !== null && enc.ids.includes(unk) };
  }

  private encodePieces(text: string): HfEncoding {
    if (text === '') return { ids: [], tokens: [] };
    try {
      const inner = this.tokenizer._tokenizer;
      if (inner && typeof inner.encode === 'function') {
        const enc = inner.encode(text, { add_special_tokens: false });
        return { ids: [...enc.ids], tokens: [...enc.tokens] };
      }
      const ids = this.tokenizer.encode(text, { add_special_tokens: false });
      return { ids, tokens: ids.map((id) => this.tokenString(id)) };
    } catch (error) {
      throw toRuntimeError(error, { ...this.errorContext, phase: 'tokenize' });
    }
  }

  private encodeCached(text: string): number[] {
    const hit = this.tokenCache.get(text);
    if (hit) return hit;
    const ids = this.encodePieces(text).ids;
    if (this.tokenCache.size >= TOKEN_CACHE_LIMIT) this.tokenCache.clear();
    this.tokenCache.set(text, ids);
    return ids;
  }

  /** Scores the prompts; see scoreDetailed for timing statistics. */
  async score(prompts: RenderedPrompt[], tokenIds: number[], options: ScoreOptions): Promise<PromptScores[]> {
    return (await this.scoreDetailed(prompts, tokenIds, options)).scores;
  }

  async scoreDetailed(prompts: RenderedPrompt[], tokenIds: number[], options: ScoreOptions): Promise<ScoreResult> {
    this.busy++;
    try {
      return await this.scoreDetailedInner(prompts, tokenIds, options);
    } finally {
      this.busy--;
      this.lastActivity = now();
    }
  }

  /**
   * Browser only: a few small forward passes while the engine is idle after loading. V8 first runs
   * ORT's WASM with its baseline compiler and optimises hot functions only after they have run a
   * while, so the first forward passes of a fresh worker are several times slower (measured: ~7 runs
   * of 300–400 ms, then ~50 ms, q8 DistilBERT-shaped; edits stay ~1.5× slower for ~10 more runs).
   * Warming up in idle time moves that cost out
   * of the user's first edits. Stops at once when real work arrives (which then waits for at most
   * one small run), after WARMUP_RUNS, or when the engine is disposed.
   */
  private warmInBackground(): void {
    const inputs = WARMUP_LENGTHS.map((n) => {
      const ids = [
        ...this.prefixIds,
        ...new Array<number>(n).fill(this.facts.unkTokenId ?? this.padId),
        ...this.suffixIds,
      ];
      const maskAt = this.prefixIds.length + Math.floor(n / 2);
      ids[maskAt] = this.facts.maskTokenId;
      return { ids, maskAt };
    });
    let runs = 0;
    const tick = async (): Promise<void> => {
      if (!this.model || runs >= WARMUP_RUNS) return;
      if (this.busy > 0 || now() - this.lastActivity < WARMUP_IDLE_MS) {
        setTimeout(() => void tick(), WARMUP_IDLE_MS);
        return;
      }
      const { ids, maskAt } = inputs[runs % inputs.length] as { ids: number[]; maskAt: number };
      runs++;
      await runOne(this.runner, ids, maskAt).catch(() => undefined);
      setTimeout(() => void tick(), 0);
    };
    this.lastActivity = now();
    setTimeout(() => void tick(), WARMUP_IDLE_MS);
  }

  private async scoreDetailedInner(
    prompts: RenderedPrompt[],
    tokenIds: number[],
    options: ScoreOptions,
  ): Promise<ScoreResult> {
    const t0 = now();
    const { signal } = options;
    const model = this.model;
    if (!model) throw new RuntimeError('not-loaded', 'The model was unloaded; load it again.');
    this.validateScoreInput(prompts, tokenIds, options);
    checkSignal(signal, 'Scoring');

    const { maskTokenId, maxLength, vocabSize } = this.facts;
    const reserved = this.prefixIds.length + this.suffixIds.length;

    // 1. Tokenize parts, truncate inputs, add special tokens.
    const seqs = prompts.map((prompt, index) => {
      const texts = partTexts(prompt.parts, this.rules);
      const segments: Segment[] = prompt.parts.map((part, i) =>
        part.kind === 'mask'
          ? { kind: 'mask', ids: new Array<number>(part.count).fill(maskTokenId) }
          : { kind: part.kind, ids: [...this.encodeCached(texts[i] ?? '')] },
      );
      // A literal mask token typed in the input data ("[MASK]", "<mask>") would become an extra,
      // unreported mask; it is read as an unknown token instead. Calibration's content-free input
      // is the mask token on purpose (Zhao et al. 2021): its parts are marked `contentFree` by the
      // scoring plan and keep it. Either way only the `mask` parts' positions are read.
      const unk = this.facts.unkTokenId;
      if (unk !== null) {
        segments.forEach((s, i) => {
          const part = prompt.parts[i];
          if (s.kind !== 'input' || (part?.kind === 'input' && part.contentFree === true)) return;
          for (let k = 0; k < s.ids.length; k++) if (s.ids[k] === maskTokenId) s.ids[k] = unk;
        });
      }
      const truncated = truncateInputs(segments, reserved, maxLength);
      if (truncated < 0) {
        const fixed = reserved + segments.filter((s) => s.kind !== 'input').reduce((n, s) => n + s.ids.length, 0);
        throw new RuntimeError(
          'invalid-input',
          `Prompt ${index + 1} is too long for this model even with its input text removed: the template, masks and special tokens take ${fixed} tokens, but the model accepts at most ${maxLength}. Shorten the template.`,
        );
      }
      const ids: number[] = [...this.prefixIds];
      const maskPositions: number[] = [];
      for (const s of segments) {
        if (s.kind === 'mask') for (let k = 0; k < s.ids.length; k++) maskPositions.push(ids.length + k);
        for (const id of s.ids) ids.push(id);
      }
      for (const id of this.suffixIds) ids.push(id);
      return { ids, maskPositions, truncated };
    });

    // 2. Identical prompts run once; prompts whose mask rows are cached do not run at all.
    const results = new Array<PromptScores>(prompts.length);
    const tokenOf = (id: number): string => this.tokenString(id);
    const cacheRows = options.cacheRows === true && prompts.length <= ROW_CACHE_MAX_PROMPTS;
    const keys = seqs.map((s) => `${s.ids.join(',')}|${s.maskPositions.join(',')}`);
    const firstOf = new Map<string, number>();
    const duplicates: [number, number][] = [];
    const toRun: number[] = [];
    let cachedPrompts = 0;
    const finish = (seqIndex: number, masks: PromptScores['masks']): void => {
      const seq = seqs[seqIndex] as { ids: number[]; maskPositions: number[]; truncated: number };
      results[seqIndex] = {
        masks,
        tokens: seq.ids.map(tokenOf),
        maskPositions: seq.maskPositions,
        truncatedTokens: seq.truncated,
      };
    };
    seqs.forEach((seq, i) => {
      const key = keys[i] as string;
      const first = firstOf.get(key);
      if (first !== undefined) {
        duplicates.push([i, first]);
        return;
      }
      firstOf.set(key, i);
      const rows = this.rowCache.get(key);
      if (rows?.length === seq.maskPositions.length) {
        cachedPrompts++;
        finish(
          i,
          rows.map((row) => scoreRow(row, 0, row.length, tokenIds, options.topK, tokenOf)),
        );
      } else {
        toRun.push(i);
      }
    });

    // 3. Batch by similar length and run.
    // Mask-rows path: least-work batching (padding vs per-run overhead, see planBatches). The plain
    // path keeps greedy batches bounded by the size of the full logits.
    const maskRowsOnly = this.runner.maskRowsOnly;
    const maxBatch = Math.max(
      1,
      Math.floor(options.batchSize ?? (maskRowsOnly ? DEFAULT_BATCH_SIZE_LEAST_WORK : DEFAULT_BATCH_SIZE)),
    );
    const batches = planBatches(
      toRun.map((i) => (seqs[i] as { ids: number[] }).ids.length),
      maxBatch,
      vocabSize,
      MAX_LOGIT_FLOATS,
      maskRowsOnly
        ? {
            outputRows: toRun.map((i) => Math.max(1, (seqs[i] as { maskPositions: number[] }).maskPositions.length)),
            maxTokens: MAX_BATCH_TOKENS,
            runCost: isNodeRuntime() ? RUN_COST_NATIVE : RUN_COST_WASM,
          }
        : {},
    ).map((batch) => batch.map((j) => toRun[j] as number));
    const stats: ScoreStats = {
      prompts: prompts.length,
      batches: batches.length,
      tokensRun: 0,
      paddedTokens: 0,
      modelMs: 0,
      totalMs: 0,
      cachedPrompts,
      duplicatePrompts: duplicates.length,
      shapes: [],
    };

    for (const batch of batches) {
      await yieldToEventLoop();
      checkSignal(signal, 'Scoring');
      if (this.model !== model) throw new RuntimeError('not-loaded', 'The model was unloaded while scoring.');
      const len = Math.max(...batch.map((i) => (seqs[i] as { ids: number[] }).ids.length));
      const b = batch.length;
      const inputIds = new BigInt64Array(b * len).fill(BigInt(this.padId));
      const attention = new BigInt64Array(b * len);
      const rows: number[] = [];
      batch.forEach((seqIndex, row) => {
        const { ids, maskPositions } = seqs[seqIndex] as { ids: number[]; maskPositions: number[] };
        for (let t = 0; t < ids.length; t++) {
          inputIds[row * len + t] = BigInt(ids[t] as number);
          attention[row * len + t] = 1n;
        }
        for (const pos of maskPositions) rows.push(row * len + pos);
        stats.paddedTokens += len - ids.length;
      });
      stats.tokensRun += b * len;
      stats.shapes?.push([b, len]);

      const tRun = now();
      let out: BatchOutput;
      try {
        out = await this.runner.run(inputIds, attention, b, len, rows);
      } catch (error) {
        throw toRuntimeError(error, this.errorContext);
      }
      stats.modelMs += now() - tRun;
      try {
        const { data, vocab: V } = out;
        let k = 0;
        for (const seqIndex of batch) {
          const seq = seqs[seqIndex] as { maskPositions: number[] };
          const offsets = seq.maskPositions.map(() => out.offsetOf(k++) * V);
          finish(
            seqIndex,
            offsets.map((offset) => scoreRow(data, offset, V, tokenIds, options.topK, tokenOf)),
          );
          if (cacheRows)
            this.rowCache.set(
              keys[seqIndex] as string,
              offsets.map((offset) => copyRow(data, offset, V)),
            );
        }
      } finally {
        out.dispose();
      }
    }
    for (const [i, first] of duplicates) {
      const r = results[first] as PromptScores;
      results[i] = {
        ...r,
        masks: r.masks.map((m) => ({ probs: [...m.probs], logits: [...m.logits], top: [...m.top] })),
        tokens: [...r.tokens],
      };
    }
    stats.modelMs = Math.round(stats.modelMs * 100) / 100;
    stats.totalMs = Math.round((now() - t0) * 100) / 100;
    return { scores: results, stats };
  }

  private validateScoreInput(prompts: RenderedPrompt[], tokenIds: number[], options: ScoreOptions): void {
    if (!Array.isArray(prompts)) throw new RuntimeError('invalid-input', 'score() expects an array of prompts.');
    if (!Array.isArray(tokenIds)) throw new RuntimeError('invalid-input', 'score() expects an array of token ids.');
    const V = this.facts.vocabSize;
    for (const id of tokenIds) {
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new RuntimeError(
          'invalid-input',
          `Token id ${String(id)} is not in this model's vocabulary (0…${V - 1}). Were the label words tokenized with another model?`,
        );
      }
    }
    if (!Number.isFinite(options.topK) || options.topK < 0) {
      throw new RuntimeError('invalid-input', 'topK must be a number ≥ 0.');
    }
    prompts.forEach((p, i) => {
      if (!p || !Array.isArray(p.parts)) throw new RuntimeError('invalid-input', `Prompt ${i + 1} has no parts.`);
      for (const part of p.parts) {
        if (part.kind === 'mask') {
          if (!Number.isInteger(part.count) || part.count < 0 || part.count > this.facts.maxLength) {
            throw new RuntimeError(
              'invalid-input',
              `Prompt ${i + 1} has a mask with an invalid count (${String(part.count)}).`,
            );
          }
        } else if (part.kind === 'template' || part.kind === 'input') {
          if (typeof part.text !== 'string')
            throw new RuntimeError('invalid-input', `Prompt ${i + 1} has a ${part.kind} part without text.`);
          if (part.kind === 'input' && part.contentFree !== undefined && typeof part.contentFree !== 'boolean')
            throw new RuntimeError(
              'invalid-input',
              `Prompt ${i + 1} has an input part with an invalid contentFree flag.`,
            );
        } else {
          throw new RuntimeError('invalid-input', `Prompt ${i + 1} has an unknown part kind.`);
        }
      }
    });
  }

  /** Releases the ONNX session. The engine cannot score afterwards. */
  async dispose(): Promise<void> {
    const model = this.model;
    this.model = null;
    this.tokenCache.clear();
    this.rowCache.clear();
    if (model) await model.dispose().catch(() => undefined);
  }
}
