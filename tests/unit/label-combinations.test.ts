// Label-word search, step 2: the combination search on K-shot training logits (pure core).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../src/core/dataset.ts';
import { fewShotSplit } from '../../src/core/fewshot/splits.ts';
import {
  comboTrainingPrompts,
  searchLabelCombinations,
  type ComboCandidate,
} from '../../src/core/label-combinations.ts';
import { parseTemplate } from '../../src/core/template.ts';

/** Every combination, judged the plain way (an independent re-statement of the rules). */
function bruteForce(candidates: ComboCandidate[][], tokenIds: number[], logits: number[][], gold: number[]) {
  const all: { picks: number[]; correct: number; margin: number }[] = [];
  const walk = (picks: number[]) => {
    if (picks.length === candidates.length) {
      const ids = picks.map((k, l) => candidates[l]![k]!.id);
      if (new Set(ids).size < ids.length) return;
      const cols = ids.map((id) => tokenIds.indexOf(id));
      let correct = 0;
      let margin = 0;
      gold.forEach((g, e) => {
        const vals = cols.map((c) => logits[e]![c]!);
        const others = vals.filter((_, l) => l !== g);
        const bestOther = Math.max(...others);
        if (vals[g]! > bestOther) correct++;
        margin += vals[g]! - bestOther;
      });
      all.push({ picks, correct, margin: gold.length ? margin / gold.length : 0 });
      return;
    }
    candidates[picks.length]!.forEach((_, k) => walk([...picks, k]));
  };
  walk([]);
  return all.sort(
    (a, b) =>
      b.correct - a.correct ||
      b.margin - a.margin ||
      a.picks.join(',').localeCompare(b.picks.join(','), 'en', { numeric: true }),
  );
}

/** A problem: L labels with n candidates each, drawn from a small shared token pool (so duplicates occur). */
const problem = fc
  .record({
    labels: fc.integer({ min: 2, max: 4 }),
    n: fc.integer({ min: 1, max: 4 }),
    e: fc.integer({ min: 1, max: 12 }),
  })
  .chain(({ labels, n, e }) =>
    fc.record({
      candidates: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }), {
        minLength: labels,
        maxLength: labels,
      }),
      logits: fc.array(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 10, maxLength: 10 }), {
        minLength: e,
        maxLength: e,
      }),
      gold: fc.array(fc.integer({ min: 0, max: labels - 1 }), { minLength: e, maxLength: e }),
    }),
  );

const asCandidates = (ids: number[][]) => ids.map((list) => list.map((id) => ({ id, word: `w${id}` })));
const TOKENS = Array.from({ length: 10 }, (_, i) => i);

describe('searchLabelCombinations', () => {
  it('exhaustive search gives exactly the brute-force ranking (property)', () => {
    fc.assert(
      fc.property(problem, ({ candidates: ids, logits, gold }) => {
        const candidates = asCandidates(ids);
        const r = searchLabelCombinations({ candidates, tokenIds: TOKENS, logits, gold, top: 1000 });
        const expected = bruteForce(candidates, TOKENS, logits, gold);
        expect(r.method).toBe('exhaustive');
        expect(r.evaluated).toBe(expected.length);
        expect(r.combinations.map((c) => [c.picks, c.correct])).toEqual(expected.map((c) => [c.picks, c.correct]));
        for (const c of r.combinations) {
          expect(c.accuracy).toBeCloseTo(c.correct / gold.length, 12);
          expect(c.words).toEqual(c.picks.map((k, l) => candidates[l]![k]!.word));
          expect(new Set(c.ids).size).toBe(c.ids.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a tie with the gold label counts as wrong; two labels never share a token', () => {
    const candidates = asCandidates([
      [1, 2],
      [2, 3],
    ]);
    const r = searchLabelCombinations({ candidates, tokenIds: [1, 2, 3], logits: [[5, 5, 5]], gold: [0], top: 10 });
    expect(r.combinations.map((c) => c.ids)).toEqual([
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(r.combinations.every((c) => c.correct === 0)).toBe(true);
    expect(r.space).toBe(4);
    expect(r.evaluated).toBe(3);
  });

  it('beyond maxExhaustive a beam search runs; it finds a planted best combination and never beats exhaustive', () => {
    // 4 labels × 5 candidates; label l's 3rd candidate (token 10·l + 2) is high exactly on l's examples.
    const candidates = asCandidates([0, 1, 2, 3].map((l) => [0, 1, 2, 3, 4].map((k) => 10 * l + k)));
    const tokenIds = Array.from({ length: 40 }, (_, i) => i);
    const gold = Array.from({ length: 24 }, (_, e) => e % 4);
    const noise = (e: number, t: number) => ((e * 31 + t * 17) % 13) / 13;
    const logits = gold.map((g, e) => tokenIds.map((t) => noise(e, t) + (t === 10 * g + 2 ? 5 : 0)));
    const beam = searchLabelCombinations({
      candidates,
      tokenIds,
      logits,
      gold,
      maxExhaustive: 10,
      beamWidth: 8,
      top: 3,
    });
    expect(beam.method).toBe('beam');
    expect(beam.beamWidth).toBe(8);
    expect(beam.space).toBe(625);
    expect(beam.combinations[0]!.ids).toEqual([2, 12, 22, 32]);
    expect(beam.combinations[0]!.accuracy).toBe(1);
    const full = searchLabelCombinations({ candidates, tokenIds, logits, gold, top: 3 });
    expect(full.method).toBe('exhaustive');
    expect(full.combinations[0]!.ids).toEqual([2, 12, 22, 32]);
    fc.assert(
      fc.property(problem, ({ candidates: ids, logits: l, gold: g }) => {
        const c = asCandidates(ids);
        const b = searchLabelCombinations({
          candidates: c,
          tokenIds: TOKENS,
          logits: l,
          gold: g,
          maxExhaustive: 0,
          beamWidth: 2,
        });
        const x = searchLabelCombinations({ candidates: c, tokenIds: TOKENS, logits: l, gold: g });
        expect(b.combinations[0]?.correct ?? 0).toBeLessThanOrEqual(x.combinations[0]?.correct ?? 0);
      }),
      { numRuns: 200 },
    );
  });

  it('empty candidate lists give no combinations', () => {
    expect(
      searchLabelCombinations({ candidates: [[{ id: 1, word: 'a' }], []], tokenIds: [1], logits: [[1]], gold: [0] }),
    ).toMatchObject({ combinations: [], space: 0, evaluated: 0 });
  });
});

describe('comboTrainingPrompts', () => {
  const template = (() => {
    const p = parseTemplate('[X] It was [Z].');
    if (!p.ok) throw new Error('template');
    return p.template;
  })();
  const labels = ['pos', 'neg', 'neutral'];

  /** Examples whose inputs record who read them. */
  function recordingExamples(count: number) {
    const read = new Set<number>();
    const examples: EvalExample[] = Array.from({ length: count }, (_, i) => {
      const inputs = { X: `example ${i}` };
      return {
        line: i + 2,
        endLine: i + 2,
        gold: labels[i % 3]!,
        rawLabel: labels[i % 3]!,
        get inputs() {
          read.add(i);
          return inputs;
        },
      };
    });
    return { examples, read };
  }

  it('is fewShotSplit’s training set (K per label), and never reads a test row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.constantFrom(13, 21, 42, 87, 100), (k, seed) => {
        const { examples, read } = recordingExamples(60);
        const r = comboTrainingPrompts(template, examples, labels, k, seed);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const split = fewShotSplit({ examples, labels, k, seed, testFileSize: null, maxTest: null });
        expect(split.ok && split.split.train).toEqual(r.train);
        expect(r.prompts).toHaveLength(3 * k);
        expect(r.gold).toEqual(r.train.map((i) => i % 3));
        // Inputs of training rows only: no test row was read.
        expect([...read].sort((a, b) => a - b)).toEqual([...r.train].sort((a, b) => a - b));
        expect(r.prompts[0]!.parts.some((p) => p.kind === 'input' && p.text === `example ${r.train[0]}`)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('too few examples of a label for K: says which label, how many it has and needs', () => {
    const { examples } = recordingExamples(9); // 3 per label
    expect(comboTrainingPrompts(template, examples, labels, 4, 13)).toEqual({
      ok: false,
      label: 'pos',
      have: 3,
      need: 4,
    });
    // K equal to every label's count: all rows train (no test set is needed here).
    const all = comboTrainingPrompts(template, examples, labels, 3, 13);
    expect(all.ok && all.train.length).toBe(9);
  });
});
