// Load phase 2: config, tokenizer and model files through Transformers.js — the model (the big
// download and session creation) while the tokenizer is read, through the graph rewrites, and once
// more on WASM when 'auto' picked WebGPU and WebGPU fails.

import { AutoConfig, AutoModelForMaskedLM, AutoTokenizer, env } from '@huggingface/transformers';
import { RuntimeError, toRuntimeError, type ErrorContext } from '../errors.ts';
import type {
  DeviceChoice,
  DtypeChoice,
  LoadProgress,
  ModelSource,
  ResolvedDevice,
  ResolvedDtype,
} from '../protocol.ts';
import type { HfConfig, HfModel, HfTokenizer } from '../hf-shapes.ts';
import { checkSignal } from '../abort.ts';
import { now } from '../environment.ts';
import { fallsBackToWasm, wasmFallback, type DevicePlan } from './device.ts';
import { prepareGraphRewrites, type GraphRewrites, type RewriteWishes } from './graph-rewrites.ts';
import { trackProgress } from './progress.ts';
import { findTokenizerProblem } from './diagnose-files.ts';
import { explainFetchFailure } from '../download-guard.ts';

export const LOADING = 'Loading the model';

/** Errors about getting a file, not about what is in it. */
const BEFORE_PARSING: ReadonlySet<string> = new Set([
  'cancelled',
  'file-missing',
  'hub-unreachable',
  'download-incomplete',
  'out-of-memory',
]);

/** Rejects sources that are not a plain Hub id or folder name (no paths, no URLs). */
export function validateSource(source: ModelSource): void {
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

/** Throws 'not-masked-lm' when config.json names architectures and none fills in a mask. */
export function requireMaskedLmArchitecture(config: HfConfig): void {
  const architectures = Array.isArray(config.architectures) ? config.architectures : [];
  if (architectures.length > 0 && !architectures.some((a) => /MaskedLM|ForPreTraining|ForMaskFilling/i.test(a))) {
    throw new RuntimeError(
      'not-masked-lm',
      `This model is a ${architectures.join(', ')}, not a masked language model, so it cannot fill in [MASK]. ` +
        `Choose a model whose architecture ends in "ForMaskedLM" (e.g. BertForMaskedLM, RobertaForMaskedLM).`,
      `config.architectures = ${JSON.stringify(architectures)}`,
    );
  }
}

export interface ComponentRequest {
  source: ModelSource;
  plan: DevicePlan;
  deviceChoice: DeviceChoice;
  dtypeChoice: DtypeChoice;
  rewrites: RewriteWishes;
  /** Updated in place: the model file follows the device fallback. */
  ctx: ErrorContext;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** When the load started (for the phases' times). */
  t0: number;
}

export interface LoadedComponents {
  config: HfConfig;
  tokenizer: HfTokenizer;
  model: HfModel;
  /** The plan the model loaded with (WASM after a WebGPU fallback). */
  plan: DevicePlan;
  rewrites: GraphRewrites;
  /** Loads the same model again, on `device`, with or without the graph rewrites. */
  loadModel(device: ResolvedDevice, dtype: ResolvedDtype, rewritten?: boolean): Promise<HfModel>;
  /** Files that finished loading. */
  files: string[];
  /** Milliseconds of config, tokenizer and model loading. */
  phases: Record<string, number>;
}

export async function loadComponents(request: ComponentRequest): Promise<LoadedComponents> {
  const { source, ctx, signal, t0 } = request;
  const progress = trackProgress(request.onProgress);
  const common = { progress_callback: progress.callback, local_files_only: source.kind === 'local' };
  const phases: Record<string, number> = {};

  /** The error of a step that read `file`, naming that file (and a failed fetch as such, not as a 404). */
  const inFile =
    (file: string) =>
    (error: unknown): never => {
      throw toRuntimeError(explainFetchFailure(error), { ...ctx, file });
    };
  const loadTokenizer = async (): Promise<HfTokenizer> => {
    try {
      return await AutoTokenizer.from_pretrained(source.id, common);
    } catch (error) {
      throw await tokenizerError(error);
    }
  };
  /**
   * Transformers.js reads tokenizer.json and tokenizer_config.json together and does not say which
   * one failed (a JSON.parse error, or a TypeError from a file that is not a tokenizer): look.
   */
  const tokenizerError = async (error: unknown): Promise<RuntimeError> => {
    const quoted = /"([^"]*tokenizer[^"]*\.json)"/.exec(error instanceof Error ? error.message : '')?.[1];
    const mapped = toRuntimeError(explainFetchFailure(error), { ...ctx, file: quoted?.split('/').pop() });
    // A file that did not arrive, or a stop: nothing to look into.
    if (signal?.aborted || BEFORE_PARSING.has(mapped.code)) return mapped;
    const problem = await findTokenizerProblem(source);
    const folder = source.kind === 'hub' ? `"${source.id}"` : `${env.localModelPath.replace(/\/+$/, '')}/${source.id}/`;
    const about = { file: problem?.file, where: ctx.where };
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (problem?.kind === 'missing')
      return new RuntimeError(
        'file-missing',
        `The tokenizer of ${folder} needs ${problem.file}, which is missing. Add it (both tokenizer.json and tokenizer_config.json are required).`,
        detail,
        about,
      );
    if (problem?.kind === 'not-json') return toRuntimeError(problem.error, { ...ctx, file: problem.file });
    if (problem?.kind === 'not-a-tokenizer')
      return new RuntimeError(
        'corrupt-model',
        `${problem.file} of ${folder} is not a tokenizer: ${problem.why}. Replace it with the model's own ${problem.file}.`,
        detail,
        about,
      );
    return mapped;
  };
  const configPromise = (AutoConfig.from_pretrained(source.id, common) as Promise<unknown>).catch(
    inFile('config.json'),
  );
  // Hub: config and tokenizer in parallel. Local: config first, because when a local
  // tokenizer_config.json is missing Transformers.js asks the Hub whether it exists.
  const tokenizerPromise = source.kind === 'hub' ? loadTokenizer() : null;
  tokenizerPromise?.catch(() => undefined); // avoid an unhandled rejection while awaiting config
  const config = (await configPromise) as HfConfig;
  phases.config = Math.round(now() - t0);
  checkSignal(signal, LOADING);
  requireMaskedLmArchitecture(config);

  const rewrites = await prepareGraphRewrites(request.rewrites);
  const loadModel = async (device: ResolvedDevice, dtype: ResolvedDtype, rewritten = true): Promise<HfModel> => {
    const sessionOptions = rewritten ? rewrites.sessionOptions() : null;
    return await AutoModelForMaskedLM.from_pretrained(source.id, {
      ...common,
      config: config as never,
      dtype,
      device,
      ...(sessionOptions ? { session_options: sessionOptions } : {}),
    });
  };
  let plan = request.plan;
  const loadWithFallback = async (): Promise<HfModel> => {
    try {
      return await loadModel(plan.device, plan.dtype);
    } catch (error) {
      const mapped = toRuntimeError(explainFetchFailure(error), { ...ctx, file: plan.modelFile });
      if (!fallsBackToWasm(request.deviceChoice, plan, mapped.code)) throw mapped;
      plan = wasmFallback(request.dtypeChoice, mapped.message);
      ctx.modelFile = plan.modelFile;
      return await loadModel(plan.device, plan.dtype).catch(inFile(plan.modelFile));
    }
  };
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
  const model = await modelPromise;
  return { config, tokenizer, model, plan, rewrites, loadModel, files: progress.files, phases };
}
