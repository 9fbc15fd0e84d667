import { describe, expect, it } from 'vitest';
import type { EvalExample } from '../../src/core/dataset.ts';
import { cellFrom, meanStd, sortCells, summarize } from '../../src/core/fewshot/summary.ts';
import {
  cellsCsv,
  fewShotReport,
  fewShotTable,
  formatFewShotTable,
  meanStdText,
  splitsCsv,
  summaryCsv,
} from '../../src/core/fewshot/export.ts';
import { DEFAULT_TUNING, type FewShotCell, type FewShotResult } from '../../src/core/fewshot/types.ts';

const ex = (line: number, gold: string): EvalExample => ({
  line,
  endLine: line,
  inputs: { X: `t${line}` },
  gold,
  rawLabel: gold,
});

describe('few-shot summary', () => {
  it('is the mean and the sample standard deviation over the seeds', () => {
    const m = meanStd([0.5, 0.7, 0.9]);
    expect(m.mean).toBeCloseTo(0.7, 12);
    expect(m.std).toBeCloseTo(0.2, 12);
    expect(m.seeds).toBe(3);
    expect(meanStd([0.8])).toEqual({ mean: 0.8, std: 0, seeds: 1 });
    expect(meanStd([]).seeds).toBe(0);
  });

  it('computes cells from predictions (accuracy, macro-F1) and rows per (method, K) in a fixed order', () => {
    const c = cellFrom(
      'tuned',
      4,
      13,
      ['a', 'b'],
      ['a', 'a', 'b', 'b'],
      [
        [0.9, 0.1],
        [0.2, 0.8],
        [0.3, 0.7],
        [0.5, 0.5],
      ],
    );
    // predictions a, b, b, a (a tie goes to the first label): 2 of 4 right; F1 a = 0.5, F1 b = 0.5
    expect(c).toEqual({ method: 'tuned', k: 4, seed: 13, n: 4, accuracy: 0.5, macroF1: 0.5 });
    const cells: FewShotCell[] = [
      { method: 'tuned', k: 8, seed: 21, n: 10, accuracy: 0.9, macroF1: 0.9 },
      { method: 'zero-shot', k: 8, seed: 13, n: 10, accuracy: 0.5, macroF1: null },
      { method: 'tuned', k: 8, seed: 13, n: 10, accuracy: 0.7, macroF1: 0.6 },
      { method: 'zero-shot', k: 4, seed: 13, n: 12, accuracy: 0.5, macroF1: 0.4 },
    ];
    const config = { ks: [4, 8], seeds: [13, 21] };
    expect(sortCells([...cells], config).map((x) => `${x.k}/${x.seed}/${x.method}`)).toEqual([
      '4/13/zero-shot',
      '8/13/zero-shot',
      '8/13/tuned',
      '8/21/tuned',
    ]);
    const rows = summarize(cells, config);
    expect(rows.map((r) => `${r.method}/${r.k}`)).toEqual(['zero-shot/4', 'zero-shot/8', 'tuned/8']);
    expect(rows[1]!.macroF1).toBeNull();
    expect(rows[2]!.accuracy.mean).toBeCloseTo(0.8, 12);
    expect(rows[2]!.accuracy.std).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(rows[2]!.macroF1!.mean).toBeCloseTo(0.75, 12);
  });
});

function result(): FewShotResult {
  const cells: FewShotCell[] = [
    { method: 'zero-shot', k: 1, seed: 13, n: 2, accuracy: 0.5, macroF1: 1 / 3 },
    { method: 'zero-shot', k: 1, seed: 21, n: 2, accuracy: 1, macroF1: 1 },
    { method: 'tuned', k: 1, seed: 13, n: 2, accuracy: 1, macroF1: 1 },
    { method: 'tuned', k: 1, seed: 21, n: 2, accuracy: 1, macroF1: 1 },
  ];
  const config = {
    ks: [1, 2],
    seeds: [13, 21],
    methods: ['zero-shot' as const, 'tuned' as const],
    demonstrations: { selection: 'random' as const },
    tuning: { ...DEFAULT_TUNING },
    maxTest: null,
  };
  return {
    config,
    labels: ['a', 'b'],
    templates: [{ id: 't', name: 'T', text: '[X] It was [Z].' }],
    modelKey: 'm',
    splits: [
      { k: 1, seed: 13, train: [0, 2], test: [1, 3], testSource: 'rest' },
      { k: 1, seed: 21, train: [1, 3], test: [0, 2], testSource: 'rest' },
    ],
    cells,
    summary: summarize(cells, config),
    skipped: [{ k: 2, seed: 13, method: null, code: 'too-few-examples', params: { label: 'a', have: 2, need: 2 } }],
    stats: {
      promptsRun: 4,
      promptsReused: 4,
      naivePrompts: 8,
      trainingMs: [{ k: 1, seed: 13, ms: 1.23456 }],
      droppedDemos: 0,
      elapsedMs: 12.7,
    },
    status: 'complete',
  };
}
const data = { examples: [ex(2, 'a'), ex(3, 'a'), ex(4, 'b'), ex(5, 'b')] };

describe('few-shot exports', () => {
  it('write the summary, the cells and the splits as CSV', () => {
    expect(summaryCsv(result())).toBe(
      [
        'method,k,seeds,accuracy_mean,accuracy_std,macro_f1_mean,macro_f1_std',
        'zero-shot,1,2,0.75,0.353553,0.666667,0.471405',
        'tuned,1,2,1,0,1,0',
      ].join('\n'),
    );
    expect(cellsCsv(result()).split('\n')).toEqual([
      'method,k,seed,n,accuracy,macro_f1',
      'zero-shot,1,13,2,0.5,0.333333',
      'zero-shot,1,21,2,1,1',
      'tuned,1,13,2,1,1',
      'tuned,1,21,2,1,1',
    ]);
    expect(splitsCsv(result(), data).split('\n')).toEqual([
      'k,seed,role,line,label',
      '1,13,train,2,a',
      '1,13,train,4,b',
      '1,13,test,3,a',
      '1,13,test,5,b',
      '1,21,train,3,a',
      '1,21,train,5,b',
      '1,21,test,2,a',
      '1,21,test,4,b',
    ]);
  });

  it('write the JSON report with data lines, rounded numbers and the skipped cells', () => {
    const r = fewShotReport(result(), data, { model: { id: 'x/y', dtype: 'q8' } });
    expect(r.format).toBe('clozelab-fewshot');
    expect(r.splits[0]).toEqual({ k: 1, seed: 13, testSource: 'rest', train: [2, 4], test: [3, 5] });
    expect(r.cells[0]!.macroF1).toBe(0.333333);
    expect(r.summary[0]!.accuracy).toEqual({ mean: 0.75, std: 0.353553, seeds: 2 });
    expect(r.stats.trainingMs[0]!.ms).toBe(1.235);
    expect(r.skipped[0]!.code).toBe('too-few-examples');
    expect(r.complete).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('print the table: method rows × K columns, mean ± std in points, — where nothing was computed', () => {
    const table = fewShotTable(result(), 'accuracy');
    expect(table.ks).toEqual([1, 2]);
    expect(table.rows.map((r) => r.method)).toEqual(['zero-shot', 'tuned']);
    expect(meanStdText(table.rows[0]!.cells[0]!)).toBe('75.0 ± 35.4');
    expect(formatFewShotTable(table).split('\n')).toEqual([
      '                          K=1  K=2',
      'zero-shot         75.0 ± 35.4    —',
      'tuned verbalizer  100.0 ± 0.0    —',
    ]);
  });
});
