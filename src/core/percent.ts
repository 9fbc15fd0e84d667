// Percentages as text, the same in the browser and on the command line.

/** "52.5%" with `digits` decimals; "—" for a value that is not a finite number (an undefined metric is null). */
export function percent(x: number | null | undefined, digits = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '—';
}

/** A probability: whole percents at the ends (0%, 100%), where a decimal would only be rounding noise. */
export function probabilityPercent(p: number): string {
  return percent(p, p >= 0.995 || p < 0.001 ? 0 : 1);
}

/** A confidence interval as "20.8–93.9%"; "—" when there is none. */
export function percentRange(interval: { low: number; high: number } | null | undefined, digits = 1): string {
  if (!interval) return '—';
  return `${(100 * interval.low).toFixed(digits)}–${percent(interval.high, digits)}`;
}

/** "66.7% (95% CI 20.8–93.9%, n = 3)": a proportion with its interval and count (the CLI's text). */
export function percentWithInterval(
  value: number | null,
  interval: { low: number; high: number } | null,
  n: number,
): string {
  return value === null || !interval
    ? percent(value)
    : `${percent(value)} (95% CI ${percentRange(interval)}, n = ${n})`;
}
