// Labelled datasets for the evaluation workbench: CSV / TSV (papaparse) and JSONL.
//
// Every row remembers the physical line it starts on (1-based, counted in the file as given, so a
// quoted field with line breaks makes later rows start further down) and the line it ends on.
// Rows that can't be used are never dropped silently: they are listed as problems with their lines.
// UTF-8 BOM, CRLF / LF / CR line ends and quoted fields with delimiters and line breaks are handled.

import Papa from 'papaparse';

export type DatasetFormat = 'csv' | 'tsv' | 'jsonl';

export interface DataRow {
  /** Physical line (1-based) where the row starts. */
  line: number;
  /** Physical line where it ends (> line when a quoted field holds line breaks). */
  endLine: number;
  /** One value per column (missing JSONL keys are ''). */
  values: string[];
}

export type RowProblemCode =
  | 'column-count' // a delimited row with more or fewer fields than the header
  | 'malformed-quotes' // a quote that is never closed, or text right after a closing quote
  | 'invalid-json' // a JSONL line that is not JSON
  | 'not-an-object' // a JSONL line that is JSON but not an object
  | 'missing-text' // an input column of the mapping is empty in this row
  | 'missing-label' // the label column is empty
  | 'unknown-label'; // the label value is not mapped to a verbalizer label

export interface RowProblem {
  line: number;
  endLine: number;
  code: RowProblemCode;
  /** column-count: found / expected; missing-text: column; unknown-label: value; invalid-json: parser message. */
  found?: number;
  expected?: number;
  column?: string;
  value?: string;
  message?: string;
}

export interface Dataset {
  format: DatasetFormat;
  columns: string[];
  rows: DataRow[];
  /** Rows that could not be read (wrong number of fields, bad JSON, broken quotes). */
  problems: RowProblem[];
  /** Non-empty data rows in the file (good + problem rows; the header not counted). */
  totalRows: number;
  /** Physical lines in the text. */
  lineCount: number;
}

export type DatasetParse = { ok: true; dataset: Dataset } | { ok: false; error: DatasetError };

export type DatasetErrorCode = 'empty' | 'no-header' | 'too-large';
export interface DatasetError {
  code: DatasetErrorCode;
  message: string;
}

export interface ParseDatasetOptions {
  format?: DatasetFormat | 'auto';
  /** A file name, to tell the format by its extension when `format` is 'auto'. */
  fileName?: string;
}

/** Longest text we parse (characters): about 200 MB of UTF-16 in memory. */
export const MAX_DATASET_CHARS = 100_000_000;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The format of a dataset: by file extension first (.csv, .tsv/.tab, .jsonl/.ndjson), else by
 * content: a first line that starts with "{" is JSONL; tabs without commas in the first line mean TSV.
 */
export function detectFormat(text: string, fileName?: string): DatasetFormat {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  const body = stripBom(text).replace(/^\s+/, '');
  if (body.startsWith('{')) return 'jsonl';
  const firstLine = body.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const tabs = firstLine.split('\t').length - 1;
  const commas = firstLine.split(',').length - 1;
  return tabs > commas ? 'tsv' : 'csv';
}

/** Counts physical line breaks (CRLF, LF or a lone CR) in text[from, to). */
function countBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

/** Advances a (offset, line) position through the text, counting line breaks on the way. */
class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly text: string) {}
  lineAt(offset: number): number {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    this.line += countBreaks(this.text, this.offset, offset);
    this.offset = offset;
    return this.line;
  }
}

function totalLines(text: string): number {
  if (text === '') return 0;
  const breaks = countBreaks(text, 0, text.length);
  const last = text.charCodeAt(text.length - 1);
  return last === 10 || last === 13 ? breaks : breaks + 1;
}

/** Header names: trimmed; empty ones become "column N"; repeated ones get " (2)", " (3)", … */
export function cleanColumnNames(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((name, i) => {
    let base = name.trim() || `column ${i + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    if (count > 1) base = `${base} (${count})`;
    return base;
  });
}

/** Lets a long parse give the page a chance to breathe (see parseDatasetAsync). */
export interface ParseScheduler {
  /** True when the current slice has run long enough. */
  shouldYield(): boolean;
  /** Resolves when parsing may go on. */
  yieldNow(): Promise<void>;
  /** Fraction of the text read so far (0–1). */
  onProgress?(fraction: number): void;
  /** Stops parsing (the promise rejects with an Error named AbortError). */
  signal?: AbortSignal;
}

function abortError(): Error {
  const error = new Error('Parsing was cancelled.');
  error.name = 'AbortError';
  return error;
}

/** Collects rows of a delimited file from papaparse's per-row callback. */
class DelimitedCollector {
  columns: string[] | null = null;
  readonly rows: DataRow[] = [];
  readonly problems: RowProblem[] = [];
  totalRows = 0;
  private rowStart = 0;
  private readonly lines: LineCounter;
  constructor(private readonly text: string) {
    this.lines = new LineCounter(text);
  }

  /** One parsed row that ends at absolute offset `end` (after its line break). */
  add(fields: string[], end: number, quoteError: boolean): void {
    const start = this.rowStart;
    this.rowStart = end;
    // Empty and blank lines separate nothing: skip them quietly.
    if (fields.length === 1 && fields[0]!.trim() === '' && !quoteError) return;
    const line = this.lines.lineAt(start);
    // The row's last character is before its line break (if any).
    let last = end;
    while (last > start && (this.text.charCodeAt(last - 1) === 10 || this.text.charCodeAt(last - 1) === 13)) last--;
    const endLine = line + countBreaks(this.text, start, last);
    if (this.columns === null) {
      this.columns = cleanColumnNames(fields);
      return;
    }
    this.totalRows++;
    if (quoteError) {
      this.problems.push({ line, endLine, code: 'malformed-quotes' });
    } else if (fields.length !== this.columns.length) {
      this.problems.push({ line, endLine, code: 'column-count', found: fields.length, expected: this.columns.length });
    } else {
      this.rows.push({ line, endLine, values: fields });
    }
  }
}

function papaConfig(format: 'csv' | 'tsv') {
  // Empty lines are kept (and skipped by the collector) so that every row's start is the previous
  // row's end. fastMode off: papaparse's fast mode splits the whole remaining text again after
  // every pause, which makes a sliced parse quadratic.
  return {
    delimiter: format === 'tsv' ? '\t' : ',',
    quoteChar: '"',
    escapeChar: '"',
    header: false,
    skipEmptyLines: false as const,
    fastMode: false,
  };
}

function finishDelimited(format: DatasetFormat, collector: DelimitedCollector, text: string): DatasetParse {
  if (collector.columns === null) {
    return {
      ok: false,
      error: { code: 'empty', message: 'The data is empty: it needs a header line and at least one row.' },
    };
  }
  return {
    ok: true,
    dataset: {
      format,
      columns: collector.columns,
      rows: collector.rows,
      problems: collector.problems,
      totalRows: collector.totalRows,
      lineCount: totalLines(text),
    },
  };
}

interface StepResult {
  data: string[];
  errors: { code?: string; type?: string }[];
  meta: { cursor: number };
}

const hasQuoteError = (r: StepResult) => r.errors.some((e) => e.type === 'Quotes');

// ---------------------------------------------------------------------------------------------
// JSONL

/** Collects JSONL lines; columns are the keys in order of first appearance. */
class JsonlCollector {
  readonly columns: string[] = [];
  private readonly columnIndex = new Map<string, number>();
  private readonly records: { line: number; record: Record<string, unknown> }[] = [];
  readonly problems: RowProblem[] = [];
  totalRows = 0;

  add(lineText: string, line: number): void {
    const trimmed = lineText.trim();
    if (trimmed === '') return;
    this.totalRows++;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      this.problems.push({
        line,
        endLine: line,
        code: 'invalid-json',
        message: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problems.push({ line, endLine: line, code: 'not-an-object' });
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!this.columnIndex.has(key)) this.columnIndex.set(key, this.columns.push(key) - 1);
    }
    this.records.push({ line, record });
  }

  rows(): DataRow[] {
    return this.records.map(({ line, record }) => ({
      line,
      endLine: line,
      values: this.columns.map((c) => jsonValueText(record[c])),
    }));
  }
}

/** A JSON value as cell text: strings as they are, numbers/booleans printed, null/missing empty, the rest as JSON. */
export function jsonValueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function finishJsonl(collector: JsonlCollector, text: string): DatasetParse {
  if (collector.totalRows === 0)
    return { ok: false, error: { code: 'empty', message: 'The data is empty: no JSON lines were found.' } };
  if (collector.columns.length === 0) {
    return {
      ok: false,
      error: { code: 'no-header', message: 'No line holds a JSON object, so there are no columns to choose from.' },
    };
  }
  return {
    ok: true,
    dataset: {
      format: 'jsonl',
      columns: collector.columns,
      rows: collector.rows(),
      problems: collector.problems,
      totalRows: collector.totalRows,
      lineCount: totalLines(text),
    },
  };
}

/** The physical lines of a text (ends: CRLF, LF or CR), with their 1-based numbers and end offsets. */
function* physicalLines(text: string): Generator<{ text: string; line: number; end: number }> {
  let start = 0;
  let line = 1;
  const n = text.length;
  while (start < n) {
    let i = start;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) break;
      i++;
    }
    let next = i;
    if (i < n) next = text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
    yield { text: text.slice(start, i), line, end: next };
    start = next;
    line++;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

function tooLarge(text: string): DatasetParse | null {
  if (text.length <= MAX_DATASET_CHARS) return null;
  return {
    ok: false,
    error: {
      code: 'too-large',
      message: `The data is too large (${text.length.toLocaleString('en')} characters; at most ${MAX_DATASET_CHARS.toLocaleString('en')}).`,
    },
  };
}

/** Parses a dataset in one go (CLI, tests). Never throws. */
export function parseDataset(input: string, options: ParseDatasetOptions = {}): DatasetParse {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- "never throws" also for untyped (JS, JSON) callers
  const text = stripBom(String(input ?? ''));
  const big = tooLarge(text);
  if (big) return big;
  const format = !options.format || options.format === 'auto' ? detectFormat(text, options.fileName) : options.format;
  if (format === 'jsonl') {
    const collector = new JsonlCollector();
    for (const l of physicalLines(text)) collector.add(l.text, l.line);
    return finishJsonl(collector, text);
  }
  const collector = new DelimitedCollector(text);
  Papa.parse<string[]>(text, {
    ...papaConfig(format),
    step: (result: StepResult) => collector.add(result.data, result.meta.cursor, hasQuoteError(result)),
  });
  return finishDelimited(format, collector, text);
}

/**
 * Like parseDataset, in slices: whenever `scheduler.shouldYield()` says so, parsing pauses until
 * `scheduler.yieldNow()` resolves, so the page stays responsive for large files.
 */
export async function parseDatasetAsync(
  input: string,
  options: ParseDatasetOptions,
  scheduler: ParseScheduler,
): Promise<DatasetParse> {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- "never throws" also for untyped (JS, JSON) callers
  const text = stripBom(String(input ?? ''));
  const big = tooLarge(text);
  if (big) return big;
  const format = !options.format || options.format === 'auto' ? detectFormat(text, options.fileName) : options.format;
  const { signal } = scheduler;
  if (signal?.aborted) throw abortError();

  if (format === 'jsonl') {
    const collector = new JsonlCollector();
    for (const l of physicalLines(text)) {
      collector.add(l.text, l.line);
      if (scheduler.shouldYield()) {
        scheduler.onProgress?.(l.end / Math.max(1, text.length));
        await scheduler.yieldNow();
        if (signal?.aborted) throw abortError();
      }
    }
    scheduler.onProgress?.(1);
    return finishJsonl(collector, text);
  }

  const collector = new DelimitedCollector(text);
  // After a pause papaparse resumes on the rest of the text and counts cursors from there, so we
  // keep the absolute offset where the current run started.
  let base = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(text, {
      ...papaConfig(format),
      step: (result: StepResult, parser: Papa.Parser) => {
        const end = base + result.meta.cursor;
        collector.add(result.data, end, hasQuoteError(result));
        if (!scheduler.shouldYield() || end >= text.length) return;
        parser.pause();
        base = end;
        scheduler.onProgress?.(end / Math.max(1, text.length));
        scheduler.yieldNow().then(
          () => {
            if (signal?.aborted) {
              parser.abort();
              reject(abortError());
            } else parser.resume();
          },
          (error: unknown) => {
            parser.abort();
            reject(error);
          },
        );
      },
      complete: () => {
        if (!signal?.aborted) resolve();
      },
      error: (error: Error) => reject(error),
    });
  });
  scheduler.onProgress?.(1);
  return finishDelimited(format, collector, text);
}

// ---------------------------------------------------------------------------------------------
// Columns → template slots and gold labels

/** Which column feeds each template slot, which column holds the gold label, and how its values map to labels. */
export interface DatasetMapping {
  /** Slot ('X', 'X1', …) → column name (null = not chosen). */
  slots: Record<string, string | null>;
  labelColumn: string | null;
  /**
   * Dataset label value (trimmed) → verbalizer label, or null when not mapped. A Map, not an
   * object: values are user data ("__proto__", "constructor" are ordinary labels here).
   */
  labelMap: ReadonlyMap<string, string | null>;
}

/** One usable labelled example. */
export interface EvalExample {
  line: number;
  endLine: number;
  inputs: Record<string, string>;
  /** The verbalizer label this row's gold value maps to. */
  gold: string;
  /** The label value as written in the data. */
  rawLabel: string;
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

/** Values of the label column that match several labels by case only, with those labels. */
export function ambiguousLabelValues(
  dataset: Dataset,
  labelColumn: string | null,
  labels: readonly string[],
): { value: string; labels: string[] }[] {
  if (!labelColumn) return [];
  return columnValues(dataset, labelColumn)
    .map(({ value }) => ({ value, labels: labelCandidates(value, labels) }))
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

/**
 * Turns rows into labelled examples. A row is left out, as a problem with its line, when a slot's
 * column is empty (missing text), the label is empty, or the label value maps to no label.
 */
export function buildExamples(
  dataset: Dataset,
  mapping: DatasetMapping,
  labels: readonly string[],
  /** Only rows [start, end) (the browser builds large datasets in slices). */
  range: { start: number; end: number } = { start: 0, end: dataset.rows.length },
): { examples: EvalExample[]; problems: RowProblem[] } {
  const labelSet = new Set(labels);
  const slotEntries = Object.entries(mapping.slots).map(
    ([slot, column]) => [slot, column ? dataset.columns.indexOf(column) : -1, column] as const,
  );
  const labelIndex = mapping.labelColumn ? dataset.columns.indexOf(mapping.labelColumn) : -1;
  const examples: EvalExample[] = [];
  const problems: RowProblem[] = [];
  const end = Math.min(range.end, dataset.rows.length);
  for (let r = Math.max(0, range.start); r < end; r++) {
    const row = dataset.rows[r]!;
    const { line, endLine } = row;
    let bad: RowProblem | null = null;
    const inputs: Record<string, string> = {};
    for (const [slot, index, column] of slotEntries) {
      const value = index >= 0 ? (row.values[index] ?? '') : '';
      if (value.trim() === '') {
        bad = { line, endLine, code: 'missing-text', column: column ?? slot };
        break;
      }
      inputs[slot] = value;
    }
    if (!bad) {
      const rawLabel = labelIndex >= 0 ? (row.values[labelIndex] ?? '').trim() : '';
      const gold = mapping.labelMap.get(rawLabel) ?? null;
      if (rawLabel === '') bad = { line, endLine, code: 'missing-label', column: mapping.labelColumn ?? '' };
      else if (gold === null || !labelSet.has(gold)) bad = { line, endLine, code: 'unknown-label', value: rawLabel };
      else examples.push({ line, endLine, inputs, gold, rawLabel });
    }
    if (bad) problems.push(bad);
  }
  return { examples, problems };
}

/** All problems (parse and mapping) in line order. */
export function allProblems(dataset: Dataset, mappingProblems: readonly RowProblem[]): RowProblem[] {
  return [...dataset.problems, ...mappingProblems].sort((a, b) => a.line - b.line);
}

/** A plain-English description of a problem (CLI, logs; the UI has its own translated strings). */
export function describeProblem(p: RowProblem): string {
  const where = p.endLine > p.line ? `lines ${p.line}–${p.endLine}` : `line ${p.line}`;
  switch (p.code) {
    case 'column-count':
      return `${where}: ${p.found} field(s), but the header has ${p.expected}`;
    case 'malformed-quotes':
      return `${where}: a quoted field is not closed properly`;
    case 'invalid-json':
      return `${where}: not valid JSON (${p.message ?? ''})`;
    case 'not-an-object':
      return `${where}: the JSON value is not an object`;
    case 'missing-text':
      return `${where}: the column "${p.column}" is empty`;
    case 'missing-label':
      return `${where}: no label in the column "${p.column}"`;
    case 'unknown-label':
      return `${where}: the label "${p.value}" is not mapped to a verbalizer label`;
  }
}
