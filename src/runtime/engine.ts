// MaskedLMEngine: a loaded masked language model that tokenizes label words and scores prompts —
// the only code in the app that talks to Transformers.js / ONNX Runtime (through load/… and
// runner.ts). Loading is a list of phases (src/runtime/load/); scoring assembles the prompts
// (prompt-assembly.ts), answers what it can from the mask-row cache, batches the rest
// (batching.ts) and reads each mask row (mask-row-scores.ts).
// Works in the browser worker (onnxruntime-web) and in Node (onnxruntime-node). Nothing
// browser-only is touched at module load.

import { env } from '@huggingface/transformers';
import type { ModelFacts, PromptScores, RenderedPrompt, WordTokenization } from '../core/types.ts';
import { Lru } from '../core/lru.ts';
import { RuntimeError, cancelledError, toRuntimeError, type ErrorContext, type ModelWhere } from './errors.ts';
import type { DeviceChoice, DtypeChoice, EngineInfo, LoadProgress, ModelSource, ScoreResult } from './protocol.ts';
import type { HfEncoding, HfModel, HfTokenizer } from './hf-shapes.ts';
import { checkSignal } from './abort.ts';
import { isNodeRuntime, now } from './environment.ts';
import { createMaskRowCache } from './mask-row-cache.ts';
import { scorePrompts, type ScoreOptions, type ScoringModel } from './score-prompts.ts';
import type { ModelRunner } from './runner.ts';
import { warmInBackground, warmupInputs } from './background-warmup.ts';
import { resolveDeviceAndDtype, wasmThreads } from './load/device.ts';
import { LOADING, loadComponents, validateSource } from './load/components.ts';
import { inspectTokenizer, requireMaskToken, type TokenizerFacts } from './load/tokenizer-facts.ts';
import { buildVerifiedRunner, requireLogitsOutput, runnerFor } from './load/verified-runner.ts';
import { checkWebGpuParity, parityIds } from './load/webgpu-parity.ts';
import { engineInfo, modelFacts } from './load/model-info.ts';
import { explainFetchFailure, installDownloadGuard } from './download-guard.ts';
import { isOpenedModel } from './local-files.ts';

export type { ModelSource, LoadProgress, EngineInfo } from './protocol.ts';
export { RuntimeError } from './errors.ts';
export type { ScoreOptions } from './score-prompts.ts';

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
  /**
   * Quantize activations per row (default true): a dynamically quantized (q8) model's graph is
   * rewritten at load time (row-quant.ts) so that a prompt's scores do not depend on what shares
   * its batch. Where the graph does not fit, the model keeps its per-tensor quantization and
   * `info.batchInvariant` is false, with the reason in `info.batchNote`.
   */
  rowQuant?: boolean;
  /** Browser: warm ORT's WASM up with a few small runs while idle after loading (default true). */
  backgroundWarmup?: boolean;
  /** WebGPU only: compare against WASM on a fixed input after loading (default true). */
  webgpuParityCheck?: { enabled?: boolean; tolerance?: number };
}

/** Where the model's files come from, for messages that say what to do about one of them. */
function modelWhere(source: ModelSource): ModelWhere {
  if (source.kind === 'hub') return 'hub';
  if (isOpenedModel(source.id)) return 'folder';
  return isNodeRuntime() && !/^https?:/i.test(env.localModelPath) ? 'disk' : 'app';
}

/** Tokenized text parts kept per engine (templates and inputs repeat across prompts). */
const TOKEN_CACHE_LIMIT = 4096;

interface EngineParts {
  info: EngineInfo;
  facts: ModelFacts;
  tokenizer: HfTokenizer;
  model: HfModel;
  runner: ModelRunner;
  tok: TokenizerFacts;
  errorContext: ErrorContext;
}

export class MaskedLMEngine {
  readonly info: EngineInfo;
  readonly facts: ModelFacts;

  private readonly tokenizer: HfTokenizer;
  private model: HfModel | null;
  private readonly runner: ModelRunner;
  private readonly tok: TokenizerFacts;
  private readonly errorContext: ErrorContext;
  private readonly tokenCache = new Lru<string, number[]>({ maxEntries: TOKEN_CACHE_LIMIT });
  private readonly rowCache = createMaskRowCache();
  /** This engine as the score path sees it (score-prompts.ts). */
  private readonly scoring: ScoringModel;
  /** Score requests in progress, and when the last one ended (background warm-up waits for idle). */
  private busy = 0;
  private lastActivity = 0;

  private constructor(parts: EngineParts) {
    this.info = parts.info;
    this.facts = parts.facts;
    this.tokenizer = parts.tokenizer;
    this.model = parts.model;
    this.runner = parts.runner;
    this.tok = parts.tok;
    this.errorContext = parts.errorContext;
    this.scoring = {
      facts: this.facts,
      rules: this.tok.rules,
      prefixIds: this.tok.prefixIds,
      suffixIds: this.tok.suffixIds,
      separatorId: this.tok.separatorId,
      padId: this.tok.padId,
      runner: this.runner,
      rowCache: this.rowCache,
      encode: (text) => this.encodeCached(text),
      tokenOf: (id) => this.tokenString(id),
      loaded: () => this.model !== null,
      errorContext: this.errorContext,
    };
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
      where: modelWhere(source),
    };
    // Files that are not what their server announced are neither used nor cached.
    installDownloadGuard();
    /** The model while this function owns it (disposed on failure). */
    let model: HfModel | null = null;
    try {
      checkSignal(signal, LOADING);
      if (source.kind === 'local' && !env.allowLocalModels) env.allowLocalModels = true;

      // 1. Device and dtype.
      const deviceChoice = options.device ?? 'auto';
      const dtypeChoice = options.dtype ?? 'auto';
      const planned = await resolveDeviceAndDtype(deviceChoice, dtypeChoice);
      ctx.modelFile = planned.modelFile;

      // 2. Config, tokenizer and model, through the graph rewrites (WASM when WebGPU fails).
      const parts = await loadComponents({
        source,
        plan: planned,
        deviceChoice,
        dtypeChoice,
        rewrites: { maskRows: options.maskRows !== false, rowQuant: options.rowQuant !== false },
        ctx,
        signal,
        onProgress,
        t0,
      });
      model = parts.model;
      const { plan, tokenizer, config, rewrites } = parts;
      checkSignal(signal, LOADING);

      // 3. What the tokenizer says.
      const mask = requireMaskToken(tokenizer);
      checkSignal(signal, LOADING);
      requireLogitsOutput(model);
      const tok = inspectTokenizer(tokenizer, config, mask);

      // 4. A runner verified by one warm-up run (the plain model if the rewritten one fails).
      onProgress?.({ file: '', loaded: 0, total: 0, status: 'warmup' });
      const verify = model;
      model = null;
      const verified = await buildVerifiedRunner({
        model: verify,
        rewrites,
        loadPlain: () => parts.loadModel(plan.device, plan.dtype, false),
        ids: [...tok.prefixIds, mask.maskTokenId, ...tok.suffixIds],
        maskAt: tok.prefixIds.length,
        maskTokenId: mask.maskTokenId,
        expectedVocab: typeof config.vocab_size === 'number' ? config.vocab_size : null,
        ctx,
        now,
      });
      model = verified.model;
      parts.phases.warmup = verified.warmupMs;
      let { runner } = verified;
      let device = plan.device;
      let note = plan.note;

      // 5. WebGPU against WASM, once.
      if (device === 'webgpu' && !isNodeRuntime() && options.webgpuParityCheck?.enabled !== false) {
        checkSignal(signal, LOADING);
        const compare = model;
        model = null;
        ({ model, runner, device, note } = await checkWebGpuParity({
          model: compare,
          runner,
          loadReference: () => parts.loadModel('wasm', plan.dtype),
          runnerFor: (m) => runnerFor(m, rewrites.ort),
          input: parityIds(tokenizer, tok.prefixIds, tok.suffixIds, mask.maskTokenId),
          tolerance: options.webgpuParityCheck?.tolerance,
          note,
        }));
      }
      while (tok.idToToken.length < verified.vocabSize) tok.idToToken.push('');

      // 6. Facts and info.
      const facts = modelFacts(mask, tok, verified.vocabSize);
      const info = engineInfo({
        source,
        device,
        dtype: plan.dtype,
        modelFile: plan.modelFile,
        threads: device === 'wasm' ? wasmThreads() : null,
        files: parts.files,
        loadMs: Math.round(now() - t0),
        deviceNote: note,
        maskRowsOnly: runner.maskRowsOnly,
        hiddenAtMask: runner.hiddenAtMask,
        headNote: rewrites.headNote,
        rowLocalOps: rewrites.rowLocalOps,
        loadPhases: parts.phases,
        rowQuant: rewrites.rowQuantOutcome(),
      });
      onProgress?.({ file: '', loaded: 0, total: 0, status: 'ready' });
      const engine = new MaskedLMEngine({
        info,
        facts,
        tokenizer,
        model,
        runner,
        tok,
        errorContext: { ...ctx, phase: 'score' },
      });
      model = null; // owned by the engine now
      if (!isNodeRuntime() && options.backgroundWarmup !== false) engine.startBackgroundWarmup();
      return engine;
    } catch (error) {
      if (model) await model.dispose().catch(() => undefined);
      if (signal?.aborted && !(error instanceof RuntimeError && error.code !== 'cancelled')) {
        throw cancelledError(LOADING);
      }
      throw toRuntimeError(explainFetchFailure(error), ctx);
    }
  }

  /** The model's separator token ([SEP], </s>) that a prompt's `separator` parts become; null when it has none. */
  get separatorId(): number | null {
    return this.tok.separatorId;
  }

  /** Vocabulary string of a token id ('' if unknown). */
  tokenString(id: number): string {
    return this.tok.idToToken[id] ?? '';
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
      return await scorePrompts(this.scoring, prompts, tokenIds, options);
    } finally {
      this.busy--;
      this.lastActivity = now();
    }
  }

  private startBackgroundWarmup(): void {
    const { prefixIds, suffixIds, padId } = this.tok;
    const inputs = warmupInputs(prefixIds, suffixIds, this.facts.unkTokenId ?? padId, this.facts.maskTokenId);
    this.lastActivity = now();
    warmInBackground(this.runner, inputs, {
      alive: () => this.model !== null,
      busy: () => this.busy,
      lastActivity: () => this.lastActivity,
    });
  }

  /** Releases the ONNX session. The engine cannot score afterwards. */
  async dispose(): Promise<void> {
    const model = this.model;
    this.model = null;
    // A forward pass still running on this model (e.g. live scoring while a new model loaded) ends first.
    await this.runner.idle();
    this.tokenCache.clear();
    this.rowCache.clear();
    if (model) await model.dispose().catch(() => undefined);
  }
}
