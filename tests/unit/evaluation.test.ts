import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../src/core/dataset.ts';
import { evaluationOrder, type EvaluationRun, type ExampleOutcome } from '../../src/core/evaluation.ts';
import { evaluationReport, predictionsCsv, summarizeMetrics } from '../../src/core/evaluation-report.ts';
import {
  examplePrompt,
  exampleTruncation,
  finishedExamples,
  predictions,
  runMetrics,
  truncationNote,
  truncationSummary,
} from '../../src/core/evaluation-results.ts';
import type { PreparedTemplate } from '../../src/core/bound-verbalizer.ts';
import { diagnose, dominanceThreshold } from '../../src/core/diagnosis.ts';
import { computeMetrics, MACRO_CONVENTION } from '../../src/core/metrics.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { parseTemplate } from '../../src/core/template.ts';
import { appendLabelWord, labelSearchPrompts, rankLabelWords, tokenWord } from '../../src/core/label-search.ts';
import { count } from '../../src/ui/eval/format.ts';
import { percent } from '../../src/core/percent.ts';
import { formatIssue } from '../../src/core/messages/index.ts';

function template(id: string, text: string): PreparedTemplate {
  const parse = parseTemplate(text);
  if (!parse.ok) throw new Error('bad template');
  return { id, name: id, text, template: parse.template, words: [], issues: [] };
}

const outcome = (uncalibrated: number[], calibrated = uncalibrated): ExampleOutcome => ({
  uncalibrated,
  calibrated,
  uniform: false,
  top: [],
  truncatedTokens: 0,
  truncatedInputs: [],
});

/** A finished run built by hand: 3 labels, 5 examples, 2 templates. */
function handRun(done = 5): EvaluationRun {
  const labels = ['pos', 'neg', 'neu'];
  const examples: EvalExample[] = ['pos', 'pos', 'neg', 'neg', 'neu'].map((gold, i) => ({
    line: i + 2,
    endLine: i + 2,
    inputs: { X: `=text ${i}` },
    gold,
    rawLabel: gold,
  }));
  // Template A: predicts pos, neg, pos, neg, neg   (uncalibrated)
  // Template B: predicts pos, pos, neg, neu, neu
  const a = [
    [0.7, 0.2, 0.1],
    [0.35, 0.4, 0.25],
    [0.5, 0.4, 0.1],
    [0.1, 0.8, 0.1],
    [0.2, 0.5, 0.3],
  ];
  const b = [
    [0.6, 0.3, 0.1],
    [0.5, 0.1, 0.4],
    [0.2, 0.7, 0.1],
    [0.1, 0.3, 0.6],
    [0.1, 0.2, 0.7],
  ];
  // Calibrated A: all correct.
  const aCal = [
    [0.8, 0.1, 0.1],
    [0.6, 0.2, 0.2],
    [0.2, 0.7, 0.1],
    [0.1, 0.8, 0.1],
    [0.1, 0.2, 0.7],
  ];
  const order = [3, 0, 4, 1, 2];
  return {
    labels,
    templates: [template('a', '[X] It was [Z].'), template('b', '[Z]: [X]')],
    examples,
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    maskToken: '[MASK]',
    order,
    done,
    outcomes: [a.map((p, i) => outcome(p, aCal[i])), b.map((p) => outcome(p))].map((list) =>
      list.map((o, i) => (order.slice(0, done).includes(i) ? o : undefined)),
    ),
    contentFree: [null, null],
    status: done === 5 ? 'complete' : 'cancelled',
    stats: { promptsRun: 0, promptsReused: 0, requests: 0, elapsedMs: 0 },
  };
}

describe('evaluation results', () => {
  it('the evaluation order is a fixed permutation', () => {
    const order = evaluationOrder(100);
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(evaluationOrder(100)).toEqual(order);
    expect(order).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(evaluationOrder(0)).toEqual([]);
  });

  it('per-template predictions and metrics (hand-computed)', () => {
    const run = handRun();
    const preds = predictions(run, 0, 'uncalibrated');
    expect(preds.map((p) => run.labels[p.predicted])).toEqual(['pos', 'neg', 'pos', 'neg', 'neg']);
    expect(preds.map((p) => p.correct)).toEqual([true, false, false, true, false]);
    expect(preds[1]!.confidence).toBe(0.4);
    const m = runMetrics(run, 0, 'uncalibrated');
    expect(m.accuracy).toBeCloseTo(2 / 5, 12);
    // pos: tp 1, fp 1 (ex 2), fn 1 (ex 1) → P = R = 1/2; neg: tp 1, fp 2 (ex 1, 4), fn 1 (ex 2) → P 1/3, R 1/2, F1 0.4
    // neu: never predicted, 1 gold → P undefined (null, flagged), R 0, F1 = 2·0 / (0 + 0 + 1) = 0
    expect(m.perLabel.map((l) => [l.precision, l.recall])).toEqual([
      [0.5, 0.5],
      [1 / 3, 0.5],
      [null, 0],
    ]);
    expect(m.perLabel[2]!.f1).toBe(0);
    expect(m.perLabel[2]!.noPredictions).toBe(true);
    expect(m.macroF1).toBeCloseTo((0.5 + 0.4 + 0) / 3, 12);
    expect(runMetrics(run, 0, 'calibrated').accuracy).toBe(1);
  });

  it("the ensemble averages the templates' distributions before the argmax", () => {
    const run = handRun();
    const preds = predictions(run, 'ensemble', 'uncalibrated');
    // example 1: A [0.35, 0.4, 0.25] (neg), B [0.5, 0.1, 0.4] (pos) → mean [0.425, 0.25, 0.325] → pos
    expect(preds[1]!.probs[0]).toBeCloseTo(0.425, 12);
    expect(preds[1]!.probs[1]).toBeCloseTo(0.25, 12);
    expect(preds.map((p) => run.labels[p.predicted])).toEqual(['pos', 'pos', 'neg', 'neg', 'neu']);
    // Each template makes mistakes, the mean of their distributions none.
    expect(runMetrics(run, 'ensemble', 'uncalibrated').accuracy).toBe(1);
  });

  it('a cancelled run is measured on the examples it finished (in file order)', () => {
    const run = handRun(3); // order [3, 0, 4] finished
    expect(finishedExamples(run)).toEqual([0, 3, 4]);
    const m = runMetrics(run, 1, 'uncalibrated');
    expect(m.n).toBe(3);
    // B: example 0 → pos ✓, example 3 → neu (gold neg) ✗, example 4 → neu ✓
    expect(m.accuracy).toBeCloseTo(2 / 3, 12);
    expect(evaluationReport(run, { model: null, skippedRows: 0 })).toMatchObject({
      complete: false,
      examples: { evaluated: 3, total: 5 },
    });
  });
});

describe('diagnosis hints', () => {
  const labels = ['pos', 'neg', 'neu'];
  const codes = (gold: string[], pred: string[], other?: { gold: string[]; pred: string[] }) =>
    diagnose(computeMetrics(gold, pred, labels), {
      calibrated: false,
      ...(other ? { other: computeMetrics(other.gold, other.pred, labels) } : {}),
    });

  it('a dominant prediction is a bias that calibration may fix; its lost label has low recall', () => {
    const gold = ['pos', 'pos', 'pos', 'neg', 'neg', 'neg', 'neu', 'neu', 'neu'];
    const pred = ['pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'neu'];
    const hints = codes(gold, pred);
    const bias = hints[0]!;
    expect(bias).toMatchObject({ code: 'prediction-bias', params: { label: 'pos', calibrated: 0 } });
    if (bias.code !== 'prediction-bias') return;
    expect(bias.params.value).toBeCloseTo(8 / 9, 12);
    expect(bias.params.reference).toBeCloseTo(3 / 9, 12);
    expect(hints.find((h) => h.code === 'low-recall' && h.params.label === 'neg')).toMatchObject({
      params: { other: 'pos', value: 0 },
    });
    expect(hints.find((h) => h.code === 'low-precision' && h.params.label === 'pos')).toMatchObject({
      params: { other: 'neg' },
    });
    // Mistakes in one direction only are not a "confused pair".
    expect(hints.some((h) => h.code === 'confused-pair')).toBe(false);
  });

  it('two labels mistaken both ways are a confused pair', () => {
    const gold = ['pos', 'pos', 'pos', 'pos', 'neg', 'neg', 'neg', 'neg', 'neu', 'neu'];
    const pred = ['pos', 'pos', 'neg', 'neg', 'neg', 'neg', 'pos', 'neg', 'neu', 'neu'];
    const pair = codes(gold, pred).find((h) => h.code === 'confused-pair');
    expect(pair).toMatchObject({ params: { label: 'pos', other: 'neg', count: 3 } });
  });

  it('imbalanced gold labels, a label without examples, and a better calibration are mentioned', () => {
    const gold = ['pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'neg'];
    const hints = codes(gold, [...gold], { gold, pred: [...gold] });
    expect(hints.map((h) => h.code)).toEqual(['no-support', 'imbalanced-gold']);
    expect(hints[1]).toMatchObject({ params: { label: 'pos', value: 7 / 8 } });
    const worse = codes(gold, ['neg', 'neg', 'pos', 'pos', 'pos', 'pos', 'pos', 'pos'], { gold, pred: [...gold] });
    expect(worse.find((h) => h.code === 'calibration-helps')).toMatchObject({
      params: { reference: computeMetrics(gold, gold, labels).macroF1 },
    });
  });

  it('no data, no hints; the dominance threshold is 20% of the way from even to everything', () => {
    expect(diagnose(computeMetrics([], [], labels), { calibrated: false })).toEqual([]);
    expect(dominanceThreshold(2)).toBeCloseTo(0.6, 12);
    expect(dominanceThreshold(4)).toBeCloseTo(0.4, 12);
  });
});

describe('export', () => {
  it('the metrics report has every number finite (never NaN), undefined values null with their counts, and rounds to 6 decimals', () => {
    const report = evaluationReport(handRun(), {
      model: { id: 'clozelab-test/bert-tiny', dtype: 'fp32' },
      skippedRows: 2,
    });
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(report.version).toBe(4);
    expect(report.truncation).toEqual({ examples: 0, maxTokens: 0, totalTokens: 0, perExample: [] });
    expect(report.metricsConvention).toBe(MACRO_CONVENTION);
    expect(report.metricsConvention).toMatch(/null/);
    expect(report.metricsConvention).toMatch(/zero_division=0/);
    expect(report.templates.map((t) => t.id)).toEqual(['a', 'b']);
    expect(report.ensemble).not.toBeNull();
    expect(report.primaryMode).toBe('uncalibrated');
    expect(report.examples).toEqual({ evaluated: 5, total: 5, skippedRows: 2 });
    const neu = report.templates[0]!.uncalibrated.perLabel[2]!;
    // Never predicted: precision is undefined — null, not 0 — and the counts say why.
    expect(neu).toEqual({
      label: 'neu',
      precision: null,
      recall: 0,
      // Undefined has no interval; 0 of 1 has a wide one (Wilson, rounded like every number).
      precisionCI: null,
      recallCI: { low: 0, high: 0.793451 },
      f1: 0,
      support: 1,
      predicted: 0,
      tp: 0,
      fp: 0,
      fn: 1,
    });
    expect(report.templates[0]!.uncalibrated.perLabel[1]!.precision).toBe(0.333333);
    // Macro-F1 counts neu's F1 (0) over all three labels.
    expect(report.templates[0]!.uncalibrated.macroF1).toBe(0.3);
    expect(report.templates[0]!.uncalibrated.smallSample).toBe(true);
    expect(report.smallSampleN).toBe(30);
    expect(report.confidenceConvention).toMatch(/Wilson/);
    const empty = summarizeMetrics(computeMetrics([], [], ['a']));
    expect(empty.accuracy).toBeNull();
    expect(empty.accuracyCI).toBeNull();
    expect(empty.smallSample).toBe(false);
    expect(empty.microF1).toBeNull();
    expect(empty.macroF1).toBe(0);
    expect(empty.perLabel[0]).toMatchObject({ precision: null, recall: null, f1: null, support: 0, predicted: 0 });
    // The JSON keeps null (JSON.stringify would write NaN as null too — but there is none).
    expect(JSON.parse(text).templates[0].uncalibrated.perLabel[2].precision).toBeNull();
  });

  it('the per-example CSV has one row per example and source, both modes, and defuses formulas', () => {
    const csv = predictionsCsv(handRun());
    const parsed = Papa.parse<string[]>(csv.trim());
    const [header, ...rows] = parsed.data;
    expect(header).toEqual([
      'line',
      'template',
      'X',
      'gold',
      'predicted',
      'confidence',
      'correct',
      'p(pos)',
      'p(neg)',
      'p(neu)',
      'predicted_calibrated',
      'confidence_calibrated',
      'correct_calibrated',
      'p_calibrated(pos)',
      'p_calibrated(neg)',
      'p_calibrated(neu)',
      'truncated_tokens',
      'truncated_inputs',
    ]);
    expect(rows).toHaveLength(15); // 5 examples × (2 templates + ensemble)
    expect(rows[0]!.slice(0, 7)).toEqual(['2', 'a', "'=text 0", 'pos', 'pos', '0.7', '1']);
    expect(rows[0]!.slice(-2)).toEqual(['0', '']);
    expect(rows[10]![1]).toBe('ensemble');
  });

  it('inputs cut to fit the model: per example and source in the CSV, in the JSON by line, and one summary line in English and Chinese', () => {
    const run = handRun();
    // Example 1 (line 3): template a cut 40 tokens of X; template b cut 700 (X 650, X2 50).
    run.outcomes[0]![1] = {
      ...run.outcomes[0]![1]!,
      truncatedTokens: 40,
      truncatedInputs: [{ slot: 'X', dropped: 40, kept: 400 }],
    };
    run.outcomes[1]![1] = {
      ...run.outcomes[1]![1]!,
      truncatedTokens: 700,
      truncatedInputs: [
        { slot: 'X', dropped: 650, kept: 300 },
        { slot: 'X2', dropped: 50, kept: 100 },
      ],
    };
    // Example 3 (line 5): only template b, 3 tokens.
    run.outcomes[1]![3] = {
      ...run.outcomes[1]![3]!,
      truncatedTokens: 3,
      truncatedInputs: [{ slot: 'X', dropped: 3, kept: 500 }],
    };

    expect(exampleTruncation(run, 0, 1)).toEqual({ tokens: 40, inputs: [{ slot: 'X', dropped: 40, kept: 400 }] });
    expect(exampleTruncation(run, 'ensemble', 1)?.tokens).toBe(700);
    expect(exampleTruncation(run, 0, 3)).toBeNull();
    const summary = truncationSummary(run);
    expect(summary).toMatchObject({ examples: 2, evaluated: 5, maxTokens: 700, totalTokens: 703, slots: ['X', 'X2'] });
    expect(truncationSummary(run, 0)).toMatchObject({ examples: 1, maxTokens: 40 });

    const note = truncationNote(summary, 'cli-flag')!;
    expect(formatIssue(note, 'en')).toBe(
      '2 of 5 examples were truncated to fit the model; up to 700 tokens dropped from the end of [X], [X2] (the template and [Z] are never cut). See which ones with --predictions <file> (column truncated_tokens).',
    );
    expect(formatIssue(truncationNote(summary, 'browser')!, 'zh')).toMatch(
      /^5 个样例中有 2 个为适应模型长度被截断；最多从 \[X\], \[X2\] 的末尾截掉 700 个词元/,
    );
    expect(truncationNote(truncationSummary(handRun()), 'browser')).toBeNull();

    const rows = Papa.parse<Record<string, string>>(predictionsCsv(run).trim(), { header: true }).data;
    const cut = (line: string, template: string) => {
      const row = rows.find((r) => r.line === line && r.template === template)!;
      return [row.truncated_tokens, row.truncated_inputs];
    };
    expect(cut('3', 'a')).toEqual(['40', 'X:40']);
    expect(cut('3', 'b')).toEqual(['700', 'X:650 X2:50']);
    expect(cut('3', 'ensemble')).toEqual(['700', 'X:650 X2:50']);
    expect(cut('5', 'a')).toEqual(['0', '']);
    expect(cut('5', 'ensemble')).toEqual(['3', 'X:3']);

    const report = evaluationReport(run, { model: null, skippedRows: 0 });
    expect(report.truncation).toEqual({
      examples: 2,
      maxTokens: 700,
      totalTokens: 703,
      perExample: [
        {
          line: 3,
          tokens: 700,
          inputs: [
            { slot: 'X', dropped: 650, kept: 300 },
            { slot: 'X2', dropped: 50, kept: 100 },
          ],
        },
        { line: 5, tokens: 3, inputs: [{ slot: 'X', dropped: 3, kept: 500 }] },
      ],
    });
    expect(report.templates.map((t) => t.truncatedExamples)).toEqual([1, 2]);

    // The example's prompt on screen: a long input shows its start and counts the rest.
    run.examples[1]!.inputs.X = 'word '.repeat(2_000).trim();
    const whole = examplePrompt(run, 0, 1);
    expect(whole.hiddenChars).toBe(0);
    expect(whole.layout.text).toBe(`${run.examples[1]!.inputs.X} It was [MASK].`);
    const shown = examplePrompt(run, 0, 1, 100);
    expect(shown.hiddenChars).toBe(9_999 - 100);
    expect(shown.layout.text).toBe(`${'word '.repeat(20)}… It was [MASK].`);
  });

  it('numbers in the UI never read NaN', () => {
    expect(percent(Number.NaN)).toBe('—');
    expect(percent(Infinity)).toBe('—');
    expect(percent(undefined)).toBe('—');
    expect(percent(0)).toBe('0.0%');
    expect(percent(2 / 3)).toBe('66.7%');
    expect(count(Number.NaN, 'en')).toBe('—');
    expect(count(12345, 'en')).toBe('12,345');
  });
});

describe('label-word search (pure part)', () => {
  it('only whole-word tokens are proposed, as verbalizer words', () => {
    expect(tokenWord('great', 'wordpiece')).toBe('great');
    expect(tokenWord('##ness', 'wordpiece')).toBeNull();
    expect(tokenWord('[CLS]', 'wordpiece')).toBeNull();
    expect(tokenWord('42', 'wordpiece')).toBeNull();
    expect(tokenWord('a', 'wordpiece')).toBeNull();
    expect(tokenWord('好', 'wordpiece')).toBe('好');
    expect(tokenWord('Ġgreat', 'bpe')).toBe('great');
    expect(tokenWord('great', 'bpe')).toBeNull();
    expect(tokenWord('▁gut', 'sentencepiece')).toBe('gut');
    expect(tokenWord("don't", 'other')).toBe("don't");
  });

  it('ranks by mean log p in the label minus mean log p in the others', () => {
    const vocab = ['[PAD]', 'good', 'bad', 'the', '##s', 'fine'];
    // 2 examples of label 0, 1 of label 1; sums of log p per token.
    const sums = [Float64Array.from([-20, -2, -8, -3, -1, -4]), Float64Array.from([-10, -6, -1, -1.5, -0.5, -2])];
    const ranked = rankLabelWords({
      sums,
      counts: [2, 1],
      vocabSize: 6,
      tokenOf: (i) => vocab[i]!,
      tokenizerKind: 'wordpiece',
      exclude: new Set([5]),
      topN: 2,
    });
    // label 0: good −1 − (−6) = 5, bad −4 − (−1) = −3, the −1.5 − (−1.5) = 0 → good, the
    expect(ranked[0]!.map((c) => [c.word, c.score])).toEqual([
      ['good', 5],
      ['the', 0],
    ]);
    expect(ranked[0]![0]!.meanLogProb).toBe(-1);
    // label 1: bad −1 − (−4) = 3, the 0, good −5
    expect(ranked[1]!.map((c) => c.word)).toEqual(['bad', 'the']);
    expect(
      rankLabelWords({
        sums,
        counts: [3, 0],
        vocabSize: 6,
        tokenOf: (i) => vocab[i]!,
        tokenizerKind: 'wordpiece',
        exclude: new Set(),
        topN: 3,
      })[1],
    ).toEqual([]);
  });

  it('samples up to n examples per label, in the fixed evaluation order', () => {
    const t = parseTemplate('[X] It was [Z].');
    if (!t.ok) throw new Error();
    const examples: EvalExample[] = Array.from({ length: 30 }, (_, i) => ({
      line: i + 2,
      endLine: i + 2,
      inputs: { X: `s${i}` },
      gold: i < 25 ? 'a' : 'b',
      rawLabel: '',
    }));
    const { prompts, groups } = labelSearchPrompts(t.template, examples, ['a', 'b'], 4);
    expect(groups.filter((g) => g === 0)).toHaveLength(4);
    expect(groups.filter((g) => g === 1)).toHaveLength(4);
    expect(prompts[0]!.parts.some((p) => p.kind === 'mask' && p.count === 1)).toBe(true);
    expect(labelSearchPrompts(t.template, examples, ['a', 'b'], 4)).toEqual({ prompts, groups });
  });

  it("adds a word to its label's line and keeps the rest of the text as typed", () => {
    const text = '# sentiment\r\npositive: great, good # nice ones\r\nnegative: "not good", bad\r\n';
    expect(appendLabelWord(text, 'positive', 'fine')).toBe(
      '# sentiment\r\npositive: great, good, fine # nice ones\r\nnegative: "not good", bad\r\n',
    );
    expect(appendLabelWord(text, 'negative', 'awful')).toBe(
      '# sentiment\r\npositive: great, good # nice ones\r\nnegative: "not good", bad, awful\r\n',
    );
    expect(appendLabelWord(text, 'positive', 'great')).toBe(text);
    expect(appendLabelWord(text, 'neutral', 'okay')).toBeNull();
  });
});
