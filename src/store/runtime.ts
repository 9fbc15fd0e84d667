// The model runtime as the app uses it: the one RuntimeClient (one model worker) and the loaded
// model — loading it with download progress, the scoring pipeline that live scoring, the template
// comparison and the evaluation share, the browser cache's status, and bringing the model back
// when the worker crashes or is restarted. The model's state is kept in the workspace store.
import { CACHE_LIMITS, ScoringPipeline } from '../core/pipeline.ts';
import type { ModelRef } from '../core/setup.ts';
import { createRuntimeWorker } from '../runtime/browser-worker.ts';
import { RuntimeClient } from '../runtime/client.ts';
import { isCancellation } from '../runtime/errors.ts';
import { clientModel } from '../runtime/pipeline-model.ts';
import type { LoadProgress } from '../runtime/protocol.ts';
import { toFailure } from './failure.ts';
import { latestSlot } from './latest-run.ts';
import { resolveModelSource } from './local-copy.ts';
import { useWorkspace, type FileProgress } from './workspace.ts';

let client: RuntimeClient | null = null;
/** The scoring pipeline of the loaded model (null while none is loaded). */
let pipeline: ScoringPipeline | null = null;
/** A newer load supersedes an older one. */
const loads = latestSlot();

/** A runtime client whose model runs in a browser Web Worker. */
export function browserRuntimeClient(): RuntimeClient {
  return new RuntimeClient(createRuntimeWorker);
}

/** The app's one runtime client (startStores installs it; else one for a browser worker is made on first use). */
export function getRuntime(): RuntimeClient {
  client ??= browserRuntimeClient();
  return client;
}

/** Installs the app's runtime client (null: none). A model loaded by the previous one is forgotten. */
export function setRuntimeClient(next: RuntimeClient | null): void {
  client = next;
  pipeline = null;
}

/** The loaded model's scoring pipeline: its bindings and result cache (null while none is loaded). */
export function modelPipeline(): ScoringPipeline | null {
  return pipeline;
}

/** Whether `a` and `b` name the same model the same way (id, source, dtype and device). */
export function sameModelRef(a: ModelRef | null, b: ModelRef | null): boolean {
  return !!a && !!b && a.id === b.id && a.source === b.source && a.dtype === b.dtype && a.device === b.device;
}

function recordProgress({ file, loaded, total, status }: LoadProgress): void {
  if (status === 'preparing' || status === 'warmup') {
    useWorkspace.setState((s) => ({ model: { ...s.model, phase: status } }));
    return;
  }
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

/**
 * Follows `runtime`'s events: download progress goes into the model's state, and a crashed worker
 * is reported and its model loaded again. Returns a function that stops following.
 */
export function followRuntimeEvents(runtime: RuntimeClient = getRuntime()): () => void {
  return runtime.onEvent((event) => {
    if (event.type === 'progress') recordProgress(event.progress);
    // The notice names what happened in the worker (e.g. its uncaught error), not the generic advice.
    if (event.type === 'crashed') onWorkerLost('crashed', event.error.detail || event.error.message);
  });
}

/** Loads the setup's model (or `ref`). A newer load supersedes an older one. */
export async function loadModel(ref: ModelRef = useWorkspace.getState().setup.model): Promise<void> {
  const ticket = loads.begin();
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
    if (!ticket.isCurrent()) return;
    const { info, facts } = await runtime.load(source, { dtype, device: ref.device });
    if (!ticket.isCurrent()) return;
    const loaded = new ScoringPipeline(clientModel(runtime, info, facts), { cacheLimit: CACHE_LIMITS.live });
    pipeline = loaded;
    // Live scoring and the comparison follow the model's becoming ready (live.ts, compare.ts).
    useWorkspace.setState((s) => ({
      model: { ...s.model, status: 'ready', info, facts, error: null },
      binder: loaded.binder,
    }));
    void refreshCacheStatus();
  } catch (error) {
    if (!ticket.isCurrent() || isCancellation(error)) return;
    useWorkspace.setState((s) => ({ model: { ...s.model, status: 'error', error: toFailure(error) } }));
  }
}

/** Asks the runtime whether the setup's model is in the browser cache (null when it can't tell). */
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
