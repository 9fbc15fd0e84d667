// Which model is in use and which one is asked for, as every status line shows it (model panel,
// inputs, explainer, template and verbalizer help): one derivation from the workspace, so no two
// lines can disagree. "In use" is the setup's model (setup.model: scoring, persisted, shared);
// "asked for" is a request (runtime.ts) that is loading, failed, or waits for a download click.
import { parseTemplate } from '../core/template.ts';
import { parseVerbalizer } from '../core/verbalizer.ts';
import type { RuntimeFailure } from './failure.ts';
import { sameModelRef } from './runtime.ts';
import { activeTemplate, type WorkspaceState } from './workspace.ts';

export type InUse =
  /** Loaded and scoring. */
  | { status: 'ready'; id: string }
  | { status: 'loading'; id: string }
  | { status: 'failed'; id: string; error: RuntimeFailure }
  /** Not loaded (nothing tried yet, or a load was superseded): the model panel offers Load. */
  | { status: 'idle'; id: string };

export type Asked = null | {
  id: string;
  status: 'waiting' | 'loading' | 'failed';
  error: RuntimeFailure | null;
};

export interface ModelSituation {
  inUse: InUse;
  asked: Asked;
  /** Whether the template and the verbalizer parse (scoring waits for nothing else). */
  inputsValid: boolean;
}

/** The model in use and the one asked for (memoised on the parts of the state it reads). */
export const selectModelSituation = memoized();

function memoized(): (state: WorkspaceState) => ModelSituation {
  let memo: { inputs: unknown[]; value: ModelSituation } | null = null;
  return (state) => {
    const templateText = activeTemplate(state.setup).text;
    const inputs = [state.model, state.request, state.setup.model, templateText, state.verbalizerText];
    if (memo?.inputs.every((value, i) => value === inputs[i])) return memo.value;
    const value = modelSituation(state);
    memo = { inputs, value };
    return value;
  };
}

export function modelSituation(state: WorkspaceState): ModelSituation {
  const { model, request, setup } = state;
  const id = setup.model.id;
  const own = sameModelRef(model.ref, setup.model);
  const inUse: InUse =
    own && model.status === 'ready'
      ? { status: 'ready', id }
      : own && model.status === 'loading'
        ? { status: 'loading', id }
        : own && model.status === 'error' && model.error
          ? { status: 'failed', id, error: model.error }
          : { status: 'idle', id };
  const asked: Asked = request ? { id: request.ref.id, status: request.status, error: request.error } : null;
  const inputsValid = parseTemplate(activeTemplate(setup).text).ok && parseVerbalizer(state.verbalizerText).ok;
  return { inUse, asked, inputsValid };
}
