// Number formatting for the evaluation views: never shows NaN or Infinity (percentages: core/percent.ts).

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
