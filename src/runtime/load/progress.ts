// Loading progress: Transformers.js's progress_callback events, normalised per file into
// LoadProgress, and the list of files that finished (EngineInfo.files). When an ONNX file has
// arrived, the 'preparing' phase follows (engine.ts reports 'warmup' and 'ready').

import type { LoadProgress } from '../protocol.ts';

export interface ProgressTracker {
  /** Pass as Transformers.js's `progress_callback`. */
  callback: (raw: unknown) => void;
  /** Files that finished loading, in order. */
  readonly files: string[];
}

export function trackProgress(onProgress?: (p: LoadProgress) => void): ProgressTracker {
  const files: string[] = [];
  const perFile = new Map<string, { loaded: number; total: number }>();
  const callback = (raw: unknown): void => {
    const p = raw as { status?: string; file?: string; loaded?: number; total?: number };
    if (!p || typeof p.file !== 'string') return;
    const status = p.status;
    if (status !== 'initiate' && status !== 'download' && status !== 'progress' && status !== 'done') return;
    const state = perFile.get(p.file) ?? { loaded: 0, total: 0 };
    if (typeof p.loaded === 'number') state.loaded = p.loaded;
    if (typeof p.total === 'number') state.total = p.total;
    const arrived = status === 'done' && !files.includes(p.file);
    if (status === 'done') {
      if (state.total > 0) state.loaded = state.total;
      if (arrived) files.push(p.file);
    }
    perFile.set(p.file, state);
    onProgress?.({ file: p.file, loaded: state.loaded, total: state.total, status });
    // An ONNX file has arrived: ONNX Runtime now builds its session (graph rewrites, optimisation).
    if (arrived && p.file.endsWith('.onnx')) onProgress?.({ file: '', loaded: 0, total: 0, status: 'preparing' });
  };
  return { callback, files };
}
