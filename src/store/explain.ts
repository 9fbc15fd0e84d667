// Word attribution on demand ("Explain" on a playground result, "Why was this wrong?" on a
// misclassified evaluation example): one attribution at a time, through the loaded model's scoring
// pipeline on the 'explain' lane (core/attribution, PASSES.explain), its words filled in as each
// request returns. A newer one supersedes the older; a playground one is dropped (and its requests
// cancelled) as soon as its input, the template, the verbalizer, the scoring or the model changes.
import { create } from 'zustand';
import { explainInput, type AttributionResult } from '../core/attribution/run.ts';
import type { OcclusionMode } from '../core/attribution/occlusion.ts';
import type { PassTemplate } from '../core/pipeline.ts';
import type { ScoringOptions } from '../core/scoring.ts';
import { parseTemplate } from '../core/template.ts';
import { parseVerbalizer } from '../core/verbalizer.ts';
import { isCancellation } from '../runtime/errors.ts';
import { toFailure, type RuntimeFailure } from './failure.ts';
import { latestSlot } from './latest-run.ts';
import { rowSignature } from './live.ts';
import { modelPipeline, sameModelRef } from './runtime.ts';
import { useEvaluation } from './evaluation.ts';
import { activeTemplate, useWorkspace } from './workspace.ts';

/** What is explained: a playground input, or an example of the evaluation's results with one template. */
export type ExplainTarget =
  { kind: 'playground'; row: number } | { kind: 'evaluation'; template: number; example: number; calibrated: boolean };

export interface ExplainState {
  /** Remove each word, or replace it by the model's mask token (the user's choice; kept between explanations). */
  mode: OcclusionMode;
  target: ExplainTarget | null;
  status: 'idle' | 'running' | 'done' | 'error';
  /** The words scored so far (null before the first request returns). */
  result: AttributionResult | null;
  /** The inputs explained (the words' spans point into them). */
  inputs: Record<string, string>;
  /** Which label the highlight shows (index into result.labels); null: the predicted label. */
  label: number | null;
  error: RuntimeFailure | null;
  /** Not a runtime failure: no model, an invalid template, another model than the evaluation's. */
  problem: 'no-model' | 'invalid' | 'model-changed' | null;
  explainRow(row: number): Promise<void>;
  explainExample(template: number, example: number, calibrated: boolean): Promise<void>;
  setMode(mode: OcclusionMode): void;
  setLabel(label: number | null): void;
  close(): void;
}

const slot = latestSlot();
/** The playground attribution's identity: its row's signature and the mode. */
let watched: string | null = null;

const idle = {
  target: null,
  status: 'idle',
  result: null,
  inputs: {},
  label: null,
  error: null,
  problem: null,
} as const;

export const useExplain = create<ExplainState>()((set, get) => ({
  mode: 'remove',
  ...idle,
  explainRow: async (row) => {
    const ws = useWorkspace.getState();
    const target: ExplainTarget = { kind: 'playground', row };
    const inputs = { ...(ws.setup.inputs[row] ?? {}) };
    const template = parseTemplate(activeTemplate(ws.setup).text);
    const verbalizer = parseVerbalizer(ws.verbalizerText);
    const pipeline = modelPipeline();
    if (ws.model.status !== 'ready' || !pipeline || !sameModelRef(ws.model.ref, ws.setup.model)) {
      begin(target, inputs, 'no-model');
      return;
    }
    if (!template.ok || !verbalizer.ok) {
      begin(target, inputs, 'invalid');
      return;
    }
    const signature = rowSignature(ws, row);
    const bound = await pipeline.bind(template.template, verbalizer.verbalizer);
    // Edited while binding: explain what is there now.
    if (rowSignature(useWorkspace.getState(), row) !== signature) {
      await get().explainRow(row);
      return;
    }
    await run(target, inputs, { template: template.template, words: bound.words }, ws.setup.scoring, signature);
  },
  explainExample: async (t, example, calibrated) => {
    const target: ExplainTarget = { kind: 'evaluation', template: t, example, calibrated };
    const { result, meta } = useEvaluation.getState().run;
    const ex = result?.examples[example];
    const template = result?.templates[t];
    if (!result || !ex || !template) return;
    const inputs = { ...ex.inputs };
    const { model } = useWorkspace.getState();
    const pipeline = modelPipeline();
    if (model.status !== 'ready' || !pipeline || !model.info) {
      begin(target, inputs, 'no-model');
      return;
    }
    if (
      meta &&
      (meta.modelId !== model.info.id || meta.dtype !== model.info.dtype || meta.device !== model.info.device)
    ) {
      begin(target, inputs, 'model-changed');
      return;
    }
    // The mode the results show: calibrated or not, whatever the setup says.
    await run(target, inputs, template, { ...result.scoring, calibrate: calibrated }, null);
  },
  setMode: (mode) => {
    if (mode === get().mode) return;
    set({ mode });
    const target = get().target;
    if (!target) return;
    // The same target again, the other way.
    if (target.kind === 'playground') void get().explainRow(target.row);
    else void get().explainExample(target.template, target.example, target.calibrated);
  },
  setLabel: (label) => set({ label }),
  close: () => {
    slot.cancel();
    watched = null;
    set({ ...idle });
  },
}));

function begin(target: ExplainTarget, inputs: Record<string, string>, problem: ExplainState['problem']): void {
  slot.cancel();
  watched = null;
  useExplain.setState({ ...idle, target, inputs, status: problem ? 'error' : 'running', problem });
}

async function run(
  target: ExplainTarget,
  inputs: Record<string, string>,
  template: PassTemplate,
  scoring: ScoringOptions,
  watch: string | null,
): Promise<void> {
  const pipeline = modelPipeline();
  if (!pipeline) return;
  const ticket = slot.begin();
  useExplain.setState({ ...idle, target, inputs, status: 'running' });
  watched = watch;
  try {
    const result = await explainInput(pipeline, template, inputs, scoring, useExplain.getState().mode, {
      signal: ticket.signal,
      isCurrent: ticket.isCurrent,
      onUpdate: (partial) => {
        if (ticket.isCurrent()) useExplain.setState({ result: partial });
      },
    });
    if (!result || !ticket.isCurrent()) return;
    useExplain.setState({ result, status: 'done' });
  } catch (error) {
    if (isCancellation(error) || !ticket.isCurrent()) return;
    useExplain.setState({ status: 'error', error: toFailure(error) });
  }
}

/**
 * Drops a playground attribution (cancelling its requests) once what it explained changes: its
 * input, the template, the verbalizer, the scoring or the model (the row's signature), or the row
 * itself is gone. Returns a function that stops watching.
 */
export function dropExplanationOnEdits(): () => void {
  return useWorkspace.subscribe((state) => {
    const { target } = useExplain.getState();
    if (target?.kind !== 'playground' || watched === null) return;
    if (target.row >= state.setup.inputs.length || rowSignature(state, target.row) !== watched)
      useExplain.getState().close();
  });
}

/** Drops an evaluation attribution when another run replaces the one it explained. */
export function dropExplanationOnNewRun(): () => void {
  return useEvaluation.subscribe((state, before) => {
    if (state.run.result !== before.run.result && useExplain.getState().target?.kind === 'evaluation')
      useExplain.getState().close();
  });
}
