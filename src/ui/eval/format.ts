// Number formatting for the evaluation views: never shows NaN or Infinity.

/** "52.5%"; "—" for a value that is not a finite number. */
export function pct(x: number | null | undefined, digits = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '—';
}

/** Thousands separators for counts. */
export function count(n: number, locale: string): string {
  return Number.isFinite(n) ? n.toLocaleString(locale === 'zh' ? 'zh-CN' : 'en-US') : '—';
}

/** Seconds as "12 s" or "3 min 05 s". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
