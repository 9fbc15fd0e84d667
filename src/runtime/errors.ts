// Typed, human-readable runtime failures. No Transformers.js / ONNX Runtime imports here: the
// client (main thread) uses this file too.
import type { RuntimeErrorCode } from '../core/issues.ts';

// The codes, and a summary of each in English and Chinese, are in the message catalogs (src/core).
export type { RuntimeErrorCode } from '../core/issues.ts';

/** The shape in which errors cross the worker boundary (structured-clone safe). */
export interface SerializedRuntimeError {
  code: RuntimeErrorCode;
  message: string;
  detail?: string;
}

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  readonly detail?: string;

  constructor(code: RuntimeErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }

  toJSON(): SerializedRuntimeError {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromJSON(e: SerializedRuntimeError): RuntimeError {
    return new RuntimeError(e.code, e.message, e.detail);
  }
}

/**
 * True for outcomes that are not failures the user should see: an explicit cancel, a newer request
 * in the same lane, or a worker restart the caller asked for.
 */
export function isCancellation(error: unknown): boolean {
  return (
    error instanceof RuntimeError &&
    (error.code === 'cancelled' || error.code === 'superseded' || error.code === 'worker-restarted')
  );
}

export function cancelledError(what = 'The request'): RuntimeError {
  return new RuntimeError('cancelled', `${what} was cancelled.`);
}

/** What was being done when the error happened; used to word the message. */
export interface ErrorContext {
  phase: 'load' | 'score' | 'tokenize' | 'cache';
  /** Where the model was loaded from. */
  source?: { kind: 'hub' | 'local'; id: string };
  /** For local models: the folder the files were read from (e.g. "/models/x/" or an absolute dir). */
  baseDir?: string;
  /** The ONNX file that was requested (e.g. "onnx/model_quantized.onnx"), when known. */
  modelFile?: string;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const causeText =
      cause instanceof Error
        ? ` (cause: ${cause.name}: ${cause.message}${(cause as { code?: string }).code ? ` [${(cause as { code?: string }).code}]` : ''})`
        : cause && typeof cause === 'object' && 'code' in cause
          ? ` (cause: ${String(cause.code)})`
          : '';
    return `${error.name}: ${error.message}${causeText}`;
  }
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause && typeof cause === 'object') {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (cause as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      for (const e of errors) {
        const c = (e as { code?: unknown })?.code;
        if (typeof c === 'string') return c;
      }
    }
  }
  return undefined;
}

const NETWORK_PATTERNS = [
  /fetch failed/i,
  /failed to fetch/i,
  /networkerror/i,
  /network error/i,
  /load failed/i, // Safari
  /ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|UND_ERR/i,
  /Error \((5\d\d|429)\) occurred while trying to load file/i,
  /Internal server error|Service unavailable|Too many requests/i,
];

const OOM_PATTERNS = [
  /out of memory/i,
  /\bOOM\b/,
  /bad_alloc/i,
  /cannot allocate/i,
  /failed to allocate/i,
  /allocation failed/i,
  /Array buffer allocation failed/i,
  /WebAssembly\.Memory/i,
  /memory access out of bounds/i,
  /could not allocate/i,
  /Aborted\(OOM\)/i,
  /Maximum memory size exceeded/i,
];

const CORRUPT_PATTERNS = [
  /protobuf parsing failed/i,
  /Protobuf parsing/i,
  /INVALID_PROTOBUF/i,
  /Failed to load model/i,
  /invalid model/i,
  /ModelProto/i,
  /INVALID_GRAPH/i,
  /model_path must not be empty/i,
  /Can't create a session/i,
  /ERROR_CODE: ?(?:7|10)\b/,
  /Unexpected token .* in JSON|is not valid JSON|JSON\.parse|Unexpected end of JSON/i,
];

/** Extracts the path/URL quoted in a Transformers.js file-not-found message. */
function quotedPath(message: string): string | undefined {
  const m = /"([^"]+)"/.exec(message);
  return m?.[1];
}

function relativeFile(fullPath: string | undefined, ctx: ErrorContext): string | undefined {
  if (!fullPath) return ctx.modelFile;
  const id = ctx.source?.id;
  if (id) {
    const at = fullPath.indexOf(`${id}/`);
    if (at >= 0) {
      let rest = fullPath.slice(at + id.length + 1);
      // Hub URLs: <id>/resolve/<rev>/<file>
      const resolve = /^resolve\/[^/]+\/(.*)$/.exec(rest);
      if (resolve?.[1]) rest = resolve[1];
      return rest;
    }
  }
  return fullPath;
}

function modelFolder(ctx: ErrorContext): string {
  if (ctx.source?.kind === 'hub') return `the Hugging Face Hub model "${ctx.source.id}"`;
  const base = ctx.baseDir ?? '';
  const id = ctx.source?.id ?? '';
  const dir = base ? `${base.replace(/\/+$/, '')}/${id}/` : `${id}/`;
  return dir;
}

/**
 * Maps anything thrown by Transformers.js / ONNX Runtime / fetch into a RuntimeError whose message
 * a student can act on. The original text is kept in `detail`.
 */
export function toRuntimeError(error: unknown, ctx: ErrorContext): RuntimeError {
  if (error instanceof RuntimeError) return error;
  const detail = describe(error);
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';

  if (name === 'AbortError') return new RuntimeError('cancelled', 'The request was cancelled.', detail);

  // File not found (local 404, Hub 401/403/404, or remote loading disabled and file absent).
  const isNotFound =
    name === 'ModelFileNotFoundError' ||
    /file was not found locally|Could not locate file|Local file missing|ENOENT|no such file/i.test(message);
  if (isNotFound) {
    const status = (error as { status?: unknown }).status;
    const remoteDisabled = /allowRemoteModels=false|local_files_only=true/.test(message);
    if (ctx.source?.kind === 'hub') {
      if (remoteDisabled) {
        return new RuntimeError(
          'hub-unreachable',
          `The model "${ctx.source.id}" is not stored on this computer, and downloading from the Hugging Face Hub is turned off here. ` +
            `Pick one of the bundled models, or enable Hub downloads.`,
          detail,
        );
      }
      if (status === 401 || status === 403) {
        return new RuntimeError(
          'file-missing',
          `The Hugging Face Hub refused access to "${ctx.source.id}" (${String(status)}). The model id may be misspelled, or the model is private or gated.`,
          detail,
        );
      }
      const file = relativeFile(quotedPath(message), ctx);
      return new RuntimeError(
        'file-missing',
        `The file ${file ?? '(unknown)'} was not found (404) in ${modelFolder(ctx)}. ` +
          `Check the model id, and that the model has ONNX weights (an "onnx/" folder, as in the Xenova/* and onnx-community/* models).`,
        detail,
      );
    }
    const file = relativeFile(quotedPath(message), ctx);
    const folder = modelFolder(ctx);
    if (file === 'config.json') {
      return new RuntimeError(
        'file-missing',
        `No model was found at ${folder} (config.json is missing, 404). Check the model name; the folder must be in Hugging Face layout (config.json, tokenizer.json, onnx/…).`,
        detail,
      );
    }
    if (file?.endsWith('.onnx')) {
      return new RuntimeError(
        'file-missing',
        `The model file ${file} was not found (404) at ${folder} — this model has no weights in that precision. ` +
          `Choose another precision (dtype), or re-create the folder (for the test models: npm run fixtures).`,
        detail,
      );
    }
    return new RuntimeError(
      'file-missing',
      `The file ${file ?? '(unknown)'} was not found (404) at ${folder} — the model folder is incomplete. Re-create or re-download it.`,
      detail,
    );
  }

  if (/both local and remote models are disabled/i.test(message)) {
    return new RuntimeError(
      ctx.source?.kind === 'hub' ? 'hub-unreachable' : 'file-missing',
      ctx.source?.kind === 'hub'
        ? `Downloading from the Hugging Face Hub is turned off here, so "${ctx.source.id}" cannot be loaded.`
        : 'Loading models is disabled in this environment (both local and remote models are off).',
      detail,
    );
  }

  if (/Unsupported model type|not-masked-lm|does not have a .*session/i.test(message)) {
    return new RuntimeError(
      'not-masked-lm',
      `This model cannot fill in masks: it is not a masked language model (its type is not supported for fill-mask). ` +
        `Choose a *ForMaskedLM model such as BERT, RoBERTa or DistilBERT.`,
      detail,
    );
  }

  if (
    /webgpu/i.test(message) &&
    /(not supported|no available adapter|adapter|unavailable|does not support)/i.test(message)
  ) {
    return new RuntimeError(
      'webgpu-unavailable',
      'WebGPU is not available in this browser or on this GPU. Switch the device to WASM (CPU) and load again.',
      detail,
    );
  }

  if (OOM_PATTERNS.some((p) => p.test(message) || p.test(detail))) {
    return new RuntimeError(
      'out-of-memory',
      'The browser ran out of memory running this model. Try a smaller model, a quantized precision (q8), fewer prompts at once, or shorter inputs; then reload the page.',
      detail,
    );
  }

  const isNetwork =
    NETWORK_PATTERNS.some((p) => p.test(message)) || (name === 'TypeError' && causeCode(error) !== undefined);
  if (isNetwork) {
    if (ctx.source?.kind === 'hub') {
      return new RuntimeError(
        'hub-unreachable',
        `Could not reach the Hugging Face Hub to download "${ctx.source.id}". Check your internet connection (or a firewall/proxy), or use a bundled model.`,
        detail,
      );
    }
    return new RuntimeError(
      'file-missing',
      `Could not fetch the model files from ${modelFolder(ctx)} — the app's server did not answer.`,
      detail,
    );
  }

  if (CORRUPT_PATTERNS.some((p) => p.test(message))) {
    const file = ctx.modelFile;
    const html = /Unexpected token '?<'?|<!doctype|<html/i.test(message);
    return new RuntimeError(
      'corrupt-model',
      html
        ? `A model file in ${modelFolder(ctx)} is a web page instead of model data — the server answered a missing file with HTML. Check the folder and the server's 404 handling.`
        : `The model file${file ? ` ${file}` : ''} in ${modelFolder(ctx)} is damaged or not an ONNX model (it could not be parsed). ` +
            `Delete it and download/export it again; if it came from the browser cache, clear the cache for this model.`,
      detail,
    );
  }

  return new RuntimeError(
    'unknown',
    `Something went wrong while ${ctx.phase === 'load' ? 'loading the model' : ctx.phase === 'score' ? 'running the model' : ctx.phase === 'tokenize' ? 'tokenizing' : 'accessing the cache'}: ${message}`,
    detail,
  );
}
