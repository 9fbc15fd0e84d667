// Messages of the evaluation workbench that must point at the real cause: hints ordered by cause,
// the labels a model can't read, the language of the data, why no row can be evaluated, and the
// chart title that wraps instead of being cut.
import { describe, expect, it } from 'vitest';
import { datasetTexts, languageMismatch, textLanguage } from '../../src/core/data-language.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import { noExamplesReason } from '../../src/core/dataset-mapping.ts';
import { DEMO_DATASETS } from '../../src/core/demo-datasets.ts';
import { diagnose, HINT_ORDER, labelsWithoutWords } from '../../src/core/diagnosis.ts';
import type { EvaluationRun } from '../../src/core/evaluation.ts';
import { DIAGNOSIS_HINTS } from '../../src/core/issues.ts';
import { formatIssue } from '../../src/core/messages/index.ts';
import { computeMetrics } from '../../src/core/metrics.ts';
import { testModelFor } from '../../src/core/models.ts';
import { wrapText } from '../../src/ui/eval/chartExport.ts';

const labels = ['positive', 'negative'];

describe('diagnosis hints by cause', () => {
  it('every hint code has a rank', () => {
    expect(Object.keys(HINT_ORDER).sort()).toEqual(Object.keys(DIAGNOSIS_HINTS).sort());
  });

  it('no usable label word: that comes first, and hints that only describe the uniform fallback are left out', () => {
    // Every example fell back to the first label (uniform distribution, first label on ties).
    const gold = ['positive', 'negative', 'negative', 'positive', 'positive', 'negative'];
    const pred = gold.map(() => 'positive');
    const metrics = computeMetrics(gold, pred, labels);
    const other = computeMetrics(gold, gold, labels);
    const before = diagnose(metrics, { calibrated: false, other, uniformCount: 6 });
    expect(before[0]?.code).toBe('uniform');
    const hints = diagnose(metrics, { calibrated: false, other, uniformCount: 6, labelsWithoutWords: labels });
    expect(hints.map((h) => h.code)).toEqual(['unreadable-label-words']);
    expect(hints[0]).toMatchObject({ params: { labels: 'positive, negative', all: 1 } });
    expect(formatIssue(hints[0]!, 'en')).toMatch(
      /^This model can read none of the label words \(labels: positive, negative\)/,
    );
    expect(formatIssue(hints[0]!, 'zh')).toContain('标签：positive, negative');
  });

  it('one label without words: named first, before the bias it causes', () => {
    const gold = ['positive', 'positive', 'positive', 'negative', 'negative', 'negative'];
    const pred = gold.map(() => 'positive');
    const hints = diagnose(computeMetrics(gold, pred, labels), {
      calibrated: false,
      labelsWithoutWords: ['negative'],
    });
    expect(hints[0]).toMatchObject({ code: 'unreadable-label-words', params: { labels: 'negative', all: 0 } });
    const codes = hints.map((h) => h.code);
    expect(codes.indexOf('prediction-bias')).toBeGreaterThan(0);
    expect(codes.indexOf('low-recall')).toBeGreaterThan(codes.indexOf('prediction-bias'));
  });

  it('a bias before the low recall it explains, calibration last', () => {
    const three = ['pos', 'neg', 'neu'];
    const gold = ['pos', 'pos', 'pos', 'neg', 'neg', 'neg', 'neu', 'neu', 'neu'];
    const pred = ['pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'pos', 'neu'];
    const hints = diagnose(computeMetrics(gold, pred, three), {
      calibrated: false,
      other: computeMetrics(gold, gold, three),
    });
    const ranks = hints.map((h) => HINT_ORDER[h.code]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(hints[0]?.code).toBe('prediction-bias');
    expect(hints.at(-1)?.code).toBe('calibration-helps');
  });

  it('labelsWithoutWords reads the run: per template, and for the ensemble the labels no template can read', () => {
    const word = (label: string, status: string) => ({ label, word: 'w', form: { ids: [], hasUnknown: true }, status });
    const run = {
      labels,
      templates: [
        { words: [word('positive', 'unknown'), word('negative', 'unknown')] },
        { words: [word('positive', 'single'), word('negative', 'unknown')] },
      ],
    } as unknown as EvaluationRun;
    expect(labelsWithoutWords(run, 0)).toEqual(['positive', 'negative']);
    expect(labelsWithoutWords(run, 1)).toEqual(['negative']);
    expect(labelsWithoutWords(run, 'ensemble')).toEqual(['negative']);
  });
});

describe('the language of the data: one check for demos and uploaded files', () => {
  it('finds each demo in its language, and names the demo’s own model on a model of the other language', () => {
    for (const demo of DEMO_DATASETS) {
      const parsed = parseDataset(demo.csv);
      if (!parsed.ok) throw new Error(demo.id);
      const dataset = parsed.dataset;
      const texts = datasetTexts(
        dataset,
        dataset.columns.filter((c) => c !== 'label'),
      );
      expect(textLanguage(texts), demo.id).toBe(demo.language);
      const other = demo.language === 'zh' ? 'clozelab-test/bert-tiny' : 'clozelab-test/chinese-bert-tiny';
      expect(languageMismatch(other, texts), demo.id).toMatchObject({
        dataLanguage: demo.language,
        suggestedModel: demo.suggestedModel,
        testModel: testModelFor(demo.language).id,
      });
      expect(languageMismatch(testModelFor(demo.language).id, texts), demo.id).toBeNull();
      expect(languageMismatch('Xenova/xlm-roberta-base', texts), demo.id).toBeNull();
    }
  });

  it('is unsure (and quiet) without enough letters; a few English words in Chinese text stay Chinese', () => {
    expect(textLanguage(['12', '3.5'])).toBeNull();
    expect(textLanguage(['我用 iPhone 看了这部电影，画面很美，故事也很感人。'])).toBe('zh');
    expect(textLanguage(['The film had one line in Chinese: 你好, and it was fine otherwise.'])).toBe('en');
    expect(languageMismatch('someone/unknown-model', ['这部电影很好看，演员也很出色。'])).toBeNull();
  });
});

describe('why no row can be evaluated', () => {
  const mapping = (
    slots: Record<string, string | null>,
    labelColumn: string | null,
    pairs: [string, string | null][],
  ) => ({
    slots,
    labelColumn,
    labelMap: new Map(pairs),
  });
  it('names the first step missing: a text column, the label column, a label mapping, or usable rows', () => {
    expect(noExamplesReason(mapping({ X: null }, 'label', []), ['X'])).toBe('no-text-column');
    expect(noExamplesReason(mapping({ X: 'text' }, null, []), ['X'])).toBe('no-label-column');
    expect(
      noExamplesReason(
        mapping({ X: 'text' }, 'label', [
          ['1', null],
          ['0', null],
        ]),
        ['X'],
      ),
    ).toBe('no-label-mapped');
    expect(
      noExamplesReason(
        mapping({ X: 'text' }, 'label', [
          ['1', 'positive'],
          ['0', null],
        ]),
        ['X'],
      ),
    ).toBe('no-usable-row');
    // Values seen only in skipped rows are no reason to map: with no usable label value, fix the rows.
    expect(noExamplesReason(mapping({ X: 'text' }, 'label', [['1', null]]), ['X'], [])).toBe('no-usable-row');
    expect(noExamplesReason(mapping({ X: 'text' }, 'label', [['1', null]]), ['X'], ['1'])).toBe('no-label-mapped');
  });
});

describe('chart titles wrap, never cut', () => {
  const measure = (s: string) => [...s].length;
  it('keeps every character, and no line is wider than the width', () => {
    const title = 'Confusion matrix — Overall, it was a … movie, without calibration';
    const lines = wrapText(title, 20, measure);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(measure(line)).toBeLessThanOrEqual(20);
    expect(lines.join(' ')).toBe(title);
    const chinese = '混淆矩阵——总之，这部电影很…，不校准的结果';
    const zhLines = wrapText(chinese, 8, measure);
    for (const line of zhLines) expect(measure(line)).toBeLessThanOrEqual(8);
    expect(zhLines.join('')).toBe(chinese);
    expect(wrapText('short', 20, measure)).toEqual(['short']);
  });
});
