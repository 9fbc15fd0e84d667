import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCORING_OPTIONS,
  argmax,
  calibrate,
  contentFreeInputs,
  logSumExp,
  meanDistribution,
  parseTemplate,
  planScoring,
  planSupports,
  requiredPrompts,
  scoreFromCache,
  scoreLabels,
  softmax,
  type PromptScores,
  type ResolvedWord,
  type ScoringOptions,
  type ScoringPlan,
  type Template,
} from '../../src/core/index.ts';

const T = (() => {
  const r = parseTemplate('[X] Overall, it was a [Z] movie.');
  if (!r.ok) throw new Error('parse');
  return r.template;
})();

function word(label: string, w: string, ids: number[], status?: ResolvedWord['status']): ResolvedWord {
  return {
    label,
    word: w,
    form: { text: w, ids, pieces: ids.map(String), hasUnknown: status === 'unknown' },
    status: status ?? (ids.length === 0 ? 'empty' : ids.length > 1 ? 'multi' : 'single'),
  };
}

type Cell = [prob: number, logit: number];
/** Score table: input text → mask count → mask index → token id → [prob, logit]. Missing cells are [0, -10]. */
type Table = Record<string, Record<number, Record<number, Record<number, Cell>>>>;

function run(
  plan: ScoringPlan,
  table: Table,
  opts: { truncated?: number } = {},
): { results: PromptScores[]; calls: number } {
  let calls = 0;
  const results = plan.prompts.map((p) => {
    calls++;
    const input = p.parts.find((x) => x.kind === 'input');
    const text = input?.kind === 'input' ? input.text : '';
    const k = p.parts.reduce((a, x) => a + (x.kind === 'mask' ? x.count : 0), 0);
    const masks = Array.from({ length: k }, (_, i) => {
      const cells = plan.tokenIds.map((id) => table[text]?.[k]?.[i]?.[id] ?? ([0, -10] as Cell));
      return { probs: cells.map((c) => c[0]), logits: cells.map((c) => c[1]), top: [] };
    });
    return { masks, tokens: [], maskPositions: [], truncatedTokens: text === '' ? 0 : (opts.truncated ?? 0) };
  });
  return { results, calls };
}

const opts = (o: Partial<ScoringOptions>): ScoringOptions => ({ ...DEFAULT_SCORING_OPTIONS, ...o });

// positive: great (id 1), good (id 2); negative: bad (id 3)
const SINGLE = [word('positive', 'great', [1]), word('positive', 'good', [2]), word('negative', 'bad', [3])];
const INPUT = 'I loved it.';
const SINGLE_TABLE: Table = {
  [INPUT]: { 1: { 0: { 1: [0.2, 2], 2: [0.1, 0], 3: [0.05, -1] } } },
  // content-free inputs (for calibration)
  'N/A': { 1: { 0: { 1: [0.4, 0], 2: [0.4, 0], 3: [0.2, 0] } } }, // 0.8 / 0.2
  '': { 1: { 0: { 1: [0.3, 0], 2: [0.3, 0], 3: [0.4, 0] } } }, //    0.6 / 0.4
  '[MASK]': { 1: { 0: { 1: [0.35, 0], 2: [0.35, 0], 3: [0.3, 0] } } }, // 0.7 / 0.3
};

function scoreWith(o: Partial<ScoringOptions>, words = SINGLE, table = SINGLE_TABLE, template: Template = T) {
  const plan = planScoring(template, { X: INPUT }, words, opts(o), { maskToken: '[MASK]' });
  return scoreLabels(plan, run(plan, table).results);
}

describe('numerics', () => {
  it('logSumExp is stable', () => {
    expect(logSumExp([Math.log(0.2), Math.log(0.1)])).toBeCloseTo(Math.log(0.3), 12);
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.log(2), 10);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
  });
  it('softmax handles -Infinity and all-invalid inputs', () => {
    expect(softmax([0, -Infinity])).toEqual([1, 0]);
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
    expect(softmax([-Infinity, NaN])).toBeNull();
    expect(softmax([Infinity, 0, Infinity])).toEqual([0.5, 0, 0.5]);
  });
  it('argmax takes the first on ties', () => {
    expect(argmax([0.2, 0.5, 0.5])).toBe(1);
    expect(argmax([])).toBe(-1);
  });
});

describe('planScoring', () => {
  const words = [
    word('positive', 'great', [1]),
    word('positive', 'wonderful', [10, 11, 12]),
    word('negative', 'awful', [20, 21]),
    word('negative', 'dreadful', [22, 23, 12]),
    word('negative', 'zzz', [99], 'unknown'),
  ];

  it('plans the 1-mask prompt and one k-mask prompt per distinct sub-token count', () => {
    const plan = planScoring(T, { X: 'Fine.' }, words);
    expect(plan.labels).toEqual(['positive', 'negative']);
    expect(plan.info.map((p) => p.maskCount)).toEqual([1, 2, 3]);
    expect(plan.prompts[2]!.parts[2]).toEqual({ kind: 'mask', count: 3 });
    // union of usable ids, deduplicated (12 appears twice), unknown word's id not requested
    expect(plan.tokenIds).toEqual([1, 10, 11, 12, 20, 21, 22, 23]);
    expect(plan.words[3]!.columns).toEqual([6, 7, 3]);
    expect(plan.words[4]!.columns).toEqual([]);
    expect(plan.keys).toHaveLength(3);
  });

  it('first-subtoken needs only the 1-mask prompt', () => {
    const plan = planScoring(T, { X: 'Fine.' }, words, opts({ multiToken: 'first-subtoken' }));
    expect(plan.info.map((p) => p.maskCount)).toEqual([1]);
  });

  it('calibration adds the content-free prompts ("N/A", "", mask token) for each mask count', () => {
    expect(contentFreeInputs(['X1', 'X2'], '<mask>')).toEqual([
      { X1: 'N/A', X2: 'N/A' },
      { X1: '', X2: '' },
      { X1: '<mask>', X2: '<mask>' },
    ]);
    const plan = planScoring(T, { X: 'Fine.' }, words, opts({ calibrate: true }), { maskToken: '[MASK]' });
    expect(plan.prompts).toHaveLength(3 + 3 * 3);
    expect(plan.contentFreePrompts).toHaveLength(3);
    expect(plan.warnings).toEqual([]);
    const noMask = planScoring(T, { X: 'Fine.' }, words, opts({ calibrate: true }));
    expect(noMask.contentFreePrompts).toHaveLength(2);
    expect(noMask.warnings.map((w) => w.code)).toEqual(['no-mask-content-free']);
  });

  it('deduplicates identical prompts (a template without inputs renders the same for every content-free input)', () => {
    const r = parseTemplate('It was [Z].');
    if (!r.ok) throw new Error('parse');
    const plan = planScoring(r.template, {}, SINGLE, opts({ calibrate: true }), { maskToken: '[MASK]' });
    expect(plan.prompts).toHaveLength(1);
    expect(plan.info[0]!.uses).toEqual(['input', 0, 1, 2]);
  });

  it('a complete plan supports every option combination', () => {
    const partial = planScoring(T, { X: 'a' }, words, opts({ multiToken: 'first-subtoken' }));
    const complete = planScoring(T, { X: 'a' }, words, opts({ multiToken: 'first-subtoken' }), {
      maskToken: '[MASK]',
      complete: true,
    });
    const all = opts({ calibrate: true, multiToken: 'all-subtokens' });
    expect(planSupports(partial, all)).toBe(false);
    expect(planSupports(complete, all)).toBe(true);
    expect(requiredPrompts(complete, opts({ multiToken: 'first-subtoken' }))).toEqual([0]);
    expect(requiredPrompts(complete, all)).toHaveLength(12);
  });
});

describe('label aggregation (single-token words)', () => {
  it("'sum': s = 0.2 + 0.1 = 0.3 vs 0.05 → 0.3/0.35 = 0.857, 0.05/0.35 = 0.143", () => {
    const s = scoreWith({ aggregation: 'sum' });
    expect(s.labels).toEqual(['positive', 'negative']);
    expect(s.probs[0]).toBeCloseTo(0.3 / 0.35, 12);
    expect(s.probs[1]).toBeCloseTo(0.05 / 0.35, 12);
    expect(s.labelScores[0]).toBeCloseTo(0.3, 12);
    expect(s.winner).toBe(0);
    expect(s.flags).toMatchObject({ uniform: false, tie: false, approximated: false, calibrated: false });
    expect(s.wordScores.map((w) => [w.word, w.prob])).toEqual([
      ['great', 0.2],
      ['good', 0.1],
      ['bad', 0.05],
    ]);
    expect(s.wordScores[0]!.logProb).toBeCloseTo(Math.log(0.2), 12);
  });

  it("'mean': (0.2 + 0.1)/2 = 0.15 vs 0.05 → 0.75 / 0.25", () => {
    const s = scoreWith({ aggregation: 'mean' });
    expect(s.probs[0]).toBeCloseTo(0.75, 12);
    expect(s.probs[1]).toBeCloseTo(0.25, 12);
  });

  it("'max': max(0.2, 0.1) = 0.2 vs 0.05 → 0.8 / 0.2", () => {
    const s = scoreWith({ aggregation: 'max' });
    expect(s.probs[0]).toBeCloseTo(0.8, 12);
    expect(s.probs[1]).toBeCloseTo(0.2, 12);
  });

  it("'logit-mean' (PET): mean(2, 0) = 1 vs -1 → softmax = 1/(1+e^-2) = 0.8808", () => {
    const s = scoreWith({ aggregation: 'logit-mean' });
    expect(s.labelScores).toEqual([1, -1]);
    expect(s.probs[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(s.probs[0]).toBeCloseTo(0.880797, 6);
    expect(s.probs[1]).toBeCloseTo(Math.exp(-2) / (1 + Math.exp(-2)), 12);
  });

  it('all-zero scores fall back to uniform with a flag and a warning', () => {
    const s = scoreWith({}, SINGLE, { [INPUT]: { 1: { 0: { 1: [0, 0], 2: [0, 0], 3: [0, 0] } } } });
    expect(s.probs).toEqual([0.5, 0.5]);
    expect(s.flags.uniform).toBe(true);
    expect(s.flags.tie).toBe(true);
    expect(s.winner).toBe(0);
    expect(s.warnings.map((w) => w.code)).toContain('uniform-fallback');
  });

  it('a label without usable words gets probability 0 and a warning', () => {
    const words = [...SINGLE, word('neutral', 'zzz', [99], 'unknown'), word('neutral', 'nothing', [], 'empty')];
    const s = scoreWith({}, words);
    expect(s.labels).toEqual(['positive', 'negative', 'neutral']);
    expect(s.probs[2]).toBe(0);
    expect(s.probs[0]).toBeCloseTo(0.3 / 0.35, 12);
    expect(s.warnings).toContainEqual(
      expect.objectContaining({ code: 'no-usable-words', params: { label: 'neutral' } }),
    );
    expect(s.wordScores[3]).toMatchObject({ used: false, prob: 0, logProb: -Infinity, logit: null });
    const lm = scoreWith({ aggregation: 'logit-mean' }, words);
    expect(lm.probs[2]).toBe(0);
    expect(lm.probs[0]! + lm.probs[1]!).toBeCloseTo(1, 12);
  });

  it('no words at all: empty distribution, winner -1', () => {
    const plan = planScoring(T, { X: INPUT }, []);
    expect(plan.tokenIds).toEqual([]);
    const s = scoreLabels(plan, run(plan, SINGLE_TABLE).results);
    expect(s).toMatchObject({ labels: [], probs: [], winner: -1 });
  });

  it('NaN or negative scores from the runtime count as 0 with a warning', () => {
    const s = scoreWith({}, SINGLE, { [INPUT]: { 1: { 0: { 1: [NaN, 0], 2: [0.1, 0], 3: [-0.5, 0] } } } });
    expect(s.probs).toEqual([1, 0]);
    expect(s.warnings).toContainEqual(expect.objectContaining({ code: 'invalid-score' }));
  });
});

describe('multi-token words', () => {
  // positive: "wonderful" = ids 10, 11, 12; negative: "bad" = id 3
  const words = [word('positive', 'wonderful', [10, 11, 12]), word('negative', 'bad', [3])];
  const table: Table = {
    [INPUT]: {
      1: { 0: { 10: [0.3, 1.5], 3: [0.04, 0.5] } },
      3: { 0: { 10: [0.5, 3] }, 1: { 11: [0.4, 2] }, 2: { 12: [0.1, 1] } },
    },
  };

  it('all-subtokens: log p(w) = log 0.5 + log 0.4 + log 0.1 = log 0.02 → 0.02 vs 0.04 → 1/3, 2/3', () => {
    const s = scoreWith({}, words, table);
    const w = s.wordScores[0]!;
    expect(w.logProb).toBeCloseTo(Math.log(0.5) + Math.log(0.4) + Math.log(0.1), 12);
    expect(w.prob).toBeCloseTo(0.02, 12);
    expect(w).toMatchObject({ approximated: false, maskCount: 3, used: true });
    expect(s.probs[0]).toBeCloseTo(0.02 / 0.06, 12);
    expect(s.probs[1]).toBeCloseTo(0.04 / 0.06, 12);
    expect(s.winner).toBe(1);
  });

  it('length normalisation: log p(w) = log(0.02) / 3 → p = 0.02^(1/3) = 0.2714', () => {
    const s = scoreWith({ lengthNormalize: true }, words, table);
    expect(s.wordScores[0]!.prob).toBeCloseTo(Math.cbrt(0.02), 12);
    expect(s.wordScores[0]!.prob).toBeCloseTo(0.271442, 6);
    expect(s.probs[0]).toBeCloseTo(Math.cbrt(0.02) / (Math.cbrt(0.02) + 0.04), 12);
    // a single-token word is unchanged by normalisation
    expect(s.wordScores[1]!.prob).toBe(0.04);
  });

  it('first-subtoken: p(w) = p(t1) = 0.3 on the 1-mask prompt, flagged as approximated', () => {
    const s = scoreWith({ multiToken: 'first-subtoken' }, words, table);
    expect(s.wordScores[0]).toMatchObject({ prob: 0.3, approximated: true, maskCount: 1 });
    expect(s.probs[0]).toBeCloseTo(0.3 / 0.34, 12);
    expect(s.flags.approximated).toBe(true);
    expect(s.warnings.map((w) => w.code)).toContain('approximated');
  });

  it("'logit-mean' uses the mean of the sub-tokens' logits: (3 + 2 + 1)/3 = 2 vs 0.5", () => {
    const s = scoreWith({ aggregation: 'logit-mean' }, words, table);
    expect(s.wordScores[0]!.logit).toBe(2);
    expect(s.probs[0]).toBeCloseTo(1 / (1 + Math.exp(0.5 - 2)), 12);
    const first = scoreWith({ aggregation: 'logit-mean', multiToken: 'first-subtoken' }, words, table);
    expect(first.wordScores[0]!.logit).toBe(1.5);
  });

  it('stays exact when word probabilities underflow (log space)', () => {
    // positive: 1e-200 · 1e-200 = 1e-400 (underflows to 0 as a double); negative: 1e-201 · 1e-200 = 1e-401
    // → P(positive) = 1e-400 / (1e-400 + 1e-401) = 1/1.1
    const tiny = [word('positive', 'aa', [10, 11]), word('negative', 'bb', [20, 21])];
    const t: Table = {
      [INPUT]: { 2: { 0: { 10: [1e-200, 0], 20: [1e-201, 0] }, 1: { 11: [1e-200, 0], 21: [1e-200, 0] } } },
    };
    const s = scoreWith({}, tiny, t);
    expect(s.probs[0]).toBeCloseTo(1 / 1.1, 12);
    expect(s.flags.uniform).toBe(false);
  });
});

describe('contextual calibration', () => {
  it('calibrate: q ∝ P / p_cf, renormalised', () => {
    // P = (6/7, 1/7), p_cf = (0.7, 0.3): (6/7)/0.7 = 60/49, (1/7)/0.3 = 10/21 → q = 0.72, 0.28
    const q = calibrate([6 / 7, 1 / 7], [0.7, 0.3]);
    expect(q[0]).toBeCloseTo(0.72, 12);
    expect(q[1]).toBeCloseTo(0.28, 12);
    expect(calibrate([0.5, 0.5], [0.5, 0.5])).toEqual([0.5, 0.5]);
    // a zero-probability label stays 0 even when p_cf is 0; p_cf is floored, never divides by 0
    expect(calibrate([1, 0], [0, 0])).toEqual([1, 0]);
    expect(calibrate([0, 0], [0.5, 0.5])).toEqual([0.5, 0.5]);
    expect(() => calibrate([1], [0.5, 0.5])).toThrow(RangeError);
  });

  it('meanDistribution averages label distributions', () => {
    expect(
      meanDistribution([
        [0.8, 0.2],
        [0.6, 0.4],
        [0.7, 0.3],
      ]).map((x) => +x.toFixed(12)),
    ).toEqual([0.7, 0.3]);
  });

  it('scoreLabels: p_cf = mean(0.8/0.2, 0.6/0.4, 0.7/0.3) = 0.7/0.3; P = 6/7, 1/7 → q = 0.72 / 0.28', () => {
    const s = scoreWith({ calibrate: true });
    expect(s.contentFree![0]).toBeCloseTo(0.7, 12);
    expect(s.contentFree![1]).toBeCloseTo(0.3, 12);
    expect(s.uncalibrated[0]).toBeCloseTo(6 / 7, 12);
    expect(s.probs[0]).toBeCloseTo(0.72, 12);
    expect(s.probs[1]).toBeCloseTo(0.28, 12);
    expect(s.flags.calibrated).toBe(true);
  });

  it('calibration can flip the winner', () => {
    // P = 0.55 / 0.45, p_cf = 0.7 / 0.3 → 0.786 vs 1.5 → negative wins (0.344 / 0.656)
    const t: Table = { ...SINGLE_TABLE, [INPUT]: { 1: { 0: { 1: [0.3, 0], 2: [0.25, 0], 3: [0.45, 0] } } } };
    const s = scoreWith({ calibrate: true }, SINGLE, t);
    expect(s.uncalibrated[0]).toBeCloseTo(0.55, 12);
    expect(s.winner).toBe(1);
    expect(s.probs[1]).toBeCloseTo(0.45 / 0.3 / (0.55 / 0.7 + 0.45 / 0.3), 12);
  });
});

describe('pure re-scoring from cached results', () => {
  const words = [word('positive', 'great', [1]), word('positive', 'wonderful', [10, 11]), word('negative', 'bad', [3])];
  const table: Table = {
    [INPUT]: { 1: { 0: { 1: [0.2, 1], 10: [0.3, 2], 3: [0.1, 0] } }, 2: { 0: { 10: [0.5, 0] }, 1: { 11: [0.5, 0] } } },
    'N/A': { 1: { 0: { 1: [0.1, 0], 3: [0.1, 0] } }, 2: { 0: { 10: [0.5, 0] }, 1: { 11: [0.2, 0] } } },
    '': { 1: { 0: { 1: [0.1, 0], 3: [0.1, 0] } }, 2: { 0: { 10: [0.5, 0] }, 1: { 11: [0.2, 0] } } },
    '[MASK]': { 1: { 0: { 1: [0.1, 0], 3: [0.1, 0] } }, 2: { 0: { 10: [0.5, 0] }, 1: { 11: [0.2, 0] } } },
  };

  it('one run of a complete plan serves every option combination', () => {
    const plan = planScoring(T, { X: INPUT }, words, DEFAULT_SCORING_OPTIONS, { maskToken: '[MASK]', complete: true });
    const { results, calls } = run(plan, table);
    expect(calls).toBe(8); // (1-mask + 2-mask) × (input + 3 content-free)
    const combos: ScoringOptions[] = [];
    for (const aggregation of ['sum', 'mean', 'max', 'logit-mean'] as const)
      for (const multiToken of ['all-subtokens', 'first-subtoken'] as const)
        for (const lengthNormalize of [false, true])
          for (const calibrate of [false, true]) combos.push({ aggregation, multiToken, lengthNormalize, calibrate });
    for (const o of combos) {
      const s = scoreLabels(plan, results, o);
      expect(s.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // same answer as a plan made for exactly these options
      expect(scoreWith(o, words, table).probs).toEqual(s.probs);
    }
    // sum, all-subtokens: 0.2 + 0.5·0.5 = 0.45 vs 0.1
    expect(scoreLabels(plan, results).probs[0]).toBeCloseTo(0.45 / 0.55, 12);
    // sum, first-subtoken: 0.2 + 0.3 = 0.5 vs 0.1
    expect(scoreLabels(plan, results, opts({ multiToken: 'first-subtoken' })).probs[0]).toBeCloseTo(0.5 / 0.6, 12);
    // calibrated: p_cf from 0.1 + 0.5·0.2 = 0.2 vs 0.1 → (2/3, 1/3); q ∝ (0.45/0.55)/(2/3), (0.1/0.55)/(1/3)
    const q0 = 0.45 / 0.55 / (2 / 3);
    const q1 = 0.1 / 0.55 / (1 / 3);
    expect(scoreLabels(plan, results, opts({ calibrate: true })).probs[0]).toBeCloseTo(q0 / (q0 + q1), 12);
  });

  it('scoreFromCache reports missing prompts, then scores; asks to re-plan when the plan lacks prompts', () => {
    const plan = planScoring(T, { X: INPUT }, words, DEFAULT_SCORING_OPTIONS, { maskToken: '[MASK]' });
    const { results } = run(plan, table);
    const cache = new Map<string, PromptScores>();
    const first = scoreFromCache(plan, (k) => cache.get(k));
    expect(first).toEqual({ ok: false, missing: [0, 1], replan: false });
    plan.keys.forEach((k, i) => cache.set(k, results[i]!));
    const second = scoreFromCache(plan, (k) => cache.get(k));
    expect(second.ok && second.scores.probs[0]).toBeCloseTo(0.45 / 0.55, 12);
    expect(scoreFromCache(plan, (k) => cache.get(k), opts({ calibrate: true }))).toEqual({
      ok: false,
      missing: [],
      replan: true,
    });
  });

  it('throws on a broken runtime contract', () => {
    const plan = planScoring(T, { X: INPUT }, words);
    const { results } = run(plan, table);
    expect(() => scoreLabels(plan, [results[0]!])).toThrow(/missing result/);
    const short = [results[0]!, { ...results[1]!, masks: results[1]!.masks.slice(0, 1) }];
    expect(() => scoreLabels(plan, short)).toThrow(/expected 2/);
    const noCols = [{ ...results[0]!, masks: [{ probs: [], logits: [], top: [] }] }, results[1]!];
    expect(() => scoreLabels(plan, noCols)).toThrow(/column/);
    expect(() => scoreLabels(plan, results, opts({ calibrate: true }))).toThrow(/content-free/);
  });

  it('reports input truncation from the runtime', () => {
    const plan = planScoring(T, { X: INPUT }, words);
    const s = scoreLabels(plan, run(plan, table, { truncated: 7 }).results);
    expect(s.flags.truncatedTokens).toBe(7);
    expect(s.warnings).toContainEqual(expect.objectContaining({ code: 'truncated' }));
  });
});
