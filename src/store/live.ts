// Model loading and live scoring: turns the workspace into runtime requests and results.
// Every edit schedules a run; a newer run supersedes an older one (same runtime lane), and results
// are only written if they still belong to the newest edit. Runtime answers are cached by
// (model, label-word ids, prompt), so changing aggregation or calibration is a pure re-score.
import { labelWordTexts, parseVerbalizer, resolveFromTokenizations } from '../core/verbalizer.ts';
import { maskPrecededBySpace, parseTemplate, promptLayout } from '../core/template.ts';
import { planScoring, scoreFromCache, type ScoringPlan } from '../core/scoring.ts';
import type { ModelRef } from '../core/setup.ts';
import type { PromptScores, WordTokenization } from '../core/types.ts';
import { RuntimeClient } from '../runtime/client.ts';
import { createRuntimeWorker } from '../runtime/browser-worker.ts';
import { isCancellation, RuntimeError } from '../runtime/errors.ts';
import type { ModelSource } from '../runtime/protocol.ts';
import { resolveModelSource } from './local-copy.ts';
import {
  activeTemplate,
  useWorkspace,
  type FileProgress,
  type RowResult,
  type RuntimeFailure,
  type WorkspaceState,
} from './workspace.ts';

const LIVE_LANE = 'live';
const TOP_K = 10;
/** Typing pauses this long before the model runs. */
export const LIVE_DEBOUNCE_MS = 250;
const CACHE_LIMIT = 2_000;

let client: RuntimeClient | null = null;

/** The app's one runtime client (one worker). Tests may install another with setRuntimeClient. */
export function getRuntime(): RuntimeClient {
  if (!client) {
    client = new RuntimeClient(createRuntimeWorker);
    client.onEvent((event) => {
      if (event.type === 'progress')
        onProgress(event.progress.file, event.progress.loaded, event.progress.total, event.progress.status);
      // The notice names what happened in the worker (e.g. its uncaught error), not the generic advice.
      if (event.type === 'crashed') onWorkerLost('crashed', event.error.detail || event.error.message);
    });
  }
  return client;
}

export function setRuntimeClient(next: RuntimeClient): void {
  client = next;
}

function toFailure(error: unknown): RuntimeFailure {
  if (error instanceof RuntimeError)
    return { code: error.code, message: error.message, ...(error.detail ? { detail: error.detail } : {}) };
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}

export function modelSource(ref: ModelRef): ModelSource {
  return { kind: ref.source, id: ref.id };
}

function sameRef(a: ModelRef | null, b: ModelRef | null): boolean {
  return !!a && !!b && a.id === b.id && a.source === b.source && a.dtype === b.dtype && a.device === b.device;
}

// ---------------------------------------------------------------------------------------------
// Model loading

let loadGeneration = 0;

function onProgress(file: string, loaded: number, total: number, status: string): void {
  if (!file) return;
  useWorkspace.setState((s) => {
    const now = Date.now();
    const previous: FileProgress | undefined = s.model.files[file];
    const next: FileProgress = {
      file,
      loaded: Math.max(loaded, previous?.loaded ?? 0),
      total: total || previous?.total || 0,
      startedAt: previous?.startedAt ?? now,
      updatedAt: now,
      done: status === 'done' || previous?.done === true,
    };
    return { model: { ...s.model, files: { ...s.model.files, [file]: next } } };
  });
}

function onWorkerLost(kind: 'crashed' | 'restarted', message: string): void {
  const s = useWorkspace.getState();
  useWorkspace.setState({ model: { ...s.model, status: 'idle', info: null, facts: null }, pending: false });
  s.pushNotice({
    kind: 'error',
    key: kind === 'crashed' ? 'notice.workerCrashed' : 'notice.workerRestarted',
    params: { message },
  });
  // The workspace and the finished results are untouched; bring the model back.
  if (s.model.ref) void loadModel(s.model.ref);
}

/** Loads the setup's model (or `ref`). A newer load supersedes an older one. */
export async function loadModel(ref: ModelRef = useWorkspace.getState().setup.model): Promise<void> {
  const generation = ++loadGeneration;
  const runtime = getRuntime();
  resultCache.clear();
  useWorkspace.setState({
    model: {
      ref,
      status: 'loading',
      info: null,
      facts: null,
      files: {},
      error: null,
      cached: useWorkspace.getState().model.cached,
    },
    wordTokens: {},
    pending: false,
  });
  try {
    // A Hub id with a copy served by this app (npm run models:download) loads that copy.
    const { source, dtype } = await resolveModelSource(ref);
    if (generation !== loadGeneration) return;
    const { info, facts } = await runtime.load(source, { dtype, device: ref.device });
    if (generation !== loadGeneration) return;
    useWorkspace.setState((s) => ({ model: { ...s.model, status: 'ready', info, facts, error: null } }));
    void refreshCacheStatus();
    scheduleLive(0);
  } catch (error) {
    if (generation !== loadGeneration || isCancellation(error)) return;
    useWorkspace.setState((s) => ({ model: { ...s.model, status: 'error', error: toFailure(error) } }));
  }
}

export async function refreshCacheStatus(): Promise<void> {
  const ref = useWorkspace.getState().setup.model;
  try {
    const status = await getRuntime().cacheStatus(ref.id);
    if (useWorkspace.getState().setup.model.id !== ref.id) return;
    useWorkspace.setState((s) => ({ model: { ...s.model, cached: status.available ? status.cached : null } }));
  } catch {
    useWorkspace.setState((s) => ({ model: { ...s.model, cached: null } }));
  }
}

export async function clearModelCache(modelId?: string): Promise<number> {
  const { deleted } = await getRuntime().clearCache(modelId);
  await refreshCacheStatus();
  return deleted;
}

/** Terminates and recreates the worker (e.g. after a hang); the model is reloaded. */
export function restartRuntime(): void {
  getRuntime().restart();
  onWorkerLost('restarted', '');
}

// ---------------------------------------------------------------------------------------------
// Live scoring

const resultCache = new Map<string, PromptScores>();

function cacheKey(modelKey: string, tokenIds: readonly number[], promptKey: string): string {
  return `${modelKey}\u0001${tokenIds.join(',')}\u0001${promptKey}`;
}

function remember(key: string, value: PromptScores): void {
  resultCache.delete(key);
  resultCache.set(key, value);
  if (resultCache.size > CACHE_LIMIT) resultCache.delete(resultCache.keys().next().value as string);
}

let liveGeneration = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Runs the live pipeline after `delayMs` (typing) or at once (option changes, Ctrl+Enter). */
export function scheduleLive(delayMs = LIVE_DEBOUNCE_MS): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    void runLive();
  }, delayMs);
}

export function runLiveNow(): Promise<void> {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  return runLive();
}

/** The identity of a row's result: everything that changes its numbers. */
export function rowSignature(state: ReturnType<typeof useWorkspace.getState>, row: number): string {
  const { setup, model } = state;
  return JSON.stringify([
    model.info?.id,
    model.info?.dtype,
    activeTemplate(setup).text,
    // The text as typed, so a verbalizer with errors dims the last good chart.
    state.verbalizerText,
    setup.scoring,
    setup.inputs[row] ?? null,
  ]);
}

async function runLive(): Promise<void> {
  const generation = ++liveGeneration;
  const isCurrent = () => generation === liveGeneration;
  const state = useWorkspace.getState();
  try {
    const rows = await scoreTemplateRows(state, activeTemplate(state.setup).text, {
      lane: LIVE_LANE,
      isCurrent,
      onModelRun: () => useWorkspace.setState({ pending: true }),
      previous: () => useWorkspace.getState().rows,
      signature: (row) => rowSignature(state, row),
    });
    if (rows === 'not-ready' || rows === 'superseded') return;
    // Invalid template or verbalizer: the last good results stay on screen, dimmed (their signature no longer matches).
    if (rows === 'invalid') useWorkspace.setState({ pending: false });
    else useWorkspace.setState({ rows, rowErrors: rows.map(() => null), pending: false });
  } catch (error) {
    if (isCancellation(error) || !isCurrent()) return;
    const failure = toFailure(error);
    useWorkspace.setState((s) => ({ pending: false, rowErrors: s.setup.inputs.map(() => failure) }));
  }
}

export interface TemplateRowsOptions {
  /** Runtime lane: a newer request in the same lane supersedes an older one ('live', 'compare'). */
  lane: string;
  /** False once a newer run of the caller started: stop without writing anything. */
  isCurrent(): boolean;
  /** Called when the model has to run (not everything was cached). */
  onModelRun?(): void;
  /** Results shown now, kept for rows that cannot be scored from the cache. */
  previous(): readonly (RowResult | null)[];
  signature(row: number): string;
}

/**
 * Scores every example input of `state`'s setup with `templateText`: label words are tokenized
 * for this model, prompts already answered come from the shared cache, the rest runs in `options.lane`.
 * The live view uses it for the active template; the template comparison (compare.ts) for a second one.
 * Throws runtime errors (cancellations included) to the caller.
 */
export async function scoreTemplateRows(
  state: WorkspaceState,
  templateText: string,
  options: TemplateRowsOptions,
): Promise<(RowResult | null)[] | 'not-ready' | 'invalid' | 'superseded'> {
  const { model, setup } = state;
  if (model.status !== 'ready' || !model.facts || !model.info) return 'not-ready';
  if (!sameRef(model.ref, setup.model)) return 'not-ready';
  const facts = model.facts;
  const info = model.info;

  const parsedTemplate = parseTemplate(templateText);
  const parsedVerbalizer = parseVerbalizer(state.verbalizerText);
  if (!parsedTemplate.ok || !parsedVerbalizer.ok) return 'invalid';
  const template = parsedTemplate.template;
  const verbalizer = parsedVerbalizer.verbalizer;
  const runtime = getRuntime();

  // 1. Label words as this model's tokenizer sees them (cached per model).
  const formOptions = { tokenizerKind: facts.tokenizerKind, precededBySpace: maskPrecededBySpace(template) };
  const texts = labelWordTexts(verbalizer, formOptions);
  const known = useWorkspace.getState().wordTokens;
  const missing = [...new Set(texts.filter((t) => !(t in known)))];
  if (missing.length > 0) {
    const tokenized = await runtime.tokenizeWords(missing);
    if (!options.isCurrent()) return 'superseded';
    const added: Record<string, WordTokenization> = {};
    missing.forEach((t, i) => (added[t] = tokenized[i]!));
    useWorkspace.setState((s) => ({ wordTokens: { ...s.wordTokens, ...added } }));
  }
  const tokens = useWorkspace.getState().wordTokens;
  const resolution = resolveFromTokenizations(
    verbalizer,
    texts.map((t) => tokens[t]!),
  );

  // 2. One plan per example input; prompts shared between rows (e.g. calibration's) run once.
  const modelKey = `${info.id}|${info.dtype}|${info.device}`;
  const plans: ScoringPlan[] = setup.inputs.map((inputs) =>
    planScoring(template, inputs, resolution.words, setup.scoring, { maskToken: facts.maskToken, complete: true }),
  );
  const lookup = (plan: ScoringPlan) => (key: string) => resultCache.get(cacheKey(modelKey, plan.tokenIds, key));
  const toRun = new Map<string, { plan: ScoringPlan; index: number }>();
  for (const plan of plans) {
    const attempt = scoreFromCache(plan, lookup(plan), setup.scoring);
    if (!attempt.ok) {
      for (const index of attempt.missing) toRun.set(plan.keys[index]!, { plan, index });
    }
  }

  // 3. Run the model only for prompts it has not answered yet.
  if (toRun.size > 0) {
    options.onModelRun?.();
    const jobs = [...toRun.values()];
    const tokenIds = jobs[0]!.plan.tokenIds;
    const results = await runtime.score(
      jobs.map((job) => job.plan.prompts[job.index]!),
      tokenIds,
      // cacheRows: a label-word edit is then answered from the worker's mask-row cache, no forward pass.
      { topK: TOP_K, lane: options.lane, cacheRows: true },
    );
    jobs.forEach((job, i) => remember(cacheKey(modelKey, tokenIds, job.plan.keys[job.index]!), results[i]!));
    if (!options.isCurrent()) return 'superseded';
  }

  // 4. Pure re-scoring from the cache.
  const previous = options.previous();
  return plans.map((plan, row) => {
    const attempt = scoreFromCache(plan, lookup(plan), setup.scoring);
    if (!attempt.ok) return previous[row] ?? null;
    const mainIndex = plan.inputPrompt[1]!;
    const main = resultCache.get(cacheKey(modelKey, plan.tokenIds, plan.keys[mainIndex]!))!;
    return {
      signature: options.signature(row),
      scores: attempt.scores,
      layout: promptLayout(plan.prompts[mainIndex]!, facts.maskToken),
      top: main.masks[0]?.top ?? [],
      tokens: main.tokens,
      maskPositions: main.maskPositions,
      truncatedTokens: main.truncatedTokens,
    };
  });
}

// Re-run whenever something that changes the numbers changes. Option toggles re-score at once.
let previous = useWorkspace.getState();
useWorkspace.subscribe((state) => {
  const before = previous;
  previous = state;
  if (state.setup === before.setup && state.verbalizerText === before.verbalizerText) return;
  if (state.setup.model !== before.setup.model) return; // a model change waits for the user's Load
  const onlyScoring =
    state.setup.scoring !== before.setup.scoring &&
    state.setup.templates === before.setup.templates &&
    state.setup.inputs === before.setup.inputs &&
    state.verbalizerText === before.verbalizerText;
  scheduleLive(onlyScoring ? 0 : LIVE_DEBOUNCE_MS);
});

// ---------------------------------------------------------------------------------------------
// Models opened from the user's computer

/** Model ids of folders opened from the user's computer (kept in the worker's memory only). */
export const OPENED_FOLDER_OWNER = 'my-files';

export type OpenFolderResult = { ok: true; modelId: string } | { ok: false; missing: string[] };

/** Files as picked or dropped: paths may start with the folder's own name ("bert/onnx/model.onnx"). */
export function modelFolderFiles(files: readonly { path: string; file: Blob }[]): {
  name: string;
  files: { path: string; file: Blob }[];
} {
  const paths = files.map((f) => f.path.replace(/\\/g, '/').replace(/^\/+/, ''));
  const firstParts = new Set(paths.map((p) => (p.includes('/') ? p.split('/')[0] : '')));
  const sharedRoot = firstParts.size === 1 && !firstParts.has('') ? [...firstParts][0]! : '';
  const name = sharedRoot || 'model';
  const out = files.map((f, i) => {
    let path = paths[i]!;
    if (sharedRoot) path = path.slice(sharedRoot.length + 1);
    // ONNX files dropped next to config.json belong in onnx/, where Transformers.js looks.
    if (path.endsWith('.onnx') && !path.includes('/')) path = `onnx/${path}`;
    return { path, file: f.file };
  });
  return { name, files: out };
}

/** Registers a model folder from the user's computer with the worker and loads it. */
export async function openLocalFolder(picked: readonly { path: string; file: Blob }[]): Promise<OpenFolderResult> {
  const { name, files } = modelFolderFiles(picked);
  const has = (path: string) => files.some((f) => f.path === path);
  const missing = ['config.json', 'tokenizer.json', 'tokenizer_config.json'].filter((p) => !has(p));
  const quantized = has('onnx/model_quantized.onnx');
  if (!quantized && !has('onnx/model.onnx')) missing.push('onnx/model.onnx or onnx/model_quantized.onnx');
  if (missing.length > 0) return { ok: false, missing };
  const safeName =
    name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
      .replace(/--+/g, '-')
      .slice(0, 60) || 'model';
  const modelId = `${OPENED_FOLDER_OWNER}/${safeName}`;
  await getRuntime().registerFiles(modelId, files);
  const ref: ModelRef = { id: modelId, source: 'local', dtype: quantized ? 'auto' : 'fp32', device: 'auto' };
  useWorkspace.getState().setModelRef(ref);
  await loadModel(ref);
  return { ok: true, modelId };
}
