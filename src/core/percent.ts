// Percentages as text, the same in the browser and on the command line.

/** "52.5%" with `digits` decimals; "—" for a value that is not a finite number (an undefined metric is null). */
export function percent(x: number | null | undefined, digits = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '—';
}

/** A probability: whole percents at the ends (0%, 100%), where a decimal would only be rounding noise. */
export function probabilityPercent(p: number): string {
  return percent(p, p >= 0.995 || p < 0.001 ? 0 : 1);
}
