import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/core/index.ts';
import { isSmallSample, SMALL_SAMPLE_N, wilsonInterval } from '../../src/core/metrics.ts';
import { percentRange, percentWithInterval } from '../../src/core/percent.ts';

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
      precisionCI: null,
      recallCI: wilsonInterval(0, 1),
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
      precisionCI: null,
      recallCI: null,
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
    expect(m.accuracyCI).toBeNull();
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

describe('confidence intervals (Wilson score, 95 %)', () => {
  it('matches reference values: 2 of 3 (R prop.test(2, 3, correct = FALSE)), and the closed forms at 0 of n and n of n', () => {
    const ci = wilsonInterval(2, 3)!;
    expect(ci.low).toBeCloseTo(0.2077, 4);
    expect(ci.high).toBeCloseTo(0.9385, 4);
    // 0 of n: [0, z²/(n + z²)]; n of n: [n/(n + z²), 1] — never zero-width, never outside [0, 1].
    const z2 = 1.959963984540054 ** 2;
    expect(wilsonInterval(0, 10)).toEqual({ low: 0, high: expect.closeTo(z2 / (10 + z2), 12) as number });
    expect(wilsonInterval(10, 10)).toEqual({ low: expect.closeTo(10 / (10 + z2), 12) as number, high: 1 });
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(4, 3)).toBeNull();
    // 50 of 100: close to the normal approximation 0.5 ± 0.098.
    const half = wilsonInterval(50, 100)!;
    expect(half.low).toBeCloseTo(0.4038, 4);
    expect(half.high).toBeCloseTo(0.5962, 4);
  });

  it('the interval always holds the value, inside [0, 1], and narrows as n grows', () => {
    for (let n = 1; n <= 60; n++) {
      for (let k = 0; k <= n; k++) {
        const ci = wilsonInterval(k, n)!;
        expect(ci.low).toBeGreaterThanOrEqual(0);
        expect(ci.high).toBeLessThanOrEqual(1);
        expect(ci.low).toBeLessThanOrEqual(k / n + 1e-12);
        expect(ci.high).toBeGreaterThanOrEqual(k / n - 1e-12);
      }
    }
    const width = (n: number) => wilsonInterval(Math.round(n / 2), n)!.high - wilsonInterval(Math.round(n / 2), n)!.low;
    expect(width(10)).toBeGreaterThan(width(100));
  });

  it('computeMetrics attaches them: accuracy (correct of n), precision (tp of predicted), recall (tp of support)', () => {
    const m = computeMetrics(['a', 'a', 'b'], ['a', 'b', 'b'], ['a', 'b']);
    expect(m.accuracyCI).toEqual(wilsonInterval(2, 3));
    expect(m.perLabel[0]!.precisionCI).toEqual(wilsonInterval(1, 1));
    expect(m.perLabel[0]!.recallCI).toEqual(wilsonInterval(1, 2));
    expect(m.perLabel[1]!.precisionCI).toEqual(wilsonInterval(1, 2));
    expect(m.perLabel[1]!.recallCI).toEqual(wilsonInterval(1, 1));
    expect(percentWithInterval(m.accuracy, m.accuracyCI, m.n)).toBe('66.7% (95% CI 20.8–93.9%, n = 3)');
    expect(percentWithInterval(null, null, 0)).toBe('—');
    expect(percentRange(null)).toBe('—');
  });

  it('the small-sample threshold: below 30 examples an accuracy near 50 % has a 95 % interval more than 34 points wide', () => {
    expect(SMALL_SAMPLE_N).toBe(30);
    const below = wilsonInterval(15, SMALL_SAMPLE_N - 1)!;
    expect(below.high - below.low).toBeGreaterThan(0.34);
    expect([0, 1, 29, 30].map(isSmallSample)).toEqual([false, true, true, false]);
  });
});
