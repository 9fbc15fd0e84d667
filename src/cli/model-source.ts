// Where `clozelab eval` finds its model: a folder in Hugging Face layout, a copy under
// public/models/ (the generated test models, or ones saved by `npm run models:download`), or the Hub.

import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isTestModelId } from '../core/models.ts';
import { isValidModelId, type ModelDtype, type PromptSetup } from '../core/setup.ts';
import type { ModelSource } from '../runtime/protocol.ts';
import { UsageError } from './args.ts';
import { InputError } from './files.ts';

/** Where the model comes from: a folder, a copy under public/models/, or the Hub. */
export function resolveModel(
  arg: string | undefined,
  setup: PromptSetup,
  cwd: string,
  root: string,
): { source: ModelSource; folder: string | null; label: string } {
  const publicModels = join(root, 'public', 'models');
  if (arg !== undefined) {
    const asPath = resolve(cwd, arg);
    if (existsSync(asPath) && statSync(asPath).isDirectory()) {
      if (!existsSync(join(asPath, 'config.json')))
        throw new InputError(`The model folder "${arg}" has no config.json (a Hugging Face layout folder is needed).`);
      return { source: { kind: 'local', id: basename(asPath) }, folder: dirname(asPath), label: asPath };
    }
    if (!isValidModelId(arg))
      throw new InputError(`--model "${arg}" is neither a model folder nor a Hub id like "Xenova/bert-base-uncased".`);
  }
  const id = arg ?? setup.model.id;
  const localCopy = existsSync(join(publicModels, id, 'config.json'));
  if ((arg === undefined && setup.model.source === 'local') || isTestModelId(id) || localCopy) {
    if (!localCopy) {
      throw new InputError(
        isTestModelId(id)
          ? `The test model "${id}" has not been generated yet: run "npm run fixtures" first.`
          : `The local model "${id}" is not in ${publicModels}.`,
      );
    }
    return { source: { kind: 'local', id }, folder: publicModels, label: id };
  }
  return { source: { kind: 'hub', id }, folder: null, label: id };
}

/** --dtype, else the setup's. */
export function chooseDtype(flag: string | undefined, setup: PromptSetup): ModelDtype {
  if (flag !== undefined && !['fp32', 'fp16', 'q8', 'q4', 'auto'].includes(flag))
    throw new UsageError(`--dtype must be fp32, fp16, q8 or q4 (got "${flag}").`);
  return (flag as ModelDtype | undefined) ?? setup.model.dtype;
}
