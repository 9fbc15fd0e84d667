// Typed, human-readable runtime failures. No Transformers.js / ONNX Runtime imports here: the
// client (main thread) uses this file too.
import type { RuntimeErrorCode } from '../core/issues.ts';
import { describeProblem, type DownloadProblem } from './download-check.ts';

// The codes, and a summary of each in English and Chinese, are in the message catalogs (src/core).
export type { RuntimeErrorCode } from '../core/issues.ts';

/**
 * Where a model's files come from: the Hub, the app's server (/models/…), a folder opened in the
 * browser (local-files.ts), a folder on disk (Node: the command line, tests).
 */
export type ModelWhere = 'hub' | 'app' | 'folder' | 'disk';

/** Which file of the model an error is about, and where the model comes from. */
export interface FileAbout {
  /** Inside the model folder, e.g. "config.json", "onnx/model_quantized.onnx". */
  file?: string;
  where?: ModelWhere;
}

/** The shape in which errors cross the worker boundary (structured-clone safe). */
export interface SerializedRuntimeError extends FileAbout {
  code: RuntimeErrorCode;
  message: string;
  detail?: string;
}

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  readonly detail?: string;
  readonly file?: string;
  readonly where?: ModelWhere;

  constructor(code: RuntimeErrorCode, message: string, detail?: string, about: FileAbout = {}) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
    if (about.file) this.file = about.file;
    if (about.where) this.where = about.where;
  }

  toJSON(): SerializedRuntimeError {
    return {
      code: this.code,
      message: this.message,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.file ? { file: this.file } : {}),
      ...(this.where ? { where: this.where } : {}),
    };
  }

  static fromJSON(e: SerializedRuntimeError): RuntimeError {
    return new RuntimeError(e.code, e.message, e.detail, { file: e.file, where: e.where });
  }
}

/**
 * A download that is not the file the server announced (download-check.ts): thrown by the fetch
 * guard (download-guard.ts) from the response body, so the file is neither used nor cached.
 */
export class DownloadCheckError extends Error {
  constructor(
    readonly url: string,
    readonly problem: DownloadProblem | { kind: 'broken'; received: number; expected: number | null; cause: string },
  ) {
    super(
      `${url}: ${
        problem.kind !== 'broken'
          ? describeProblem(problem)
          : problem.received === 0 && problem.expected === null
            ? `the server did not answer (${problem.cause})`
            : `the connection broke after ${problem.received}${problem.expected === null ? '' : ` of ${problem.expected}`} bytes (${problem.cause})`
      }`,
    );
    this.name = 'DownloadCheckError';
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
  /** The file the failing step was reading (e.g. "config.json"), when known; else modelFile. */
  file?: string;
  where?: ModelWhere;
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

/** The DownloadCheckError in `error` or its causes. */
function downloadCheckIn(error: unknown): DownloadCheckError | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof DownloadCheckError) return e;
  return undefined;
}

function where(ctx: ErrorContext): ModelWhere | undefined {
  return ctx.where ?? (ctx.source?.kind === 'hub' ? 'hub' : undefined);
}

/** What to do about a damaged file, by where it comes from. */
function damagedFix(ctx: ErrorContext): string {
  switch (where(ctx)) {
    case 'hub':
      return 'ClozeLab removed it from the browser cache: Load again downloads it anew; if it stays damaged, the file on the Hub is broken.';
    case 'folder':
      return 'Replace it with a good copy and open the folder again.';
    case 'app':
      return 'Whoever runs this app must replace it (npm run models:download -- --verify <id> finds damaged files).';
    default:
      return 'Replace it with a good copy (download or export it again; npm run models:download -- --verify <id> finds damaged files).';
  }
}

/**
 * Maps anything thrown by Transformers.js / ONNX Runtime / fetch into a RuntimeError whose message
 * a student can act on: it names the file that is wrong (`file`) and where the model comes from
 * (`where`). The original text is kept in `detail`.
 */
export function toRuntimeError(error: unknown, ctx: ErrorContext): RuntimeError {
  if (error instanceof RuntimeError) return error;
  const detail = describe(error);
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  const about = (file: string | undefined): FileAbout => ({ file, where: where(ctx) });

  if (name === 'AbortError') return new RuntimeError('cancelled', 'The request was cancelled.', detail);

  // Not the file the server announced: cut short, connection broken mid-file, wrong sha256.
  const check = downloadCheckIn(error);
  if (check) {
    const file = relativeFile(check.url, ctx) ?? ctx.file ?? ctx.modelFile;
    const noAnswer = check.problem.kind === 'broken' && check.problem.received === 0 && check.problem.expected === null;
    if (noAnswer && ctx.source?.kind === 'hub')
      return new RuntimeError(
        'hub-unreachable',
        `Could not reach the Hugging Face Hub to download ${file ? `${file} of ` : ''}"${ctx.source.id}" (${check.message.slice(check.url.length + 2)}). Check your internet connection (or a firewall/proxy), or use a bundled model.`,
        detail,
        about(file),
      );
    const what = check.problem.kind === 'checksum' ? 'differs from its announced checksum' : 'did not arrive complete';
    return new RuntimeError(
      'download-incomplete',
      `The file ${file ?? '(unknown)'} of ${modelFolder(ctx)} ${what} (${check.message.slice(check.url.length + 2)}). ` +
        `Nothing of it was kept. ${where(ctx) === 'folder' ? 'Open the folder again.' : 'Load again when the connection is stable.'}`,
      detail,
      about(file),
    );
  }

  // File not found (local 404, Hub 401/403/404, or remote loading disabled and file absent).
  const isNotFound =
    name === 'ModelFileNotFoundError' ||
    /file was not found locally|Could not locate file|Local file missing|ENOENT|no such file/i.test(message);
  if (isNotFound) {
    const status = (error as { status?: unknown }).status;
    const remoteDisabled = /allowRemoteModels=false|local_files_only=true/.test(message);
    const file = relativeFile(quotedPath(message), ctx) ?? ctx.file;
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
          about(file),
        );
      }
      return new RuntimeError(
        'file-missing',
        `The file ${file ?? '(unknown)'} was not found (404) in ${modelFolder(ctx)}. ` +
          `Check the model id, and that the model has ONNX weights (an "onnx/" folder, as in the Xenova/* and onnx-community/* models).`,
        detail,
        about(file),
      );
    }
    const folder = modelFolder(ctx);
    if (file === 'config.json') {
      return new RuntimeError(
        'file-missing',
        `No model was found at ${folder} (config.json is missing, 404). Check the model name; the folder must be in Hugging Face layout (config.json, tokenizer.json, onnx/…).`,
        detail,
        about(file),
      );
    }
    if (file?.endsWith('.onnx')) {
      return new RuntimeError(
        'file-missing',
        `The model file ${file} was not found (404) at ${folder} — this model has no weights in that precision. ` +
          `Choose another precision (dtype), or re-create the folder (for the test models: npm run fixtures).`,
        detail,
        about(file),
      );
    }
    return new RuntimeError(
      'file-missing',
      `The file ${file ?? '(unknown)'} was not found (404) at ${folder} — the model folder is incomplete. Re-create or re-download it.`,
      detail,
      about(file),
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
    const file = ctx.file;
    if (ctx.source?.kind === 'hub') {
      return new RuntimeError(
        'hub-unreachable',
        `Could not reach the Hugging Face Hub to download ${file ? `${file} of ` : ''}"${ctx.source.id}". Check your internet connection (or a firewall/proxy), or use a bundled model.`,
        detail,
        about(file),
      );
    }
    return new RuntimeError(
      'download-incomplete',
      `Could not fetch ${file ?? 'the model files'} from ${modelFolder(ctx)} — the connection failed. Load again; if it keeps happening, check the server.`,
      detail,
      about(file),
    );
  }

  const json =
    error instanceof SyntaxError || /in JSON|is not valid JSON|JSON\.parse|Unexpected end of JSON/i.test(message);
  if (json && ctx.file?.endsWith('.json')) {
    const html = /Unexpected token '?<'?|<!doctype|<html/i.test(message);
    return new RuntimeError(
      'corrupt-model',
      html
        ? `${ctx.file} in ${modelFolder(ctx)} is a web page instead of JSON — the server answered a missing file with HTML. Check the folder and the server's 404 handling.`
        : `${ctx.file} in ${modelFolder(ctx)} is not valid JSON (${message}). ${damagedFix(ctx)}`,
      detail,
      about(ctx.file),
    );
  }

  if (CORRUPT_PATTERNS.some((p) => p.test(message))) {
    const file = ctx.file ?? ctx.modelFile;
    const html = /Unexpected token '?<'?|<!doctype|<html/i.test(message);
    return new RuntimeError(
      'corrupt-model',
      html
        ? `${file ?? 'A model file'} in ${modelFolder(ctx)} is a web page instead of model data — the server answered a missing file with HTML. Check the folder and the server's 404 handling.`
        : file?.endsWith('.json')
          ? `${file} in ${modelFolder(ctx)} cannot be read (${message}). ${damagedFix(ctx)}`
          : `The model file${file ? ` ${file}` : ''} in ${modelFolder(ctx)} is damaged or not an ONNX model (it could not be parsed). ${damagedFix(ctx)}`,
      detail,
      about(file),
    );
  }

  return new RuntimeError(
    'unknown',
    `Something went wrong while ${ctx.phase === 'load' ? `loading the model${ctx.file ? ` (reading ${ctx.file})` : ''}` : ctx.phase === 'score' ? 'running the model' : ctx.phase === 'tokenize' ? 'tokenizing' : 'accessing the cache'}: ${message}`,
    detail,
    about(ctx.file),
  );
}
