// The words that pushed most toward one label (the CLI's predictions file, summaries).
import type { AttributionResult } from './run.ts';

export interface TopWord {
  word: string;
  slot: string;
  /** Δp toward the label: P(label | input) − P(label | word occluded). */
  delta: number;
}

/** The `count` words with the largest positive Δp toward `label` (index into result.labels), largest first. */
export function topWords(result: AttributionResult, label: number, count: number): TopWord[] {
  return result.words
    .filter((w) => w.delta !== null && (w.delta[label] ?? 0) > 0)
    .map((w) => ({ word: w.word.text, slot: w.word.slot, delta: w.delta![label]! }))
    .sort((a, b) => b.delta - a.delta)
    .slice(0, Math.max(0, count));
}
