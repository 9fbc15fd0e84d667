// Evaluation grids (setup.grid): the axes of a grid — templates × verbalizers (the main one and
// named variants) × models × calibration on/off — resolved against the setup, the verbalizer of each
// variant in the main verbalizer's label order, and the plan of what a grid costs.
//
// Why a grid is cheap: a verbalizer variant changes only which token ids are read at [Z], and
// calibration only how the distribution is re-scored; neither changes a prompt. So one pass of the
// scoring pipeline per model asks for the union of all variants' token ids and scores every
// (template, verbalizer) pair from the same answers, and PASSES.evaluation's calibration 'both'
// gives both calibration settings from that one pass. Forward passes per model: templates ×
// distinct inputs, plus each template's content-free prompts once (and, for multi-token label
// words, their k-mask prompts) — not cells × examples. grid-run.ts runs it.

import { contentFreeStrings } from './calibration.ts';
import {
  MAIN_VERBALIZER,
  modelKey,
  type GridModel,
  type ModelRef,
  type PromptSetup,
  type SetupGrid,
  type TemplateEntry,
} from './setup.ts';
import type { Verbalizer } from './verbalizer.ts';

/** A grid's axes, resolved: template entries, verbalizer names, concrete models, calibration settings. */
export interface GridAxes {
  templates: TemplateEntry[];
  /** MAIN_VERBALIZER or a variant's name. */
  verbalizers: string[];
  /** Distinct models ('setup' and 'compare' resolved). */
  models: ModelRef[];
  calibration: boolean[];
}

/** One cell's coordinates: indices into the axes. */
export interface GridCellKey {
  template: number;
  verbalizer: number;
  model: number;
  calibration: number;
}

/** The grid a setup asks for; without one, its templates × the main verbalizer × its model × off/on. */
export function effectiveGrid(setup: PromptSetup): SetupGrid {
  return (
    setup.grid ?? {
      templateIds: setup.templates.map((t) => t.id),
      verbalizers: [MAIN_VERBALIZER],
      models: ['setup'],
      calibration: [false, true],
    }
  );
}

function resolveModel(setup: PromptSetup, m: GridModel): ModelRef | null {
  if (m === 'setup') return setup.model;
  if (m === 'compare') return setup.compareModel;
  return m;
}

/** The grid's axes against the setup (unknown names are dropped; parseSetup reports them). */
export function gridAxes(setup: PromptSetup, grid: SetupGrid = effectiveGrid(setup)): GridAxes {
  const templates = grid.templateIds.flatMap((id) => setup.templates.filter((t) => t.id === id));
  const variants = new Set(setup.verbalizerVariants.map((v) => v.name));
  const verbalizers = grid.verbalizers.filter((n) => n === MAIN_VERBALIZER || variants.has(n));
  const models: ModelRef[] = [];
  const seen = new Set<string>();
  for (const m of grid.models) {
    const ref = resolveModel(setup, m);
    if (ref === null || seen.has(modelKey(ref))) continue;
    seen.add(modelKey(ref));
    models.push(ref);
  }
  return { templates, verbalizers, models, calibration: [...new Set(grid.calibration)] };
}

/**
 * The verbalizer a grid column scores with: the main one, or a variant with its labels in the main
 * verbalizer's order (so every cell's distributions, metrics and confusion matrices line up).
 */
export function gridVerbalizer(setup: PromptSetup, name: string): Verbalizer {
  if (name === MAIN_VERBALIZER) return setup.verbalizer;
  const variant = setup.verbalizerVariants.find((v) => v.name === name);
  if (!variant) throw new RangeError(`No verbalizer variant "${name}".`);
  const words = new Map(variant.labels.map((l) => [l.label, l.words] as const));
  return { labels: setup.verbalizer.labels.map((l) => ({ label: l.label, words: [...(words.get(l.label) ?? [])] })) };
}

/** All cells, in row-major order: template, verbalizer, model, calibration. */
export function gridCellKeys(axes: GridAxes): GridCellKey[] {
  const keys: GridCellKey[] = [];
  axes.templates.forEach((_, template) =>
    axes.verbalizers.forEach((_, verbalizer) =>
      axes.models.forEach((_, model) =>
        axes.calibration.forEach((_, calibration) => keys.push({ template, verbalizer, model, calibration })),
      ),
    ),
  );
  return keys;
}

/** What a grid costs in forward passes (prompts the model runs), shared against one run per cell. */
export interface GridPlan {
  cells: number;
  /** Forward passes with prompts shared: per model, templates × inputs + content-free prompts. */
  sharedPrompts: number;
  /** Forward passes if every cell were evaluated on its own (an evaluation run each, content-free prompts included). */
  separatePrompts: number;
  /** Of sharedPrompts: the content-free prompts (calibration), once per template and model. */
  contentFreePrompts: number;
}

/**
 * The forward-pass count of a grid on `inputs` distinct inputs, for single-token label words (a
 * multi-token word adds its k-mask prompts to both counts). The runner reports what it really ran.
 */
export function planGrid(axes: GridAxes, inputs: number, maskToken = '[MASK]'): GridPlan {
  const t = axes.templates.length;
  const m = axes.models.length;
  const cf = contentFreeStrings(maskToken).length;
  const cells = t * axes.verbalizers.length * m * axes.calibration.length;
  const contentFreePrompts = t * m * cf;
  return {
    cells,
    sharedPrompts: t * m * inputs + contentFreePrompts,
    // An evaluation run always plans calibration (PASSES.evaluation), so each cell run on its own
    // runs its content-free prompts too.
    separatePrompts: cells * (inputs + cf),
    contentFreePrompts,
  };
}
