// Model loading and live scoring: turns the workspace into runtime requests and results.
// Every edit schedules a run; a newer run supersedes an older one (same runtime lane), and results
// are only written if they still belong to the newest edit. Scoring goes through the one scoring
// pipeline (core/pipeline.ts, PASSES.live): its cache holds runtime answers by (model, label-word
// ids, prompt), so changing aggregation or calibration is a pure re-score.
import { parseVerbalizer } from '../core/verbalizer.ts';
import { parseTemplate, promptLayout } from '../core/template.ts';
import { CACHE_LIMITS, PASSES, ScoringPipeline, type PassSettings } from '../core/pipeline.ts';
import type { BoundVerbalizer } from '../core/bound-verbalizer.ts';
import type { ModelRef } from '../core/setup.ts';
import { RuntimeClient } from '../runtime/client.ts';
import { createRuntimeWorker } from '../runtime/browser-worker.ts';
import { isCancellation, RuntimeError } from '../runtime/errors.ts';
import type { ModelSource } from '../runtime/protocol.ts';
import { clientModel } from '../runtime/pipeline-model.ts';
import { resolveModelSource } from './local-copy.ts';
import { latestRunner } from './latest-run.ts';
import {
  activeTemplate,
  useWorkspace,
  type FileProgress,
  type RowResult,
  type RuntimeFailure,
  type WorkspaceState,
} from './workspace.ts';

/** Typing pauses this long before the model runs. */
export const LIVE_DEBOUNCE_MS = 250;

let client: RuntimeClient | null = null;
/** The scoring pipeline of the loaded model (null while none is loaded); live and compare share it. */
let pipeline: ScoringPipeline | null = null;

/** The loaded model's scoring pipeline: its bindings and result cache (null while none is loaded). */
export function modelPipeline(): ScoringPipeline | null {
  return pipeline;
}

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
  pipeline = null;
  useWorkspace.setState({
    model: { ...s.model, status: 'idle', info: null, facts: null },
    binder: null,
    bound: null,
    pending: false,
  });
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
  pipeline = null;
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
    binder: null,
    bound: null,
    pending: false,
  });
  try {
    // A Hub id with a copy served by this app (npm run models:download) loads that copy.
    const { source, dtype } = await resolveModelSource(ref);
    if (generation !== loadGeneration) return;
    const { info, facts } = await runtime.load(source, { dtype, device: ref.device });
    if (generation !== loadGeneration) return;
    pipeline = new ScoringPipeline(clientModel(runtime, info, facts), { cacheLimit: CACHE_LIMITS.live });
    useWorkspace.setState((s) => ({
      model: { ...s.model, status: 'ready', info, facts, error: null },
      binder: pipeline!.binder,
    }));
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

const live = latestRunner(runLive);

/** Runs the live pipeline after `delayMs` (typing) or at once (option changes, Ctrl+Enter). */
export function scheduleLive(delayMs = LIVE_DEBOUNCE_MS): void {
  live.schedule(delayMs);
}

export function runLiveNow(): Promise<void> {
  return live.now();
}

/** The identity of a row's result with `templateText`: everything that changes its numbers. */
export function templateRowSignature(state: WorkspaceState, templateText: string, row: number): string {
  const { setup, model } = state;
  return JSON.stringify([
    model.info?.id,
    model.info?.dtype,
    templateText,
    // The text as typed, so a verbalizer with errors dims the last good chart.
    state.verbalizerText,
    setup.scoring,
    setup.inputs[row] ?? null,
  ]);
}

/** The identity of a live row's result (the active template). */
export function rowSignature(state: WorkspaceState, row: number): string {
  return templateRowSignature(state, activeTemplate(state.setup).text, row);
}

async function runLive(isCurrent: () => boolean): Promise<void> {
  const state = useWorkspace.getState();
  try {
    const rows = await scoreTemplateRows(state, activeTemplate(state.setup).text, {
      settings: PASSES.live,
      isCurrent,
      onBound: (bound) => useWorkspace.setState({ bound }),
      onModelRun: () => useWorkspace.setState({ pending: true }),
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
  /** The pass settings (PASSES.live or PASSES.compare): lane, request size, top-k. */
  settings: PassSettings;
  /** False once a newer run of the caller started: stop without writing anything. */
  isCurrent: () => boolean;
  /** The verbalizer bound to the model and this template (also while the template is invalid). */
  onBound?: (bound: BoundVerbalizer) => void;
  /** Called when the model has to run (not everything was cached). */
  onModelRun?: () => void;
  signature(row: number): string;
}

/**
 * Scores every example input of `state`'s setup with `templateText` through the model's scoring
 * pipeline: the verbalizer is bound to this model and template, prompts already answered come from
 * the pipeline's cache, the rest runs in the settings' lane. The live view uses it for the active
 * template; the template comparison (compare.ts) for a second one. Throws runtime errors
 * (cancellations included) to the caller.
 */
export async function scoreTemplateRows(
  state: WorkspaceState,
  templateText: string,
  options: TemplateRowsOptions,
): Promise<RowResult[] | 'not-ready' | 'invalid' | 'superseded'> {
  const { model, setup } = state;
  const current = pipeline;
  if (model.status !== 'ready' || !model.facts || !current) return 'not-ready';
  if (!sameRef(model.ref, setup.model)) return 'not-ready';
  const maskToken = model.facts.maskToken;

  const parsedTemplate = parseTemplate(templateText);
  const parsedVerbalizer = parseVerbalizer(state.verbalizerText);
  if (!parsedVerbalizer.ok) return 'invalid';
  const template = parsedTemplate.ok ? parsedTemplate.template : null;

  // 1. The verbalizer bound to this model and template (tokenized once per model and word form).
  const bound = await current.bind(template, parsedVerbalizer.verbalizer);
  if (!options.isCurrent()) return 'superseded';
  options.onBound?.(bound);
  if (!template) return 'invalid';

  // 2–4. Plan, de-duplicate, cache, run what is missing, re-score.
  const scored = await current.scoreInputs(
    [{ template, words: bound.words }],
    setup.inputs,
    setup.scoring,
    options.settings,
    { isCurrent: options.isCurrent, ...(options.onModelRun ? { onModelRun: options.onModelRun } : {}) },
  );
  if (!scored || !options.isCurrent()) return 'superseded';
  return scored.map(([r], row) => ({
    signature: options.signature(row),
    scores: r!.scores,
    layout: promptLayout(r!.prompt, maskToken),
    top: r!.main.masks[0]?.top ?? [],
    tokens: r!.main.tokens,
    maskPositions: r!.main.maskPositions,
    truncatedTokens: r!.main.truncatedTokens,
  }));
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
