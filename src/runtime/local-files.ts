// Models opened from the user's computer (directory picker or drag-and-drop). The worker holds the
// files (File objects: references to the files on disk, read when needed) and serves them to
// Transformers.js through env.fetch under the app's local model path, exactly as if the app served
// /models/<id>/… — nothing is uploaded anywhere, and nothing is written to the browser's storage:
// the browser cache (download-guard.ts verifiedCache) neither stores nor answers these paths.
// A new worker gets the files again from the client (client.ts), which keeps the same references.
import { env } from '@huggingface/transformers';

export interface LocalFile {
  /** Path inside the model folder, e.g. "onnx/model_quantized.onnx". */
  path: string;
  file: Blob;
}

const registry = new Map<string, Blob>();
let installed = false;

function normalise(path: string): string {
  // Transformers.js may pass absolute URLs (same origin) or paths; compare by path.
  try {
    return decodeURIComponent(new URL(path, 'http://local.invalid').pathname);
  } catch {
    return path;
  }
}

function folderPath(modelId: string): string {
  return normalise(`${env.localModelPath.replace(/\/+$/, '')}/${modelId}/`);
}

/** Wraps env.fetch once so registered files are answered from memory. */
function install(): void {
  if (installed) return;
  installed = true;
  const baseFetch = env.fetch.bind(env);
  env.fetch = (input: string | URL, init?: unknown) => {
    const blob = registry.get(normalise(String(input)));
    if (!blob) return baseFetch(input, init);
    return Promise.resolve(
      new Response(blob, {
        status: 200,
        headers: { 'Content-Length': String(blob.size), 'Content-Type': 'application/octet-stream' },
      }),
    );
  };
}

/** Whether `url` is a file of a folder opened from the user's computer. */
export function isOpenedFile(url: string): boolean {
  return registry.has(normalise(url));
}

/** Whether `modelId` is a folder opened from the user's computer. */
export function isOpenedModel(modelId: string): boolean {
  const prefix = folderPath(modelId);
  for (const key of registry.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/** Replaces the files of `modelId` with `files`. Returns their count and total size. */
export function registerLocalFiles(modelId: string, files: readonly LocalFile[]): { files: number; bytes: number } {
  install();
  const prefix = folderPath(modelId);
  for (const key of [...registry.keys()]) if (key.startsWith(prefix)) registry.delete(key);
  let bytes = 0;
  for (const { path, file } of files) {
    const clean = path.replace(/^\/+/, '');
    if (!clean || clean.split('/').some((part) => part === '..' || part === '')) continue;
    registry.set(prefix + clean, file);
    bytes += file.size;
  }
  return { files: files.length, bytes };
}
