// Node only (CLI): tells Transformers.js where local model folders are and whether it may use the
// Hugging Face Hub. Kept here because only src/runtime may touch Transformers.js.

import { env } from '@huggingface/transformers';

/** Local models ('local' sources) are read from `<folder>/<id>/`. */
export function setLocalModelFolder(folder: string): void {
  env.allowLocalModels = true;
  env.localModelPath = folder.endsWith('/') ? folder : `${folder}/`;
}

/** Whether 'hub' sources may download from the Hugging Face Hub. */
export function allowHubDownloads(allow: boolean): void {
  env.allowRemoteModels = allow;
}
