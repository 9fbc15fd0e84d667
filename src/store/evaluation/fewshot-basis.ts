// What a few-shot result was computed from — the templates, the verbalizer, the scoring options, the
// data (training pool and test file) and the model — and whether that still holds. A result whose
// basis changed is kept and shown as not current (the app's "not current" treatment).
import type { EvalExample } from '../../core/dataset.ts';
import type { PromptSetup } from '../../core/setup.ts';
import { sameModelRef } from '../runtime.ts';
import type { WorkspaceState } from '../workspace.ts';
import type { EvalState, FewShotBasis } from './state.ts';
import { chosenTemplates } from './chosen-templates.ts';
import { testExamples } from './fewshot-test-data.ts';

const fingerprints = new WeakMap<readonly EvalExample[], string>();

/** A short fingerprint of the examples (FNV-1a over their lines, labels and inputs); memoized per array. */
export function examplesFingerprint(examples: readonly EvalExample[]): string {
  const hit = fingerprints.get(examples);
  if (hit !== undefined) return hit;
  let h = 0x811c9dc5;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0xff; // a separator, so that "ab","c" ≠ "a","bc"
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (const e of examples) {
    mix(String(e.line));
    mix(e.gold);
    for (const [slot, text] of Object.entries(e.inputs)) {
      mix(slot);
      mix(text);
    }
  }
  const print = `${examples.length}:${h.toString(16)}`;
  fingerprints.set(examples, print);
  return print;
}

/** The chosen templates in the order a few-shot run uses them: the setup's active one first. */
export function fewShotTemplates(setup: PromptSetup, selected: readonly string[] | null) {
  const chosen = chosenTemplates(setup, selected);
  const active = chosen.findIndex((c) => c.entry.id === setup.activeTemplateId);
  return active > 0 ? [chosen[active]!, ...chosen.slice(0, active), ...chosen.slice(active + 1)] : chosen;
}

/** What the basis is read from. */
export type BasisState = Pick<
  EvalState,
  'fewShot' | 'examples' | 'mapping' | 'selectedTemplates' | 'fewShotSettings' | 'fewShotTest'
>;
type BasisWorkspace = Pick<WorkspaceState, 'setup' | 'model'>;

/** The test file's examples when the settings ask for it, else null ("the rest"). */
export function fewShotTestExamples(state: Omit<BasisState, 'fewShot'>, setup: PromptSetup): EvalExample[] | null {
  if (state.fewShotSettings.testSource !== 'file') return null;
  const dataset = state.fewShotTest?.dataset;
  if (!dataset) return null;
  return testExamples(
    dataset,
    state.mapping,
    setup.verbalizer.labels.map((l) => l.label),
  ).examples;
}

/** The basis of a run started now (null without a model). */
export function currentBasis(state: Omit<BasisState, 'fewShot'>, workspace: BasisWorkspace): FewShotBasis | null {
  const { setup, model } = workspace;
  if (!model.ref) return null;
  const test = fewShotTestExamples(state, setup);
  return {
    templates: fewShotTemplates(setup, state.selectedTemplates).map(({ entry }) => ({
      id: entry.id,
      text: entry.text,
      ...(entry.demo !== undefined ? { demo: entry.demo } : {}),
    })),
    verbalizer: JSON.stringify(setup.verbalizer),
    scoring: JSON.stringify(setup.scoring),
    data: examplesFingerprint(state.examples),
    testData: test ? examplesFingerprint(test) : null,
    model: model.ref,
  };
}

/** Whether the few-shot result no longer describes the current setup, data or model. */
export function fewShotOutdated(state: BasisState, workspace: BasisWorkspace): boolean {
  const basis = state.fewShot.basis;
  if (!basis) return false;
  const now = currentBasis(state, workspace);
  if (!now) return true;
  return (
    !sameModelRef(basis.model, now.model) ||
    basis.verbalizer !== now.verbalizer ||
    basis.scoring !== now.scoring ||
    basis.data !== now.data ||
    basis.testData !== now.testData ||
    JSON.stringify(basis.templates) !== JSON.stringify(now.templates)
  );
}
