// Models opened from the user's computer (directory picker or drag-and-drop). The files stay in
// memory in the worker and are served to Transformers.js through env.fetch under the app's
// local model path, exactly as if the app served /models/<id>/… — nothing is uploaded anywhere.
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
