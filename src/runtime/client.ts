// RuntimeClient: a promise API over the runtime worker. Free of React and of Transformers.js
// (safe on the main thread). The worker is created lazily, on the first call, by the factory.

import type { PromptScores, RenderedPrompt, WordTokenization } from '../core/types.ts';
import type { LabelWordStatsArgs, LabelWordStatsResult } from '../core/label-search.ts';
import { RuntimeError } from './errors.ts';
import { LANE_DEFAULTS } from './protocol.ts';
import type {
  CacheStatus,
  LanedOp,
  DeviceChoice,
  DtypeChoice,
  LoadProgress,
  LoadResult,
  ModelSource,
  RuntimeOp,
  RuntimeOps,
  ScoreResult,
  WorkerFactory,
  WorkerLike,
  WorkerRequest,
  WorkerResponse,
} from './protocol.ts';

export type ClientEvent =
  | { type: 'progress'; requestId: number; progress: LoadProgress }
  /** The worker died (uncaught error / out of memory); pending requests were rejected; reload the model. */
  | { type: 'crashed'; error: RuntimeError }
  /** restart() was called; pending requests were rejected; reload the model. */
  | { type: 'restarted' };

/** A promise that also carries its request id (for cancel()). */
export type RequestPromise<T> = Promise<T> & { requestId: number };

export interface ClientScoreOptions {
  topK: number;
  /** Requests in the same lane supersede each other (default 'default'). */
  lane?: string;
  batchSize?: number;
  /**
   * Keep these prompts' full mask-row logits in the worker (a small LRU), so that a later request
   * for the same prompts with other label words runs no forward pass. For live editing.
   */
  cacheRows?: boolean;
  /**
   * Return the hidden vector at each mask (`MaskScores.hidden`) where the model has it
   * (`info.hiddenAtMask`). The worker transfers their buffers (no copy).
   */
  hidden?: boolean;
  /** Aborting it cancels the request. */
  signal?: AbortSignal;
}

interface Pending {
  op: RuntimeOp;
  /** What was posted (posted again to a fresh worker that replaces one after a failed load). */
  message: WorkerRequest;
  lane?: string;
  resolve: (value: never) => void;
  reject: (error: RuntimeError) => void;
  cleanup?: () => void;
}

type RequestArgs<K extends RuntimeOp> = RuntimeOps[K]['args'];

/** Load failures after which the worker is kept: nothing was loaded (replaceWorker). */
const KEEPS_WORKER: ReadonlySet<string> = new Set(['cancelled', 'superseded', 'invalid-input', 'worker-restarted']);

export class RuntimeClient {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly lanes = new Map<string, number>();
  private readonly listeners = new Set<(event: ClientEvent) => void>();
  private disposed = false;
  /** Folders opened from the user's computer (File references), given again to every new worker. */
  private readonly folders = new Map<string, { path: string; file: Blob }[]>();
  /** The load of the model the worker holds (null: none, or it is being replaced), for a new worker. */
  private held: Extract<WorkerRequest, { op: 'load' }> | null = null;
  /** keepPrevious loads cancelled here: one the worker finished anyway must not replace the held model. */
  private readonly cancelledKeepLoads = new Set<number>();

  constructor(private readonly createWorker: WorkerFactory) {}

  /** Loads a model (replacing the current one). Progress arrives through onProgress/onEvent. */
  load(
    source: ModelSource,
    options: { dtype?: DtypeChoice; device?: DeviceChoice; rowQuant?: boolean; keepPrevious?: boolean } = {},
  ): RequestPromise<LoadResult> {
    const args = {
      source,
      dtype: options.dtype,
      device: options.device,
      ...(options.rowQuant === false ? { rowQuant: false } : {}),
    };
    // keepPrevious: the model loaded now keeps answering until this one has loaded, and after a
    // failure too — the worker is replaced then (replaceWorker), and the new one loads it again.
    if (!options.keepPrevious) this.held = null;
    const promise = this.request('load', options.keepPrevious ? { ...args, keepPrevious: true } : args);
    promise.then(
      () => {
        this.held = { op: 'load', requestId: 0, ...args };
      },
      () => undefined,
    );
    return promise;
  }

  /** Tokenizes label words exactly as given (no special tokens); one result per text. */
  tokenizeWords(texts: string[]): RequestPromise<WordTokenization[]> {
    return this.request('tokenizeWords', { texts });
  }

  /** Scores prompts; a newer call in the same lane rejects this one with code 'superseded'. */
  score(prompts: RenderedPrompt[], tokenIds: number[], options: ClientScoreOptions): RequestPromise<PromptScores[]> {
    const inner = this.scoreDetailed(prompts, tokenIds, options);
    const outer = inner.then((r) => r.scores) as RequestPromise<PromptScores[]>;
    outer.requestId = inner.requestId;
    return outer;
  }

  /** Like score(), with timing statistics. */
  scoreDetailed(
    prompts: RenderedPrompt[],
    tokenIds: number[],
    options: ClientScoreOptions,
  ): RequestPromise<ScoreResult> {
    return this.requestInLane(
      'score',
      {
        prompts,
        tokenIds,
        topK: options.topK,
        batchSize: options.batchSize,
        ...(options.cacheRows ? { cacheRows: true } : {}),
        ...(options.hidden ? { hidden: true } : {}),
      },
      options,
    );
  }

  /** Cancels a request: its promise rejects with code 'cancelled'. Returns false if it had already settled. */
  cancel(requestId: number): boolean {
    const entry = this.pending.get(requestId);
    if (entry?.op === 'load' && 'keepPrevious' in entry.message && entry.message.keepPrevious)
      this.cancelledKeepLoads.add(requestId);
    const had = this.settleError(requestId, new RuntimeError('cancelled', 'The request was cancelled.'));
    if (had && this.worker) this.post({ op: 'cancel', requestId: this.nextId++, targetId: requestId });
    return had;
  }

  /**
   * Ranks vocabulary tokens as label words from statistics over the whole vocabulary, gathered in
   * the worker (vocab-stats.ts). A newer call in the same lane supersedes this one.
   */
  labelWordStats(
    args: LabelWordStatsArgs,
    options: { lane?: string; signal?: AbortSignal } = {},
  ): RequestPromise<LabelWordStatsResult> {
    return this.requestInLane('labelWordStats', args, options);
  }

  /** Cancels the unfinished request of a lane, if any. */
  cancelLane(lane: string): boolean {
    const id = this.lanes.get(lane);
    return id === undefined ? false : this.cancel(id);
  }

  /** Which of the model's files are in the browser cache (Cache API 'transformers-cache'). */
  cacheStatus(modelId: string): RequestPromise<CacheStatus> {
    return this.request('cacheStatus', { modelId });
  }

  /** Removes the model's cached files, or all cached files when no id is given. */
  clearCache(modelId?: string): RequestPromise<{ deleted: number }> {
    return this.request('clearCache', { modelId });
  }

  /**
   * Makes files from the user's computer loadable as the local model `modelId`. The worker reads
   * them when the model loads; nothing is uploaded or written to the browser's storage. The client
   * keeps the references (not copies) and gives them to a new worker after a restart or a crash.
   */
  registerFiles(
    modelId: string,
    files: { path: string; file: Blob }[],
  ): RequestPromise<{ files: number; bytes: number }> {
    const promise = this.request('registerFiles', { modelId, files });
    this.folders.set(modelId, files);
    return promise;
  }

  /** Listens to loading progress. Returns an unsubscribe function. */
  onProgress(listener: (progress: LoadProgress, requestId: number) => void): () => void {
    return this.onEvent((event) => {
      if (event.type === 'progress') listener(event.progress, event.requestId);
    });
  }

  /** Listens to progress, crash and restart events. Returns an unsubscribe function. */
  onEvent(listener: (event: ClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of requests still waiting for an answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** True while a worker exists (it is created lazily by the first request). */
  get started(): boolean {
    return this.worker !== null;
  }

  /**
   * Terminates the worker and rejects everything pending with 'worker-restarted'. The next call
   * creates a fresh worker; the caller must load the model again.
   */
  restart(): void {
    this.teardown(new RuntimeError('worker-restarted', 'The model runtime was restarted; load the model again.'));
    this.emit({ type: 'restarted' });
  }

  /** Terminates the worker for good. */
  dispose(): void {
    this.disposed = true;
    this.teardown(new RuntimeError('worker-restarted', 'The model runtime was shut down.'));
    this.listeners.clear();
  }

  // ---- internals ----

  /**
   * A request of a laned op (protocol.ts LANE_DEFAULTS): the lane's unfinished request is settled
   * as superseded now (the worker skips its remaining work), and this one takes the lane.
   */
  private requestInLane<K extends LanedOp>(
    op: K,
    args: Omit<RequestArgs<K>, 'lane'>,
    options: { lane?: string; signal?: AbortSignal },
  ): RequestPromise<RuntimeOps[K]['result']> {
    const lane = options.lane ?? LANE_DEFAULTS[op];
    const previous = this.lanes.get(lane);
    if (previous !== undefined)
      this.settleError(previous, new RuntimeError('superseded', 'A newer request replaced this one.'));
    const promise = this.request(op, { ...args, lane } as RequestArgs<K>, { lane, signal: options.signal });
    this.lanes.set(lane, promise.requestId);
    return promise;
  }

  private request<K extends RuntimeOp>(
    op: K,
    args: RequestArgs<K>,
    extra: { lane?: string; signal?: AbortSignal } = {},
  ): RequestPromise<RuntimeOps[K]['result']> {
    const requestId = this.nextId++;
    let resolveFn!: (v: RuntimeOps[K]['result']) => void;
    let rejectFn!: (e: RuntimeError) => void;
    const promise = new Promise<RuntimeOps[K]['result']>((resolve, reject) => {
      resolveFn = resolve;
      rejectFn = reject;
    }) as RequestPromise<RuntimeOps[K]['result']>;
    promise.requestId = requestId;

    if (this.disposed) {
      rejectFn(new RuntimeError('worker-restarted', 'The model runtime was shut down.'));
      return promise;
    }
    const { signal, lane } = extra;
    if (signal?.aborted) {
      rejectFn(new RuntimeError('cancelled', 'The request was cancelled.'));
      return promise;
    }
    const message = { op, requestId, ...args } as WorkerRequest;
    const entry: Pending = {
      op,
      message,
      lane,
      resolve: resolveFn,
      reject: rejectFn,
    };
    if (signal) {
      const onAbort = (): void => void this.cancel(requestId);
      signal.addEventListener('abort', onAbort, { once: true });
      entry.cleanup = () => signal.removeEventListener('abort', onAbort);
    }
    this.pending.set(requestId, entry);
    try {
      this.post(message);
    } catch (error) {
      this.settleError(
        requestId,
        error instanceof RuntimeError
          ? error
          : new RuntimeError(
              'worker-crashed',
              `Could not start the model runtime: ${error instanceof Error ? error.message : String(error)}`,
            ),
      );
    }
    return promise;
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.onmessage = (event) => {
      if (this.worker === worker) this.handleMessage(event.data);
    };
    worker.onerror = (event) => {
      if (this.worker !== worker) return;
      const inner = event?.error instanceof Error ? event.error.message : undefined;
      const text = event?.message || inner || 'unknown error';
      const oom = /memory|allocation/i.test(text);
      const error = new RuntimeError(
        oom ? 'out-of-memory' : 'worker-crashed',
        oom
          ? 'The model runtime ran out of memory and stopped. Try a smaller or quantized model, then load it again.'
          : 'The model runtime crashed. Load the model again; if it keeps happening, reload the page.',
        text,
      );
      (event as { preventDefault?: () => void }).preventDefault?.();
      this.teardown(error);
      this.emit({ type: 'crashed', error });
    };
    worker.onmessageerror = () => {
      // A message could not be deserialized; we cannot tell which request it answered.
    };
    this.worker = worker;
    // A new worker (after a restart, a crash or a failed load) gets the opened folders again first.
    let replayId = -1;
    for (const [modelId, files] of this.folders)
      worker.postMessage({ op: 'registerFiles', requestId: replayId--, modelId, files });
    return worker;
  }

  /**
   * A failed load can leave the worker unable to load anything else: Transformers.js chains every
   * session creation on the previous one, so one rejected creation fails all later ones, and ONNX
   * Runtime's WASM heap may be left in any state. After a failed load the worker is replaced, without
   * a 'crashed' event: requests still waiting are posted again to the new worker.
   */
  private replaceWorker(): void {
    const old = this.worker;
    if (!old) return;
    this.worker = null;
    old.onmessage = null;
    old.onerror = null;
    try {
      old.terminate();
    } catch {
      // already gone
    }
    // The model the old worker still held (a failed keepPrevious load) is loaded again first:
    // requests waiting for it, and later ones, wait for that load in the new worker.
    if (this.held) this.post({ ...this.held, requestId: -1_000_000 - this.nextId++ });
    for (const entry of this.pending.values()) this.post(entry.message);
  }

  private post(message: WorkerRequest): void {
    this.ensureWorker().postMessage(message);
  }

  private handleMessage(message: WorkerResponse): void {
    if (!message || typeof message !== 'object') return;
    if (message.type === 'progress') {
      if (this.pending.has(message.requestId)) {
        this.emit({ type: 'progress', requestId: message.requestId, progress: message.progress });
      }
      return;
    }
    if (this.cancelledKeepLoads.delete(message.requestId)) {
      // Finished before the cancel arrived: the worker now holds that model; give it the held one again.
      if (message.type === 'result' && this.held) this.post({ ...this.held, requestId: -1_000_000 - this.nextId++ });
      return;
    }
    const entry = this.pending.get(message.requestId);
    if (!entry) return; // already settled (superseded / cancelled) or unknown
    this.forget(message.requestId, entry);
    if (message.type === 'result') {
      entry.resolve(message.result as never);
      return;
    }
    const error = RuntimeError.fromJSON(message.error);
    entry.reject(error);
    if (entry.op === 'load' && !KEEPS_WORKER.has(error.code)) this.replaceWorker();
  }

  private settleError(requestId: number, error: RuntimeError): boolean {
    const entry = this.pending.get(requestId);
    if (!entry) return false;
    this.forget(requestId, entry);
    entry.reject(error);
    return true;
  }

  private forget(requestId: number, entry: Pending): void {
    this.pending.delete(requestId);
    entry.cleanup?.();
    if (entry.lane !== undefined && this.lanes.get(entry.lane) === requestId) this.lanes.delete(entry.lane);
  }

  private teardown(error: RuntimeError): void {
    this.held = null;
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      worker.onmessage = null;
      worker.onerror = null;
      try {
        worker.terminate();
      } catch {
        // already gone
      }
    }
    for (const id of [...this.pending.keys()]) this.settleError(id, error);
    this.lanes.clear();
  }

  private emit(event: ClientEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // a listener's failure must not break the client
      }
    }
  }
}
