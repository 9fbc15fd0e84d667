// Fitting a setup into the limits a saved setup may have (SETUP_LIMITS). The editor lets a user
// type or paste more than a setup may hold (a 100 kB input, a very long template); such a setup
// must not be saved as is, because the next page load would reject it and open a fresh workspace.
// The saved copy is cut to the limits, every cut is listed (so the UI says so), and the setup on
// screen keeps its full text for this session. Label and word limits are enforced by the
// verbalizer parser (VERBALIZER_LIMITS), and input slot names by the template parser (a slot
// beyond [X99] is an error), so neither needs cutting; an input under a key no template may use
// (only from an older version) is left out and listed. All limits come from limits.ts.
import { isInputSlotKey } from './limits.ts';
import { MAIN_VERBALIZER, SETUP_LIMITS, type PromptSetup } from './setup.ts';

export interface FitResult {
  setup: PromptSetup;
  /** Paths of the fields that were cut, e.g. "inputs[0].X", "templates[1].text". */
  trimmed: string[];
}

function cut(text: string, max: number, path: string, trimmed: string[]): string {
  if (text.length <= max) return text;
  trimmed.push(path);
  return text.slice(0, max);
}

/**
 * The v2 fields kept consistent with the rest of the setup after an edit elsewhere: a variant gets
 * exactly the verbalizer's labels (a label the verbalizer gained takes the verbalizer's own words
 * there; one it lost is dropped), and the grid names only templates, variants and a second model
 * the setup has (an axis left empty drops the grid). The same object when nothing had to change.
 */
export function alignSetupV2(setup: PromptSetup): PromptSetup {
  const labels = setup.verbalizer.labels;
  let changed = false;
  const verbalizerVariants = setup.verbalizerVariants.map((v) => {
    // The same labels in any order are fine (the grid reorders them when it scores).
    const own = new Set(v.labels.map((l) => l.label));
    const same =
      own.size === labels.length && v.labels.length === labels.length && labels.every((l) => own.has(l.label));
    if (same) return v;
    changed = true;
    const words = new Map(v.labels.map((l) => [l.label, l.words] as const));
    return { ...v, labels: labels.map((l) => ({ label: l.label, words: words.get(l.label) ?? [...l.words] })) };
  });
  let grid = setup.grid;
  if (grid !== null) {
    const ids = new Set(setup.templates.map((t) => t.id));
    const names = new Set(verbalizerVariants.map((v) => v.name));
    const templateIds = grid.templateIds.filter((id) => ids.has(id));
    const verbalizers = grid.verbalizers.filter((n) => n === MAIN_VERBALIZER || names.has(n));
    const models = grid.models.filter((m) => m !== 'compare' || setup.compareModel !== null);
    if (
      templateIds.length !== grid.templateIds.length ||
      verbalizers.length !== grid.verbalizers.length ||
      models.length !== grid.models.length
    ) {
      changed = true;
      grid =
        templateIds.length > 0 && verbalizers.length > 0 && models.length > 0
          ? { ...grid, templateIds, verbalizers, models }
          : null;
    }
  }
  return changed ? { ...setup, verbalizerVariants, grid } : setup;
}

/** The setup cut to SETUP_LIMITS; the same object when nothing had to change. */
export function fitSetupToLimits(input: PromptSetup): FitResult {
  const setup = alignSetupV2(input);
  const trimmed: string[] = [];
  const name = cut(setup.name, SETUP_LIMITS.nameChars, 'name', trimmed);
  const templates = setup.templates.slice(0, SETUP_LIMITS.templates).map((t, i) => {
    const entryName = cut(t.name, SETUP_LIMITS.templateNameChars, `templates[${i}].name`, trimmed);
    const text = cut(t.text, SETUP_LIMITS.templateTextChars, `templates[${i}].text`, trimmed);
    const demo =
      t.demo === undefined ? undefined : cut(t.demo, SETUP_LIMITS.templateTextChars, `templates[${i}].demo`, trimmed);
    if (entryName === t.name && text === t.text && demo === t.demo) return t;
    return demo === undefined ? { ...t, name: entryName, text } : { ...t, name: entryName, text, demo };
  });
  if (templates.length < setup.templates.length) trimmed.push('templates');
  let budget = SETUP_LIMITS.totalInputChars;
  const inputs = setup.inputs.slice(0, SETUP_LIMITS.inputRows).map((row, r) => {
    let changed = false;
    const next: Record<string, string> = {};
    for (const [slot, value] of Object.entries(row)) {
      if (!isInputSlotKey(slot)) {
        trimmed.push(`inputs[${r}].${slot.slice(0, 40)}`);
        changed = true;
        continue;
      }
      const max = Math.max(0, Math.min(SETUP_LIMITS.inputChars, budget));
      const v = cut(value, max, `inputs[${r}].${slot}`, trimmed);
      budget -= v.length;
      if (v !== value) changed = true;
      next[slot] = v;
    }
    return changed ? next : row;
  });
  if (inputs.length < setup.inputs.length) trimmed.push('inputs');
  const verbalizerVariants = setup.verbalizerVariants.slice(0, SETUP_LIMITS.verbalizerVariants);
  if (verbalizerVariants.length < setup.verbalizerVariants.length) trimmed.push('verbalizerVariants');
  if (trimmed.length === 0) return { setup, trimmed };
  const activeTemplateId = templates.some((t) => t.id === setup.activeTemplateId)
    ? setup.activeTemplateId
    : templates[0]!.id;
  const grid = fitGrid(setup.grid, new Set(templates.map((t) => t.id)), new Set(verbalizerVariants.map((v) => v.name)));
  if (grid !== setup.grid) trimmed.push('grid');
  return { setup: { ...setup, name, templates, activeTemplateId, inputs, verbalizerVariants, grid }, trimmed };
}

/** The grid without the templates and variants that were cut; null when an axis is left empty. */
function fitGrid(grid: PromptSetup['grid'], templateIds: Set<string>, variants: Set<string>): PromptSetup['grid'] {
  if (grid === null) return null;
  const kept = grid.templateIds.filter((id) => templateIds.has(id));
  const verbalizers = grid.verbalizers.filter((n) => n === MAIN_VERBALIZER || variants.has(n));
  if (kept.length === grid.templateIds.length && verbalizers.length === grid.verbalizers.length) return grid;
  return kept.length === 0 || verbalizers.length === 0 ? null : { ...grid, templateIds: kept, verbalizers };
}
