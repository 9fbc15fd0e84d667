import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/core/index.ts';

describe('computeMetrics', () => {
  // i:     0    1    2    3    4    5
  const gold = ['pos', 'pos', 'pos', 'neg', 'neg', 'neu'];
  const pred = ['pos', 'neg', 'pos', 'neg', 'pos', 'neg'];

  it('hand-computed example', () => {
    const m = computeMetrics(gold, pred, ['pos', 'neg', 'neu']);
    expect(m.n).toBe(6);
    expect(m.accuracy).toBe(3 / 6); // rows 0, 2, 3
    // pos: tp 2 (0, 2), fp 1 (4), fn 1 (1) → P = R = F1 = 2/3
    expect(m.perLabel[0]).toMatchObject({
      label: 'pos',
      tp: 2,
      fp: 1,
      fn: 1,
      support: 3,
      predicted: 3,
      noSupport: false,
      noPredictions: false,
    });
    expect(m.perLabel[0]!.precision).toBeCloseTo(2 / 3, 12);
    expect(m.perLabel[0]!.recall).toBeCloseTo(2 / 3, 12);
    expect(m.perLabel[0]!.f1).toBeCloseTo(2 / 3, 12);
    // neg: tp 1 (3), fp 2 (1, 5), fn 1 (4) → P = 1/3, R = 1/2, F1 = 2·(1/6)/(5/6) = 0.4
    expect(m.perLabel[1]).toMatchObject({ tp: 1, fp: 2, fn: 1, support: 2, predicted: 3 });
    expect(m.perLabel[1]!.precision).toBeCloseTo(1 / 3, 12);
    expect(m.perLabel[1]!.recall).toBeCloseTo(0.5, 12);
    expect(m.perLabel[1]!.f1).toBeCloseTo(0.4, 12);
    // neu: never predicted → precision 0/0 undefined (null, flagged), recall 0/1 = 0, F1 0/(0+0+1) = 0
    expect(m.perLabel[2]).toEqual({
      label: 'neu',
      precision: null,
      recall: 0,
      f1: 0,
      support: 1,
      predicted: 0,
      tp: 0,
      fp: 0,
      fn: 1,
      noSupport: false,
      noPredictions: true,
    });
    // macro-F1 = (2/3 + 0.4 + 0) / 3 = 0.35556
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.4) / 3, 12);
    // micro: Σtp = 3, Σfp = 3, Σfn = 3 → 0.5 = accuracy
    expect(m.micro).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(m.microF1).toBe(m.accuracy);
    expect(m.confusion).toEqual([
      [2, 1, 0], // gold pos
      [1, 1, 0], // gold neg
      [0, 1, 0], // gold neu
    ]);
    expect(m.outsideLabels).toBe(0);
  });

  it('a label with no support and no predictions is null (not NaN, not 0), flagged, and counts as 0 in macro-F1', () => {
    const m = computeMetrics(gold, pred, ['pos', 'neg', 'neu', 'mixed']);
    expect(m.perLabel[3]).toEqual({
      label: 'mixed',
      precision: null,
      recall: null,
      f1: null,
      support: 0,
      predicted: 0,
      tp: 0,
      fp: 0,
      fn: 0,
      noSupport: true,
      noPredictions: true,
    });
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.4) / 4, 12);
    expect(m.confusion[3]).toEqual([0, 0, 0, 0]);
  });

  it('predicting a label that has no gold examples: precision 0, recall undefined (null), F1 0, support 0', () => {
    const m = computeMetrics(['a', 'a'], ['a', 'b'], ['a', 'b']);
    expect(m.perLabel[1]).toMatchObject({
      precision: 0,
      recall: null,
      f1: 0,
      support: 0,
      predicted: 1,
      noSupport: true,
      noPredictions: false,
    });
    // a: P = 1/1, R = 1/2 → F1 = 2/3
    expect(m.perLabel[0]!.f1).toBeCloseTo(2 / 3, 12);
  });

  it('labels outside the list are counted, wrong predictions stay wrong', () => {
    const m = computeMetrics(['a', 'b', 'c'], ['a', 'x', 'c'], ['a', 'b']);
    expect(m.accuracy).toBeCloseTo(2 / 3, 12); // 'c' = 'c' is still a correct row
    expect(m.outsideLabels).toBe(2);
    expect(m.perLabel[1]).toMatchObject({ label: 'b', tp: 0, fn: 1, fp: 0 });
    expect(m.confusion).toEqual([
      [1, 0],
      [0, 0],
    ]);
    // micro over the listed labels: tp 1, fp 0, fn 1 → P 1, R 0.5, F1 2/3
    expect(m.micro.f1).toBeCloseTo(2 / 3, 12);
  });

  it('no examples: undefined values are null (no NaN); macro-F1 counts them as 0', () => {
    const m = computeMetrics([], [], ['a', 'b']);
    expect(m.accuracy).toBeNull();
    expect(m.macroF1).toBe(0);
    expect(m.micro).toEqual({ precision: null, recall: null, f1: null });
    expect(m.microF1).toBeNull();
    expect(m.perLabel.every((l) => l.precision === null && l.recall === null && l.f1 === null)).toBe(true);
    expect(m.perLabel.every((l) => l.noSupport && l.noPredictions)).toBe(true);
    expect(computeMetrics([], [], []).macroF1).toBe(0);
  });

  it('perfect predictions', () => {
    const m = computeMetrics(['a', 'b', 'b'], ['a', 'b', 'b'], ['a', 'b']);
    expect(m.accuracy).toBe(1);
    expect(m.macroF1).toBe(1);
    expect(m.microF1).toBe(1);
  });

  it('rejects gold and predictions of different lengths', () => {
    expect(() => computeMetrics(['a'], [], ['a'])).toThrow(RangeError);
  });
});
