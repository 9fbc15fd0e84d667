// Direct access to the ONNX Runtime module that Transformers.js uses, for the engine's fast path
// (mask-rows-only head, see mask-rows.ts): the engine runs that session itself with ORT tensors.
//
// - Browser: worker.ts registers `onnxruntime-web/webgpu` (the very module Transformers.js imports,
//   so there is one ORT instance and one WASM binary) with provideOrt().
// - Node: onnxruntime-node, loaded on first use (the same CommonJS instance Transformers.js requires).
//
// Without a registered module the engine simply uses the plain Transformers.js path.

import { isNodeRuntime } from './environment.ts';

export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose?(): void;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** `fetches`: the outputs to return (all when omitted). */
  run(feeds: Record<string, OrtTensorLike>, fetches?: readonly string[]): Promise<Record<string, OrtTensorLike>>;
  release?(): Promise<void>;
}

export interface OrtModuleLike {
  InferenceSession: { create(...args: unknown[]): Promise<OrtSessionLike> };
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensorLike;
}

let provided: OrtModuleLike | null = null;
let nodeLoad: Promise<OrtModuleLike | null> | null = null;

function looksLikeOrt(m: unknown): m is OrtModuleLike {
  const o = m as Partial<OrtModuleLike> | null;
  return !!o && typeof o.InferenceSession?.create === 'function' && typeof o.Tensor === 'function';
}

/** Registers the ORT module Transformers.js uses (browser worker). */
export function provideOrt(module: unknown): void {
  if (looksLikeOrt(module)) provided = module;
}

/** The ORT module, or null where none is registered (then the engine uses Transformers.js only). */
export async function loadOrt(): Promise<OrtModuleLike | null> {
  if (provided) return provided;
  if (!isNodeRuntime()) return null;
  nodeLoad ??= (async () => {
    try {
      // A variable specifier: bundlers must not pull the native addon into a browser build.
      const specifier = 'onnxruntime-node';
      const ns = (await import(/* @vite-ignore */ specifier)) as { default?: unknown };
      const mod = looksLikeOrt(ns) ? ns : ns.default;
      return looksLikeOrt(mod) ? mod : null;
    } catch {
      return null;
    }
  })();
  provided = await nodeLoad;
  return provided;
}

// ---- a hook on InferenceSession.create ---------------------------------------------------------
//
// Transformers.js fetches (and caches) the model file, then calls
// `InferenceSession.create(bufferOrPath, { ...session_options })`. The engine passes a hook object
// in session_options under HOOK_KEY; the wrapper below takes it out, lets it rewrite the bytes, and
// creates the session from the result. Calls without the key are untouched.

export const HOOK_KEY = 'clozelabModelTransform';
const PATCHED = Symbol.for('clozelab.sessionCreateHook');

export interface ModelTransformHook {
  /**
   * Returns new model bytes, or null to use the file as it is. It may rewrite `bytes` in place and
   * return `restore`, which is called once the session has been created (the bytes consumed).
   */
  transform(bytes: Uint8Array): { bytes: Uint8Array; restore?: () => void } | null;
}

async function readBytes(source: unknown): Promise<Uint8Array | null> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source === 'string' && isNodeRuntime()) {
    // One positioned read of the whole file: fs.readFile reads in 512 KB round trips through the
    // event loop, which the tokenizer (parsed meanwhile) keeps busy (BENCHMARKS.md, Levers).
    const specifier = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ specifier)) as {
      open(
        path: string,
        flags: string,
      ): Promise<{
        stat(): Promise<{ size: number }>;
        read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
        close(): Promise<void>;
      }>;
    };
    const handle = await fs.open(source, 'r');
    try {
      const { size } = await handle.stat();
      const bytes = new Uint8Array(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await handle.read(bytes, at, size - at, at);
        if (bytesRead <= 0) break;
        at += bytesRead;
      }
      return at === size ? bytes : bytes.subarray(0, at);
    } finally {
      await handle.close();
    }
  }
  return null;
}

/** Installs the create() wrapper once per ORT module. */
export function installCreateHook(ort: OrtModuleLike): void {
  const cls = ort.InferenceSession as OrtModuleLike['InferenceSession'] & { [PATCHED]?: boolean };
  if (cls[PATCHED]) return;
  const original = cls.create.bind(cls);
  cls.create = async (...args: unknown[]): Promise<OrtSessionLike> => {
    const [source, options, ...rest] = args;
    const hook = options && typeof options === 'object' ? (options as Record<string, unknown>)[HOOK_KEY] : undefined;
    if (!hook || typeof (hook as ModelTransformHook).transform !== 'function' || rest.length > 0)
      return original(...args);
    const { [HOOK_KEY]: _hook, ...clean } = options as Record<string, unknown>;
    const bytes = await readBytes(source);
    const rewritten = bytes ? (hook as ModelTransformHook).transform(bytes) : null;
    try {
      return await original(rewritten ? rewritten.bytes : source, clean);
    } finally {
      rewritten?.restore?.();
    }
  };
  cls[PATCHED] = true;
}
