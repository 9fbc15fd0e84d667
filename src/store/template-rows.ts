// Scoring the workspace's example inputs with one template through the loaded model's scoring
// pipeline: the live view does it for the active template (live.ts), the template comparison for
// a second one (compare.ts). Both read the same result cache, so a prompt they share runs once.
import type { BoundVerbalizer } from '../core/bound-verbalizer.ts';
import type { PassSettings, ScoringPipeline } from '../core/pipeline.ts';
import { parseTemplate, promptLayout } from '../core/template.ts';
import { parseVerbalizer } from '../core/verbalizer.ts';
import { modelPipeline, sameModelRef } from './runtime.ts';
import type { RowResult, WorkspaceState } from './workspace.ts';

/**
 * True when an example input has no text in any of `slots` (e.g. one just added): it is not sent
 * to the model, and the UI asks for a sentence instead of showing a prediction for an empty prompt.
 */
export function isEmptyInput(inputs: Readonly<Record<string, string>> | undefined, slots: readonly string[]): boolean {
  return slots.length > 0 && slots.every((slot) => (inputs?.[slot] ?? '').trim() === '');
}

/** The identity of a row's result with `templateText`: everything that changes its numbers. */
export function templateRowSignature(state: WorkspaceState, templateText: string, row: number): string {
  const { setup, model } = state;
  return JSON.stringify([
    model.info?.id,
    model.info?.dtype,
    templateText,
    // The text as typed, so a verbalizer with errors dims the last good chart.
    state.verbalizerText,
    setup.scoring,
    setup.inputs[row] ?? null,
  ]);
}

export interface TemplateRowsOptions {
  /** The pass settings (PASSES.live or PASSES.compare): lane, request size, top-k. */
  settings: PassSettings;
  /** False once a newer run of the caller started: stop without writing anything. */
  isCurrent: () => boolean;
  /** The verbalizer bound to the model and this template (also while the template is invalid). */
  onBound?: (bound: BoundVerbalizer) => void;
  /** Called when the model has to run (not everything was cached). */
  onModelRun?: () => void;
  signature(row: number): string;
}

/**
 * Scores every example input of `state`'s setup with `templateText` through the model's scoring
 * pipeline: the verbalizer is bound to this model and template, prompts already answered come from
 * the pipeline's cache, the rest runs in the settings' lane. Throws runtime errors (cancellations
 * included) to the caller.
 */
export async function scoreTemplateRows(
  state: WorkspaceState,
  templateText: string,
  options: TemplateRowsOptions,
): Promise<(RowResult | null)[] | 'not-ready' | 'invalid' | 'superseded'> {
  const { model, setup } = state;
  const current = modelPipeline();
  if (model.status !== 'ready' || !model.facts || !current) return 'not-ready';
  if (!sameModelRef(model.ref, setup.model)) return 'not-ready';
  return scoreRowsOnPipeline(current, model.facts.maskToken, state, templateText, options);
}

/**
 * Scores every example input of `state`'s setup with `templateText` on `current`, a loaded model's
 * scoring pipeline (the setup's model, or the second model of the side-by-side view: each binds
 * the label words to its own tokenizer and reads at its own mask token).
 */
export async function scoreRowsOnPipeline(
  current: ScoringPipeline,
  maskToken: string,
  state: Pick<WorkspaceState, 'setup' | 'verbalizerText'>,
  templateText: string,
  options: TemplateRowsOptions,
): Promise<(RowResult | null)[] | 'invalid' | 'superseded'> {
  const { setup } = state;
  const parsedTemplate = parseTemplate(templateText);
  const parsedVerbalizer = parseVerbalizer(state.verbalizerText);
  if (!parsedVerbalizer.ok) return 'invalid';
  const template = parsedTemplate.ok ? parsedTemplate.template : null;

  // 1. The verbalizer bound to this model and template (tokenized once per model and word form).
  const bound = await current.bind(template, parsedVerbalizer.verbalizer);
  if (!options.isCurrent()) return 'superseded';
  options.onBound?.(bound);
  if (!template) return 'invalid';

  // 2–4. Plan, de-duplicate, cache, run what is missing, re-score. Empty inputs are left out.
  const rows = setup.inputs.flatMap((inputs, row) => (isEmptyInput(inputs, template.slots) ? [] : [row]));
  const scored = await current.scoreInputs(
    [{ template, words: bound.words }],
    rows.map((row) => setup.inputs[row]!),
    setup.scoring,
    options.settings,
    { isCurrent: options.isCurrent, ...(options.onModelRun ? { onModelRun: options.onModelRun } : {}) },
  );
  if (!scored || !options.isCurrent()) return 'superseded';
  const results: (RowResult | null)[] = setup.inputs.map(() => null);
  scored.forEach(([r], i) => {
    const row = rows[i]!;
    results[row] = {
      signature: options.signature(row),
      scores: r!.scores,
      layout: promptLayout(r!.prompt, maskToken),
      top: r!.main.masks[0]?.top ?? [],
      tokens: r!.main.tokens,
      maskPositions: r!.main.maskPositions,
      truncatedTokens: r!.main.truncatedTokens,
      ...(r!.main.inputsRead ? { inputsRead: r!.main.inputsRead } : {}),
    };
  });
  return results;
}
