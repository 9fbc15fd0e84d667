// Grid planning (src/core/grid.ts): axes resolved against the setup, variants in the verbalizer's
// label order, the forward-pass count of a shared grid against one run per cell, and the v2 fields
// following edits of the labels and templates they depend on (setup-fit.ts alignSetupV2).
import { describe, expect, it } from 'vitest';
import { effectiveGrid, gridAxes, gridCellKeys, gridVerbalizer, planGrid } from '../../src/core/grid.ts';
import { alignSetupV2, fitSetupToLimits } from '../../src/core/setup-fit.ts';
import { parseSetup } from '../../src/core/setup-parse.ts';
import { defaultSetup, type ModelRef, type PromptSetup } from '../../src/core/setup.ts';

const ROBERTA: ModelRef = { id: 'clozelab-test/roberta-tiny', source: 'local', dtype: 'q8', device: 'auto' };

function setup(): PromptSetup {
  const s = defaultSetup();
  return {
    ...s,
    templates: [
      { id: 't1', name: 'one', text: '[X] It was [Z].' },
      { id: 't2', name: 'two', text: '[X] A [Z] movie.' },
      { id: 't3', name: 'three', text: 'All in all [Z]. [X]' },
    ],
    compareModel: ROBERTA,
    verbalizerVariants: [
      {
        name: 'short',
        labels: [
          { label: 'negative', words: ['bad'] },
          { label: 'positive', words: ['good'] },
        ],
      },
    ],
    grid: {
      templateIds: ['t1', 't2', 't3'],
      verbalizers: ['main', 'short'],
      models: ['setup'],
      calibration: [false, true],
    },
  };
}

describe('grid planning', () => {
  it('3 templates × 2 verbalizers × 2 calibration on 1,000 examples: 3 × 1,000 + content-free, not 12 × 1,000', () => {
    const axes = gridAxes(setup());
    const plan = planGrid(axes, 1000);
    expect(plan.cells).toBe(12);
    expect(plan.contentFreePrompts).toBe(3 * 3);
    expect(plan.sharedPrompts).toBe(3 * 1000 + 9);
    expect(plan.separatePrompts).toBe(12 * 1000 + 12 * 3);
    expect(gridCellKeys(axes)).toHaveLength(12);
  });

  it('each model runs its own prompts; a second model doubles the shared count', () => {
    const s = setup();
    const axes = gridAxes(s, { ...s.grid!, models: ['setup', 'compare'] });
    expect(axes.models).toEqual([defaultSetup().model, ROBERTA]);
    expect(planGrid(axes, 100).sharedPrompts).toBe(2 * (3 * 100 + 9));
  });

  it("'setup' and the same model written out count once; no grid means the setup's templates × main × off/on", () => {
    const s = setup();
    const axes = gridAxes(s, { ...s.grid!, models: ['setup', { ...s.model }] });
    expect(axes.models).toHaveLength(1);
    expect(effectiveGrid({ ...s, grid: null })).toEqual({
      templateIds: ['t1', 't2', 't3'],
      verbalizers: ['main'],
      models: ['setup'],
      calibration: [false, true],
    });
  });

  it("a variant is scored in the verbalizer's label order", () => {
    expect(gridVerbalizer(setup(), 'short')).toEqual({
      labels: [
        { label: 'positive', words: ['good'] },
        { label: 'negative', words: ['bad'] },
      ],
    });
    const s = setup();
    expect(gridVerbalizer(s, 'main')).toBe(s.verbalizer);
    expect(() => gridVerbalizer(s, 'nope')).toThrow(RangeError);
  });
});

describe('variants and grid follow edits elsewhere', () => {
  it('a label added to the verbalizer gets its words in each variant; a removed one is dropped', () => {
    const s = setup();
    const edited = {
      ...s,
      verbalizer: {
        labels: [
          { label: 'positive', words: ['great'] },
          { label: 'neutral', words: ['okay'] },
        ],
      },
    };
    const aligned = alignSetupV2(edited);
    expect(aligned.verbalizerVariants[0]!.labels).toEqual([
      { label: 'positive', words: ['good'] },
      { label: 'neutral', words: ['okay'] },
    ]);
    expect(parseSetup(aligned).ok).toBe(true);
  });

  it('a removed template or variant leaves the grid; an empty axis removes the grid; saves stay valid', () => {
    const s = setup();
    const withoutT2 = alignSetupV2({ ...s, templates: s.templates.filter((t) => t.id !== 't2') });
    expect(withoutT2.grid!.templateIds).toEqual(['t1', 't3']);
    const noVariant = alignSetupV2({ ...s, verbalizerVariants: [], grid: { ...s.grid!, verbalizers: ['short'] } });
    expect(noVariant.grid).toBeNull();
    const noCompare = alignSetupV2({ ...s, compareModel: null, grid: { ...s.grid!, models: ['setup', 'compare'] } });
    expect(noCompare.grid!.models).toEqual(['setup']);
    expect(alignSetupV2(s)).toBe(s);
    expect(parseSetup(fitSetupToLimits({ ...s, templates: s.templates.slice(0, 1) }).setup).ok).toBe(true);
  });
});
