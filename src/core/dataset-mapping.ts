// Columns → template slots and gold labels: a first guess of the mapping, label values matched to
// verbalizer labels, and the rows turned into labelled examples (or problems with their lines).

import type { Template } from './template.ts';
import type { Dataset, DatasetMapping, EvalExample, RowProblem } from './dataset.ts';
import { issue } from './issues.ts';

/** The union of every template's slots, in order (X, or X1, X2, …). */
export function templateSlots(templates: readonly { template: Template }[]): string[] {
  const slots: string[] = [];
  for (const t of templates) for (const s of t.template.slots) if (!slots.includes(s)) slots.push(s);
  return slots.sort((a, b) => (a === 'X' ? 0 : Number(a.slice(1))) - (b === 'X' ? 0 : Number(b.slice(1))));
}

/** Distinct values of a column (trimmed) with their counts, most frequent first (ties: first seen); `limit` rows at most. */
export function columnValues(dataset: Dataset, column: string, limit = Infinity): { value: string; count: number }[] {
  const index = dataset.columns.indexOf(column);
  if (index < 0) return [];
  const counts = new Map<string, number>();
  const end = Math.min(dataset.rows.length, limit);
  for (let r = 0; r < end; r++) {
    const value = (dataset.rows[r]!.values[index] ?? '').trim();
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count);
}

/** Rows looked at when guessing the label column from its values. */
const GUESS_SAMPLE_ROWS = 5_000;
const LABEL_COLUMN_NAMES = [
  'label',
  'labels',
  'gold',
  'gold_label',
  'class',
  'category',
  'target',
  'y',
  'sentiment',
  'topic',
  'answer',
];
const SLOT_COLUMN_NAMES: Record<string, string[]> = {
  X: ['text', 'sentence', 'review', 'content', 'input', 'x', 'document', 'question', 'sentence1', 'text_a'],
  X1: ['x1', 'premise', 'sentence1', 'text_a', 'question1', 'question', 'text1', 'first'],
  X2: ['x2', 'hypothesis', 'sentence2', 'text_b', 'question2', 'answer', 'text2', 'second'],
};

/**
 * Verbalizer labels a dataset value names: the label written exactly so (surrounding spaces
 * ignored) if there is one, else every label equal to it ignoring case.
 */
export function labelCandidates(value: string, labels: readonly string[]): string[] {
  const key = value.trim();
  if (key === '') return [];
  const exact = labels.find((l) => l.trim() === key);
  if (exact !== undefined) return [exact];
  const lower = key.toLowerCase();
  return labels.filter((l) => l.trim().toLowerCase() === lower);
}

/**
 * The verbalizer label a dataset value names: an exact match first, else the one label equal to
 * it ignoring case; null when none or when several labels differ from it only in case (ambiguous:
 * see `ambiguousLabelValues`).
 */
export function matchLabel(value: string, labels: readonly string[]): string | null {
  const candidates = labelCandidates(value, labels);
  return candidates.length === 1 ? candidates[0]! : null;
}

/** Label values (e.g. buildExamples' labelCounts keys) that match several labels by case only, with those labels. */
export function ambiguousLabelValues(
  values: Iterable<string>,
  labels: readonly string[],
): { value: string; labels: string[] }[] {
  return [...values]
    .map((value) => ({ value, labels: labelCandidates(value, labels) }))
    .filter((v) => v.labels.length > 1);
}

/** Label map for every distinct value of the label column, matched by name (exact, else case-insensitive). */
export function autoLabelMap(
  dataset: Dataset,
  labelColumn: string | null,
  labels: readonly string[],
): Map<string, string | null> {
  const map = new Map<string, string | null>();
  if (!labelColumn) return map;
  for (const { value } of columnValues(dataset, labelColumn))
    if (value !== '') map.set(value, matchLabel(value, labels));
  return map;
}

/**
 * A first guess of the mapping: the label column by its name (else the column whose values best
 * match the labels, else the last column); each slot by a conventional name (text, premise, …),
 * else the remaining columns in order.
 */
export function suggestMapping(dataset: Dataset, slots: readonly string[], labels: readonly string[]): DatasetMapping {
  const columns = dataset.columns;
  const byName = (names: readonly string[], exclude: ReadonlySet<string>) => {
    for (const name of names) {
      const hit = columns.find((c) => c.trim().toLowerCase() === name && !exclude.has(c));
      if (hit) return hit;
    }
    return null;
  };
  let labelColumn = byName(LABEL_COLUMN_NAMES, new Set());
  if (!labelColumn) {
    let best = -1;
    for (const c of columns) {
      const values = columnValues(dataset, c, GUESS_SAMPLE_ROWS);
      const matched = values.filter((v) => matchLabel(v.value, labels) !== null).reduce((s, v) => s + v.count, 0);
      if (matched > best && matched > 0) {
        best = matched;
        labelColumn = c;
      }
    }
  }
  if (!labelColumn && columns.length > 1) labelColumn = columns[columns.length - 1]!;
  const used = new Set<string>(labelColumn ? [labelColumn] : []);
  const slotMap: Record<string, string | null> = {};
  for (const slot of slots) {
    const hit = byName(SLOT_COLUMN_NAMES[slot] ?? [slot.toLowerCase()], used);
    if (hit) {
      slotMap[slot] = hit;
      used.add(hit);
    }
  }
  for (const slot of slots) {
    if (slotMap[slot]) continue;
    const free = columns.find((c) => !used.has(c)) ?? null;
    slotMap[slot] = free;
    if (free) used.add(free);
  }
  return { slots: slotMap, labelColumn, labelMap: autoLabelMap(dataset, labelColumn, labels) };
}

/** A label value of the data with the number of rows that hold it. */
export interface LabelValueCount {
  value: string;
  count: number;
}

/**
 * Turns rows into labelled examples. A row is left out, as a problem with its line, when a slot's
 * column is empty (missing text) or not a string (JSONL), the label is empty or not a string, or
 * the label value maps to no label.
 *
 * `labelCounts` counts the label values (trimmed, in order of first appearance) of the rows that
 * are left out for no other reason than their label's mapping: rows skipped for a bad row (reading
 * problems are not rows at all), an empty or non-string input or label are not counted. A slot
 * without a chosen column does not stop its rows being counted (its column is a choice to make,
 * not a fault of the rows). These are the counts the label-value table shows.
 */
export function buildExamples(
  dataset: Dataset,
  mapping: DatasetMapping,
  labels: readonly string[],
  /** Only rows [start, end) (the browser builds large datasets in slices). */
  range: { start: number; end: number } = { start: 0, end: dataset.rows.length },
): { examples: EvalExample[]; problems: RowProblem[]; labelCounts: Map<string, number> } {
  const labelSet = new Set(labels);
  const slotEntries = Object.entries(mapping.slots).map(
    ([slot, column]) => [slot, column ? dataset.columns.indexOf(column) : -1, column] as const,
  );
  const labelColumn = mapping.labelColumn ?? '';
  const labelIndex = mapping.labelColumn ? dataset.columns.indexOf(mapping.labelColumn) : -1;
  const examples: EvalExample[] = [];
  const problems: RowProblem[] = [];
  const labelCounts = new Map<string, number>();
  const end = Math.min(range.end, dataset.rows.length);
  for (let r = Math.max(0, range.start); r < end; r++) {
    const row = dataset.rows[r]!;
    const { line, endLine, nonText } = row;
    const notString = (column: string, index: number, role: 'text' | 'label'): RowProblem | null => {
      const v = nonText?.[index];
      return v
        ? issue('non-string-value', 'warning', {
            line,
            endLine,
            column,
            role,
            kind: v.kind,
            value: v.kind === 'null' ? '' : v.json,
          })
        : null;
    };
    /** The first fault of the row itself (not of the mapping's choices). */
    let fault: RowProblem | null = null;
    /** A slot without a column: the row can't be used, but it is not at fault. */
    let unchosen: RowProblem | null = null;
    const inputs: Record<string, string> = {};
    for (const [slot, index, column] of slotEntries) {
      if (index < 0) {
        unchosen ??= issue('missing-text', 'warning', { line, endLine, column: column ?? slot });
        continue;
      }
      const value = row.values[index] ?? '';
      fault = notString(column!, index, 'text');
      if (!fault && value.trim() === '') fault = issue('missing-text', 'warning', { line, endLine, column: column! });
      if (fault) break;
      inputs[slot] = value;
    }
    if (fault) {
      problems.push(fault);
      continue;
    }
    const rawLabel = labelIndex >= 0 ? (row.values[labelIndex] ?? '').trim() : '';
    const labelFault = labelIndex >= 0 ? notString(labelColumn, labelIndex, 'label') : null;
    if (labelFault) {
      problems.push(unchosen ?? labelFault);
      continue;
    }
    if (rawLabel === '') {
      problems.push(unchosen ?? issue('missing-label', 'warning', { line, endLine, column: labelColumn }));
      continue;
    }
    labelCounts.set(rawLabel, (labelCounts.get(rawLabel) ?? 0) + 1);
    const gold = mapping.labelMap.get(rawLabel) ?? null;
    if (unchosen) problems.push(unchosen);
    else if (gold === null || !labelSet.has(gold))
      problems.push(issue('unknown-label', 'warning', { line, endLine, value: rawLabel }));
    else examples.push({ line, endLine, inputs, gold, rawLabel });
  }
  return { examples, problems, labelCounts };
}

/** Label counts (of buildExamples, merged over slices) as a list, most frequent first (ties: first seen). */
export function sortedLabelValues(counts: ReadonlyMap<string, number>): LabelValueCount[] {
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count);
}

/** Adds one slice's label counts to the running total. */
export function addLabelCounts(total: Map<string, number>, part: ReadonlyMap<string, number>): void {
  for (const [value, n] of part) total.set(value, (total.get(value) ?? 0) + n);
}

/**
 * Why a loaded dataset gives no examples, as the step the user has to take: choose the text column
 * of a slot, choose the gold label column, map label values to verbalizer labels (none is mapped),
 * or fix the rows (values are mapped but every row has a problem, or no row has a usable label
 * value at all — the skipped rows say why).
 */
export type NoExamplesReason = 'no-text-column' | 'no-label-column' | 'no-label-mapped' | 'no-usable-row';

export function noExamplesReason(
  mapping: DatasetMapping,
  slots: readonly string[],
  /** The label values of rows without faults of their own (buildExamples' labelCounts); default: every value in the map. */
  labelValues: Iterable<string> = mapping.labelMap.keys(),
): NoExamplesReason {
  if (slots.some((slot) => !mapping.slots[slot])) return 'no-text-column';
  if (!mapping.labelColumn) return 'no-label-column';
  let values = 0;
  for (const value of labelValues) {
    values++;
    if (mapping.labelMap.get(value) != null) return 'no-usable-row';
  }
  // No row with a usable label value: the rows are what to fix, not the mapping.
  return values === 0 ? 'no-usable-row' : 'no-label-mapped';
}
