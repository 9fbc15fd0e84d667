import { describe, expect, it } from 'vitest';
import { percent, probabilityPercent } from '../../src/core/percent.ts';

describe('percent', () => {
  it('writes a share with the asked decimals', () => {
    expect(percent(0.525)).toBe('52.5%');
    expect(percent(0.525, 0)).toBe('53%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(0)).toBe('0.0%');
  });

  it('writes "—" for an undefined metric (null) and anything that is not a finite number', () => {
    for (const x of [null, undefined, Number.NaN, Infinity, -Infinity]) expect(percent(x)).toBe('—');
  });
});

describe('probabilityPercent', () => {
  it('drops the decimal at the ends, where it would only be rounding noise', () => {
    expect(probabilityPercent(0.9996)).toBe('100%');
    expect(probabilityPercent(0.995)).toBe('100%');
    expect(probabilityPercent(0.0004)).toBe('0%');
    expect(probabilityPercent(0)).toBe('0%');
  });

  it('keeps one decimal in between', () => {
    expect(probabilityPercent(0.001)).toBe('0.1%');
    expect(probabilityPercent(0.5)).toBe('50.0%');
    expect(probabilityPercent(0.994)).toBe('99.4%');
  });
});
