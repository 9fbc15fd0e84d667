// Models opened from the user's computer: a picked or dropped folder in Hugging Face layout is
// registered with the worker and loaded. The files are read from the disk when the model loads
// (the page and the worker hold File references); they are never uploaded and never written to the
// browser's storage — the Cache API skips them (runtime/local-files.ts) — so a reload forgets them.
import type { ModelRef } from '../core/setup.ts';
import { getRuntime, loadModel } from './runtime.ts';

/** The owner in the model ids of folders opened from the user's computer ("my-files/<folder>"). */
export const OPENED_FOLDER_OWNER = 'my-files';

export type OpenFolderResult = { ok: true; modelId: string } | { ok: false; missing: string[] };

/** Files as picked or dropped: paths may start with the folder's own name ("bert/onnx/model.onnx"). */
export function modelFolderFiles(files: readonly { path: string; file: Blob }[]): {
  name: string;
  files: { path: string; file: Blob }[];
} {
  const paths = files.map((f) => f.path.replace(/\\/g, '/').replace(/^\/+/, ''));
  const firstParts = new Set(paths.map((p) => (p.includes('/') ? p.split('/')[0] : '')));
  const sharedRoot = firstParts.size === 1 && !firstParts.has('') ? [...firstParts][0]! : '';
  const name = sharedRoot || 'model';
  const out = files.map((f, i) => {
    let path = paths[i]!;
    if (sharedRoot) path = path.slice(sharedRoot.length + 1);
    // ONNX files dropped next to config.json belong in onnx/, where Transformers.js looks.
    if (path.endsWith('.onnx') && !path.includes('/')) path = `onnx/${path}`;
    return { path, file: f.file };
  });
  return { name, files: out };
}

/** A picked model folder, checked: its files, the id it is registered under and the ref to load. */
export type CheckedFolder =
  | { ok: false; missing: string[] }
  | { ok: true; modelId: string; files: { path: string; file: Blob }[]; ref: ModelRef };

/** Checks a picked folder for the files a model needs and names it "opened-folder/<folder name>". */
export function checkModelFolder(picked: readonly { path: string; file: Blob }[]): CheckedFolder {
  const { name, files } = modelFolderFiles(picked);
  const has = (path: string) => files.some((f) => f.path === path);
  const missing = ['config.json', 'tokenizer.json', 'tokenizer_config.json'].filter((p) => !has(p));
  const quantized = has('onnx/model_quantized.onnx');
  if (!quantized && !has('onnx/model.onnx')) missing.push('onnx/model.onnx or onnx/model_quantized.onnx');
  if (missing.length > 0) return { ok: false, missing };
  // A valid model id part (setup.ts isValidModelId): starts and ends with a letter or digit, no "--".
  const safeName =
    name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
      .replace(/--+/g, '-')
      .slice(0, 60) || 'model';
  const modelId = `${OPENED_FOLDER_OWNER}/${safeName}`;
  return {
    ok: true,
    modelId,
    files,
    ref: { id: modelId, source: 'local', dtype: quantized ? 'auto' : 'fp32', device: 'auto' },
  };
}

/** Registers a model folder from the user's computer with the worker and loads it. */
export async function openLocalFolder(picked: readonly { path: string; file: Blob }[]): Promise<OpenFolderResult> {
  const folder = checkModelFolder(picked);
  if (!folder.ok) return folder;
  await getRuntime().registerFiles(folder.modelId, folder.files);
  await loadModel(folder.ref); // becomes the setup's model once it has loaded
  return { ok: true, modelId: folder.modelId };
}
