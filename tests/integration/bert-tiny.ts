// The generated BERT-tiny test model (random weights), loaded in this process from public/models
// only: the Hub is never asked.
import { join, resolve } from 'node:path';
import { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { allowHubDownloads, setLocalModelFolder } from '../../src/runtime/node-models.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const MODELS_DIR = join(REPO_ROOT, 'public', 'models');
export const BERT_TINY = 'clozelab-test/bert-tiny';

export function loadBertTiny(): Promise<MaskedLMEngine> {
  setLocalModelFolder(MODELS_DIR);
  allowHubDownloads(false);
  return MaskedLMEngine.load({ kind: 'local', id: BERT_TINY }, { dtype: 'fp32' });
}
