// The second model of the side-by-side view ("compare with another model"): its own RuntimeClient
// (its own module Web Worker), its own scoring pipeline (its own bindings of the label words, its
// own mask token) and its own live results for the setup's inputs. It never touches the setup's
// model: a failure here stays here. `setup.compareModel` (saved, shared) names it; opening a setup
// that has one loads it when that needs no download, as the setup's model is (open-setup.ts), and
// unloading terminates its worker, so the memory is given back.
import { create } from 'zustand';
import type { BoundVerbalizer } from '../core/bound-verbalizer.ts';
import { CACHE_LIMITS, PASSES, ScoringPipeline } from '../core/pipeline.ts';
import { modelKey, type ModelRef, type PromptSetup } from '../core/setup.ts';
import type { ModelFacts } from '../core/types.ts';
import type { RuntimeClient } from '../runtime/client.ts';
import { isCancellation } from '../runtime/errors.ts';
import { clientModel } from '../runtime/pipeline-model.ts';
import type { EngineInfo, LoadPhase, LoadProgress } from '../runtime/protocol.ts';
import { toFailure, type RuntimeFailure } from './failure.ts';
import { latestRunner, latestSlot, type RunTicket } from './latest-run.ts';
import { LIVE_DEBOUNCE_MS } from './live.ts';
import { resolveModelSource } from './local-copy.ts';
import { checkModelFolder, type OpenFolderResult } from './local-folder.ts';
import { freeModelSource } from './open-setup.ts';
import { browserRuntimeClient, sameModelRef } from './runtime.ts';
import { scoreRowsOnPipeline } from './template-rows.ts';
import { activeTemplate, useWorkspace, type FileProgress, type RowResult, type WorkspaceState } from './workspace.ts';

export interface SideModelState {
  /** The second model (null: no comparison). */
  ref: ModelRef | null;
  /** waiting: it needs a download, the user's click loads it (as for the setup's model). */
  status: 'idle' | 'waiting' | 'loading' | 'ready' | 'error';
  info: EngineInfo | null;
  facts: ModelFacts | null;
  files: Record<string, FileProgress>;
  phase?: LoadPhase;
  error: RuntimeFailure | null;
  /** A switch to another second model that failed while this one kept comparing. */
  failedSwitch: { ref: ModelRef; error: RuntimeFailure } | null;
  rows: (RowResult | null)[];
  rowErrors: (RuntimeFailure | null)[];
  pending: boolean;
  /** The active template's label words as this model tokenizes them (its last live run). */
  bound: BoundVerbalizer | null;
}

function emptySide(): SideModelState {
  return {
    ref: null,
    status: 'idle',
    info: null,
    facts: null,
    files: {},
    error: null,
    failedSwitch: null,
    rows: [],
    rowErrors: [],
    pending: false,
    bound: null,
  };
}

export const useSideModel = create<SideModelState>(() => emptySide());

let createClient: () => RuntimeClient = browserRuntimeClient;
let client: RuntimeClient | null = null;
let pipeline: ScoringPipeline | null = null;
const loads = latestSlot();
const live = latestRunner(runSideLive);

/** The second model's scoring pipeline (null while none is loaded). */
export function sideModelPipeline(): ScoringPipeline | null {
  return pipeline;
}

/** Whether a worker for the second model exists now (unloading terminates it). */
export function sideRuntime(): RuntimeClient | null {
  return client;
}

function sideClient(): RuntimeClient {
  if (client) return client;
  const made = createClient();
  client = made;
  made.onEvent((event) => {
    if (client !== made) return;
    if (event.type === 'progress') recordProgress(event.progress);
    if (event.type === 'crashed') {
      pipeline = null;
      useSideModel.setState({ status: 'error', error: toFailure(event.error), pending: false });
    }
  });
  return made;
}

function recordProgress({ file, loaded, total, status }: LoadProgress): void {
  if (useSideModel.getState().status !== 'loading') return;
  if (status === 'preparing' || status === 'warmup') {
    useSideModel.setState({ phase: status });
    return;
  }
  if (!file) return;
  useSideModel.setState((s) => {
    const previous = s.files[file];
    const now = Date.now();
    const next: FileProgress = {
      file,
      loaded: Math.max(loaded, previous?.loaded ?? 0),
      total: total || previous?.total || 0,
      startedAt: previous?.startedAt ?? now,
      updatedAt: now,
      done: status === 'done' || previous?.done === true,
    };
    return { files: { ...s.files, [file]: next } };
  });
}

/** The setup naming `ref` as its second model (null: none); a grid's 'compare' axis keeps its model. */
function withCompareModel(setup: PromptSetup, ref: ModelRef | null): PromptSetup {
  if (sameModelRef(setup.compareModel, ref) || (setup.compareModel === null && ref === null)) return setup;
  const grid = setup.grid;
  const usesCompare = grid?.models.includes('compare') ?? false;
  if (!grid || !usesCompare || !setup.compareModel) return { ...setup, compareModel: ref };
  // The grid meant the model compared until now: it names that model itself from now on.
  const previous = setup.compareModel;
  const named = grid.models.map((m) => (m === 'compare' ? previous : m));
  // Each model once (the grid may have named that model itself already).
  const models = named.filter(
    (m, i) =>
      typeof m === 'string' || named.findIndex((n) => typeof n !== 'string' && modelKey(n) === modelKey(m)) === i,
  );
  return { ...setup, compareModel: ref, grid: { ...grid, models } };
}

function setCompareModel(ref: ModelRef | null): void {
  useWorkspace.setState((s) => {
    const setup = withCompareModel(s.setup, ref);
    return setup === s.setup ? {} : { setup };
  });
}

/**
 * Loads `ref` as the second model in its own worker. It becomes the setup's `compareModel` once
 * it has loaded. A second model that was comparing keeps doing so while `ref` loads, and stays
 * when `ref` fails (the failure is shown next to it). A newer load supersedes an older one.
 */
export async function loadSideModel(ref: ModelRef): Promise<void> {
  const ticket = loads.begin();
  const runtime = sideClient();
  const before = useSideModel.getState();
  const keepPrevious = before.status === 'ready' && pipeline !== null && !sameModelRef(before.ref, ref);
  const previous = keepPrevious ? { ...before } : null;
  const previousPipeline = pipeline;
  live.cancel();
  pipeline = null;
  useSideModel.setState({
    ...emptySide(),
    ref,
    status: 'loading',
  });
  try {
    const { source, dtype } = await resolveModelSource(ref);
    if (!ticket.isCurrent()) return;
    const { info, facts } = await runtime.load(source, { dtype, device: ref.device, keepPrevious });
    if (!ticket.isCurrent()) return;
    pipeline = new ScoringPipeline(clientModel(runtime, info, facts), { cacheLimit: CACHE_LIMITS.live });
    useSideModel.setState({ status: 'ready', info, facts, error: null });
    setCompareModel(ref);
    scheduleSideLive(0);
  } catch (error) {
    if (!ticket.isCurrent() || isCancellation(error)) return;
    const failure = toFailure(error);
    if (previous && previousPipeline) {
      // The runtime gave the worker the previous model again: it keeps comparing.
      pipeline = previousPipeline;
      useSideModel.setState({ ...previous, failedSwitch: { ref, error: failure } });
      scheduleSideLive(0);
      return;
    }
    useSideModel.setState({ status: 'error', error: failure });
  }
}

/** Registers a model folder from the user's computer with the second model's worker and loads it. */
export async function openSideFolder(picked: readonly { path: string; file: Blob }[]): Promise<OpenFolderResult> {
  const folder = checkModelFolder(picked);
  if (!folder.ok) return folder;
  await sideClient().registerFiles(folder.modelId, folder.files);
  await loadSideModel(folder.ref);
  return { ok: true, modelId: folder.modelId };
}

/**
 * Ends the comparison: the second model's worker is terminated (its memory is given back), its
 * results go, and the setup no longer names a second model.
 */
export function unloadSideModel(): void {
  loads.cancel();
  live.cancel();
  pipeline = null;
  const running = client;
  client = null;
  running?.dispose();
  useSideModel.setState(emptySide());
  setCompareModel(null);
}

/** "Keep only one model" after a failed switch: forgets the failure message. */
export function dismissSideFailure(): void {
  useSideModel.setState({ failedSwitch: null });
}

/** Makes the side model follow the setup's `compareModel` (a link, a restored or opened setup). */
function followSetup(): void {
  const wanted = useWorkspace.getState().setup.compareModel;
  const side = useSideModel.getState();
  if (!wanted) {
    if (side.ref) unloadSideModel(); // a load still running is no longer wanted either
    return;
  }
  if (sameModelRef(wanted, side.ref) && side.status !== 'idle') return;
  // The same rule as for the setup's model: at once when no download is needed, else on a click.
  void freeModelSource(wanted).then((free) => {
    if (!sameModelRef(useWorkspace.getState().setup.compareModel, wanted)) return;
    if (sameModelRef(useSideModel.getState().ref, wanted) && useSideModel.getState().status !== 'waiting') return;
    if (free) void loadSideModel(wanted);
    else useSideModel.setState({ ...emptySide(), ref: wanted, status: 'waiting' });
  });
}

/** The identity of a side row's result: the second model and everything that changes its numbers. */
export function sideRowSignature(state: WorkspaceState, info: EngineInfo | null, row: number): string {
  const { setup } = state;
  return JSON.stringify([
    info?.id,
    info?.dtype,
    activeTemplate(setup).text,
    state.verbalizerText,
    setup.scoring,
    setup.inputs[row] ?? null,
  ]);
}

function scheduleSideLive(delayMs: number): void {
  if (useSideModel.getState().status === 'ready') live.schedule(delayMs);
}

/** Scores the setup's inputs with the active template on the second model (the one scoring pipeline). */
export function runSideLiveNow(): Promise<void> {
  return live.now();
}

async function runSideLive({ isCurrent }: RunTicket): Promise<void> {
  const current = pipeline;
  const side = useSideModel.getState();
  if (!current || side.status !== 'ready' || !side.facts) return;
  const state = useWorkspace.getState();
  const stillCurrent = () => isCurrent() && pipeline === current;
  try {
    const rows = await scoreRowsOnPipeline(current, side.facts.maskToken, state, activeTemplate(state.setup).text, {
      settings: PASSES.live,
      isCurrent: stillCurrent,
      onBound: (bound) => useSideModel.setState({ bound }),
      onModelRun: () => useSideModel.setState({ pending: true }),
      signature: (row) => sideRowSignature(state, side.info, row),
    });
    if (rows === 'superseded') return;
    if (rows === 'invalid') useSideModel.setState({ pending: false });
    else useSideModel.setState({ rows, rowErrors: rows.map(() => null), pending: false });
  } catch (error) {
    if (isCancellation(error) || !stillCurrent()) return;
    const failure = toFailure(error);
    useSideModel.setState({ pending: false, rowErrors: state.setup.inputs.map(() => failure) });
  }
}

/**
 * Starts the second model's part of the stores: it follows `setup.compareModel` and re-scores on
 * every edit (after the typing pause). `makeClient` makes its runtime client (a browser worker).
 * Returns a function that stops following and terminates its worker.
 */
export function followSideModel(makeClient: () => RuntimeClient = browserRuntimeClient): () => void {
  createClient = makeClient;
  const stop = useWorkspace.subscribe((state, before) => {
    if (state.setup.compareModel !== before.setup.compareModel) followSetup();
    const a = state.setup;
    const b = before.setup;
    const textChanged =
      state.verbalizerText !== before.verbalizerText ||
      a.templates !== b.templates ||
      a.activeTemplateId !== b.activeTemplateId ||
      a.inputs !== b.inputs;
    if (!textChanged && a.scoring === b.scoring) return;
    const onlyScoring = !textChanged;
    scheduleSideLive(onlyScoring ? 0 : LIVE_DEBOUNCE_MS);
  });
  followSetup();
  return () => {
    stop();
    loads.cancel();
    live.cancel();
    pipeline = null;
    client?.dispose();
    client = null;
    useSideModel.setState(emptySide());
    createClient = browserRuntimeClient;
  };
}
