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
    // The progress belongs to the model requested, while one loads; else to the setup's model.
    const files = s.request?.status === 'loading' ? s.request.files : s.model.files;
    const now = Date.now();
    const previous: FileProgress | undefined = files[file];
    const next: FileProgress = {
      file,
      loaded: Math.max(loaded, previous?.loaded ?? 0),
      total: total || previous?.total || 0,
      startedAt: previous?.startedAt ?? now,
      updatedAt: now,
      done: status === 'done' || previous?.done === true,
    };
    if (s.request?.status === 'loading') return { request: { ...s.request, files: { ...files, [file]: next } } };
    return { model: { ...s.model, files: { ...files, [file]: next } } };
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

/** The runtime's load of the model requested (cancelled when the user keeps the current model). */
let requestLoadId: number | null = null;

function stopRequestLoad(): void {
  loads.begin();
  if (requestLoadId !== null) getRuntime().cancel(requestLoadId);
  requestLoadId = null;
}

/** Whether the setup's model is loaded and scoring. */
export function setupModelReady(state = useWorkspace.getState()): boolean {
  return state.model.status === 'ready' && sameModelRef(state.model.ref, state.setup.model);
}

/**
 * Asks for `ref` without loading it (a preset or link whose model needs a download): the setup's
 * model stays in use, and the model panel offers to load `ref` or to keep the current one.
 */
export function requestModel(ref: ModelRef): void {
  const { setup, request } = useWorkspace.getState();
  if (sameModelRef(ref, setup.model)) {
    if (request) useWorkspace.setState({ request: null });
    return;
  }
  if (request?.status === 'loading') stopRequestLoad(); // the load running is no longer wanted
  useWorkspace.setState({ request: { ref, status: 'waiting', files: {}, error: null } });
}

/** "Keep my current model": forgets the model asked for (a load still running is superseded). */
export function keepCurrentModel(): void {
  const { request } = useWorkspace.getState();
  if (!request) return;
  if (request.status === 'loading') {
    stopRequestLoad();
    // A load that keeps the previous model leaves it scoring; else bring the setup's model back.
    if (!setupModelReady()) void loadModel();
  }
  useWorkspace.setState({ request: null });
}

/**
 * Loads `ref` (default: the setup's model). Another model than the setup's is a request: the
 * setup's model stays in use — scoring, persisted, shared — until `ref` has loaded, and only then
 * does `ref` become the setup's model; when it fails, the setup's model stays and the request says
 * why. A newer load supersedes an older one.
 */
export async function loadModel(ref: ModelRef = useWorkspace.getState().setup.model): Promise<void> {
  const ticket = loads.begin();
  const runtime = getRuntime();
  const before = useWorkspace.getState();
  const switching = !sameModelRef(ref, before.setup.model);
  // The runtime keeps the setup's model answering while the requested one loads (and after a failure).
  const keepPrevious = switching && setupModelReady(before) && pipeline !== null;
  if (switching) {
    useWorkspace.setState((s) => ({
      request: { ref, status: 'loading', files: {}, error: null },
      // A load of the setup's model that this one supersedes is not running any more.
      ...(s.model.status === 'loading' ? { model: { ...s.model, status: 'idle' as const } } : {}),
    }));
  } else {
    pipeline = null;
    useWorkspace.setState((s) => ({
      model: { ref, status: 'loading', info: null, facts: null, files: {}, error: null, cached: s.model.cached },
      // A request still loading is superseded; one waiting for a click or failed stays on screen.
      request: s.request?.status === 'loading' ? null : s.request,
      binder: null,
      bound: null,
      pending: false,
    }));
  }
  try {
    // A Hub id with a copy served by this app (npm run models:download) loads that copy.
    const { source, dtype } = await resolveModelSource(ref);
    if (!ticket.isCurrent()) return;
    const loading = runtime.load(source, { dtype, device: ref.device, keepPrevious });
    if (switching) requestLoadId = loading.requestId;
    const { info, facts } = await loading;
    if (requestLoadId === loading.requestId) requestLoadId = null;
    if (!ticket.isCurrent()) return;
    const loaded = new ScoringPipeline(clientModel(runtime, info, facts), { cacheLimit: CACHE_LIMITS.live });
    pipeline = loaded;
    // Only a model that loaded becomes the setup's model. Live scoring and the comparison follow
    // the model's info (live.ts, compare.ts).
    useWorkspace.setState((s) => ({
      setup: switching ? { ...s.setup, model: ref } : s.setup,
      model: {
        ref,
        status: 'ready',
        info,
        facts,
        files: switching ? (s.request?.files ?? {}) : s.model.files,
        error: null,
        cached: s.model.cached,
      },
      request: null,
      binder: loaded.binder,
      bound: null,
    }));
    void refreshCacheStatus();
  } catch (error) {
    if (!ticket.isCurrent() || isCancellation(error)) return;
    const failure = toFailure(error);
    if (!switching) {
      useWorkspace.setState((s) => ({ model: { ...s.model, status: 'error', error: failure } }));
      return;
    }
    useWorkspace.setState((s) => ({
      request: { ref, status: 'failed', files: s.request?.files ?? {}, error: failure },
    }));
    // keepPrevious: the setup's model is still scoring (the client gave a replaced worker that model
    // again). Otherwise a load of the setup's model that this request superseded starts again.
    if (!keepPrevious && before.model.status === 'loading') void loadModel();
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
