// The runtime worker's message handler, separate from worker.ts so that it can run in Node
// (tests, in-process worker) without `self` or Vite-only imports.

import { env } from '@huggingface/transformers';
import { MaskedLMEngine, type LoadOptions } from './engine.ts';
import { RuntimeError, toRuntimeError, type ErrorContext } from './errors.ts';
import { clearModelCache, forgetCachedFile, modelCacheStatus, type CacheLocation } from './cache.ts';
import { registerLocalFiles } from './local-files.ts';
import { collectLabelWordStats } from './vocab-stats.ts';
import type {
  LanedOp,
  LoadProgress,
  RuntimeOp,
  RuntimeOps,
  ScoreResult,
  WorkerRequest,
  WorkerResponse,
} from './protocol.ts';

export interface RuntimeHandlerOptions {
  /**
   * Sends a message to the client (self.postMessage in the worker). `transfer`: buffers of the
   * message that move to the client instead of being copied (the sender must not use them after).
   */
  post: (message: WorkerResponse, transfer?: ArrayBuffer[]) => void;
  /** Minimum milliseconds between two 'progress' events of the same file (default 100). */
  progressIntervalMs?: number;
  /** Replaces MaskedLMEngine.load (tests). */
  loadEngine?: (source: Parameters<typeof MaskedLMEngine.load>[0], options: LoadOptions) => Promise<MaskedLMEngine>;
}

export interface RuntimeHandler {
  handle(message: WorkerRequest): Promise<void>;
  /** The loaded engine, if any. */
  readonly engine: MaskedLMEngine | null;
  dispose(): Promise<void>;
}

function cacheLocation(): CacheLocation {
  return {
    cacheName: env.cacheKey || 'transformers-cache',
    localModelPath: env.localModelPath,
    remoteHost: env.remoteHost,
  };
}

/** The hidden vectors' buffers of a score result (each its own buffer): moved to the client, not copied. */
function hiddenBuffers(result: ScoreResult): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const s of result.scores)
    for (const m of s.masks) if (m.hidden && m.hidden.buffer instanceof ArrayBuffer) buffers.add(m.hidden.buffer);
  return [...buffers];
}

export function createRuntimeHandler(options: RuntimeHandlerOptions): RuntimeHandler {
  const { post } = options;
  const progressInterval = options.progressIntervalMs ?? 100;
  const loadEngine = options.loadEngine ?? ((source, opts) => MaskedLMEngine.load(source, opts));

  let engine: MaskedLMEngine | null = null;
  /** The load in progress (scores/tokenization wait for it). */
  let loading: { requestId: number; keep: boolean; promise: Promise<MaskedLMEngine | null> } | null = null;
  const controllers = new Map<number, AbortController>();
  const lanes = new Map<string, number>();
  let disposed = false;
  /** Folders being registered: a load waits for them (a new worker gets them just before a load). */
  let registrations: Promise<unknown> = Promise.resolve();

  const abort = (requestId: number, reason: RuntimeError): boolean => {
    const ctrl = controllers.get(requestId);
    if (!ctrl || ctrl.signal.aborted) return false;
    ctrl.abort(reason);
    return true;
  };

  const reply = <K extends RuntimeOp>(
    op: K,
    requestId: number,
    result: RuntimeOps[K]['result'],
    transfer?: ArrayBuffer[],
  ): void => {
    if (transfer && transfer.length > 0) post({ type: 'result', requestId, op, result }, transfer);
    else post({ type: 'result', requestId, op, result });
  };

  const fail = (op: RuntimeOp, requestId: number, error: unknown, ctx: ErrorContext, signal?: AbortSignal): void => {
    let mapped: RuntimeError;
    const reason: unknown = signal?.aborted ? signal.reason : undefined;
    if (
      reason instanceof RuntimeError &&
      (!(error instanceof RuntimeError) || error.code === 'cancelled' || error.code === reason.code)
    ) {
      mapped = reason;
    } else {
      mapped = toRuntimeError(error, ctx);
    }
    post({ type: 'error', requestId, op, error: mapped.toJSON() });
  };

  /** The engine to use now, waiting for a load in progress. */
  const currentEngine = async (): Promise<MaskedLMEngine> => {
    // A load that keeps the previous model leaves it answering until the new one is in place.
    if (loading && !(loading.keep && engine)) await loading.promise.catch(() => null);
    if (!engine) throw new RuntimeError('not-loaded', 'No model is loaded yet. Load a model first.');
    return engine;
  };

  const handleLoad = async (msg: Extract<WorkerRequest, { op: 'load' }>): Promise<void> => {
    const { requestId, source } = msg;
    // A newer load replaces an unfinished older one, and the old model.
    if (loading)
      abort(
        loading.requestId,
        new RuntimeError('superseded', 'Another model was requested before this one finished loading.'),
      );
    const dropLanes = (): void => {
      for (const [lane, id] of lanes) {
        abort(id, new RuntimeError('superseded', 'The model is being replaced.'));
        lanes.delete(lane);
      }
    };
    // keepPrevious: the loaded model answers until the new one is in place (and stays on failure).
    const keep = msg.keepPrevious === true && engine !== null;
    const old = keep ? null : engine;
    if (!keep) {
      dropLanes();
      engine = null;
    }

    const ctrl = new AbortController();
    controllers.set(requestId, ctrl);
    const lastSent = new Map<string, number>();
    const onProgress = (p: LoadProgress): void => {
      if (ctrl.signal.aborted) return;
      if (p.status === 'progress' && !(p.total > 0 && p.loaded >= p.total)) {
        const t = Date.now();
        if (t - (lastSent.get(p.file) ?? 0) < progressInterval) return;
        lastSent.set(p.file, t);
      }
      post({ type: 'progress', requestId, progress: p });
    };
    const promise = (async () => {
      if (old) await old.dispose(); // free the old model's memory first
      await registrations;
      return loadEngine(source, {
        dtype: msg.dtype,
        device: msg.device,
        ...(msg.rowQuant === false ? { rowQuant: false } : {}),
        signal: ctrl.signal,
        onProgress,
      });
    })();
    const entry = {
      requestId,
      keep,
      promise: promise.then(
        (e) => e,
        () => null,
      ),
    };
    loading = entry;
    try {
      const loaded = await promise;
      if (ctrl.signal.aborted || disposed) {
        await loaded.dispose();
        throw ctrl.signal.reason ?? new RuntimeError('cancelled', 'Loading the model was cancelled.');
      }
      const previous = engine;
      if (keep) dropLanes();
      engine = loaded;
      reply('load', requestId, { info: loaded.info, facts: loaded.facts });
      // The previous model is disposed once its last forward pass has finished.
      if (previous && previous !== loaded) await previous.dispose();
    } catch (error) {
      // A file found damaged or incomplete must not come back from the browser cache at the next load.
      if (
        error instanceof RuntimeError &&
        error.file &&
        (error.code === 'corrupt-model' || error.code === 'download-incomplete')
      )
        await forgetCachedFile(source.id, error.file, cacheLocation()).catch(() => 0);
      fail(
        'load',
        requestId,
        error,
        { phase: 'load', source, baseDir: source.kind === 'local' ? env.localModelPath : undefined },
        ctrl.signal,
      );
    } finally {
      controllers.delete(requestId);
      if (loading === entry) loading = null;
    }
  };

  /**
   * A laned op (protocol.ts LANE_DEFAULTS): supersedes the lane's unfinished request, runs `work`
   * with a signal that a newer request or a cancel aborts, and leaves the lane when done.
   */
  const handleLaned = async <K extends LanedOp>(
    msg: { op: K; requestId: number; lane: string },
    work: (signal: AbortSignal) => Promise<RuntimeOps[K]['result']>,
    transferOf?: (result: RuntimeOps[K]['result']) => ArrayBuffer[],
  ): Promise<void> => {
    const { requestId, lane, op } = msg;
    const previous = lanes.get(lane);
    if (previous !== undefined && previous !== requestId) {
      abort(previous, new RuntimeError('superseded', 'A newer request replaced this one.'));
    }
    lanes.set(lane, requestId);
    const ctrl = new AbortController();
    controllers.set(requestId, ctrl);
    try {
      const result = await work(ctrl.signal);
      if (ctrl.signal.aborted) throw ctrl.signal.reason;
      reply(op, requestId, result, transferOf?.(result));
    } catch (error) {
      fail(op, requestId, error, { phase: 'score' }, ctrl.signal);
    } finally {
      controllers.delete(requestId);
      if (lanes.get(lane) === requestId) lanes.delete(lane);
    }
  };

  const handle = async (msg: WorkerRequest): Promise<void> => {
    if (!msg || typeof msg !== 'object' || typeof msg.requestId !== 'number') return;
    if (disposed) {
      post({
        type: 'error',
        requestId: msg.requestId,
        op: msg.op,
        error: new RuntimeError('worker-restarted', 'The runtime was shut down.').toJSON(),
      });
      return;
    }
    switch (msg.op) {
      case 'load':
        return handleLoad(msg);
      case 'score':
        return handleLaned(
          msg,
          async (signal) =>
            (await currentEngine()).scoreDetailed(msg.prompts, msg.tokenIds, {
              topK: msg.topK,
              batchSize: msg.batchSize,
              cacheRows: msg.cacheRows === true,
              hidden: msg.hidden === true,
              signal,
            }),
          hiddenBuffers,
        );
      case 'labelWordStats': // label-word search (vocab-stats.ts)
        return handleLaned(msg, async (signal) => collectLabelWordStats(await currentEngine(), msg, signal));
      case 'tokenizeWords': {
        try {
          const e = await currentEngine();
          if (!Array.isArray(msg.texts))
            throw new RuntimeError('invalid-input', 'tokenizeWords expects an array of strings.');
          reply(
            'tokenizeWords',
            msg.requestId,
            msg.texts.map((t) => e.tokenizeWord(t)),
          );
        } catch (error) {
          fail('tokenizeWords', msg.requestId, error, { phase: 'tokenize' });
        }
        return;
      }
      case 'cancel': {
        const cancelled = abort(msg.targetId, new RuntimeError('cancelled', 'The request was cancelled.'));
        reply('cancel', msg.requestId, { cancelled });
        return;
      }
      case 'cacheStatus': {
        try {
          reply('cacheStatus', msg.requestId, await modelCacheStatus(msg.modelId, cacheLocation()));
        } catch (error) {
          fail('cacheStatus', msg.requestId, error, { phase: 'cache' });
        }
        return;
      }
      case 'clearCache': {
        try {
          reply('clearCache', msg.requestId, await clearModelCache(msg.modelId, cacheLocation()));
        } catch (error) {
          fail('clearCache', msg.requestId, error, { phase: 'cache' });
        }
        return;
      }
      case 'registerFiles': {
        try {
          if (!Array.isArray(msg.files))
            throw new RuntimeError('invalid-input', 'registerFiles expects a list of files.');
          // Registered at once (a load that follows waits for this message to be done) …
          const registered = registerLocalFiles(msg.modelId, msg.files);
          // … and files an older version cached under this name are removed from the browser cache.
          const cleared = clearModelCache(msg.modelId, cacheLocation()).catch(() => undefined);
          registrations = Promise.all([registrations, cleared]);
          await cleared;
          reply('registerFiles', msg.requestId, registered);
        } catch (error) {
          fail('registerFiles', msg.requestId, error, { phase: 'load' });
        }
        return;
      }
      default: {
        const unknown = msg as { op?: unknown; requestId: number };
        post({
          type: 'error',
          requestId: unknown.requestId,
          op: 'load',
          error: new RuntimeError('invalid-input', `Unknown runtime operation "${String(unknown.op)}".`).toJSON(),
        });
      }
    }
  };

  return {
    handle,
    get engine() {
      return engine;
    },
    async dispose() {
      disposed = true;
      for (const id of controllers.keys())
        abort(id, new RuntimeError('worker-restarted', 'The runtime was shut down.'));
      const e = engine;
      engine = null;
      if (e) await e.dispose();
    },
  };
}
