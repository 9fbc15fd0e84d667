// How rows are read from each dataset format: CSV / TSV through papaparse's per-row callback,
// JSONL line by line. Every row keeps the physical lines it spans, so problems can name them.

import type { DataRow, DatasetFormat, DatasetParse, NonTextValue, RowProblem } from './dataset.ts';
import { issue } from './issues.ts';

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

/** Collects rows of a delimited file from papaparse's per-row callback. */
export class DelimitedCollector {
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
      this.problems.push(issue('malformed-quotes', 'warning', { line, endLine }));
    } else if (fields.length !== this.columns.length) {
      this.problems.push(
        issue('column-count', 'warning', { line, endLine, found: fields.length, expected: this.columns.length }),
      );
    } else {
      this.rows.push({ line, endLine, values: fields });
    }
  }
}

export function papaConfig(format: 'csv' | 'tsv') {
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

export function finishDelimited(format: DatasetFormat, collector: DelimitedCollector, text: string): DatasetParse {
  if (collector.columns === null) {
    return { ok: false, error: issue('data-empty', 'error', {}) };
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

export interface StepResult {
  data: string[];
  errors: { code?: string; type?: string }[];
  meta: { cursor: number };
}

export const hasQuoteError = (r: StepResult) => r.errors.some((e) => e.type === 'Quotes');

// ---------------------------------------------------------------------------------------------
// JSONL

/** Collects JSONL lines; columns are the keys in order of first appearance. */
export class JsonlCollector {
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
      const detail = error instanceof Error ? error.message : String(error);
      this.problems.push(issue('invalid-json', 'warning', { line, endLine: line, detail }));
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problems.push(issue('not-an-object', 'warning', { line, endLine: line }));
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!this.columnIndex.has(key)) this.columnIndex.set(key, this.columns.push(key) - 1);
    }
    this.records.push({ line, record });
  }

  rows(): DataRow[] {
    return this.records.map(({ line, record }) => {
      const values: string[] = [];
      let nonText: Record<number, NonTextValue> | undefined;
      this.columns.forEach((c, i) => {
        const value = record[c];
        if (value === undefined || typeof value === 'string') {
          values.push(value ?? '');
          return;
        }
        values.push('');
        nonText ??= {};
        nonText[i] = nonTextValue(value);
      });
      return nonText ? { line, endLine: line, values, nonText } : { line, endLine: line, values };
    });
  }
}

/** Longest JSON shown for a value that is not a string (in the row's problem). */
const NON_TEXT_SHOWN_CHARS = 40;

/**
 * A JSON value that is not a string, as a problem will name it. Such values are never converted
 * to text: `{"label": 1}` is not the label "1" (a JSONL label or text must be a JSON string).
 */
export function nonTextValue(value: unknown): NonTextValue {
  const kind: NonTextValue['kind'] =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'number'
          ? 'number'
          : typeof value === 'boolean'
            ? 'boolean'
            : 'object';
  const json = JSON.stringify(value);
  const chars = [...json];
  return {
    kind,
    json: chars.length > NON_TEXT_SHOWN_CHARS ? chars.slice(0, NON_TEXT_SHOWN_CHARS - 1).join('') + '…' : json,
  };
}

export function finishJsonl(collector: JsonlCollector, text: string): DatasetParse {
  if (collector.totalRows === 0) return { ok: false, error: issue('data-no-json-lines', 'error', {}) };
  if (collector.columns.length === 0) {
    return { ok: false, error: issue('data-no-columns', 'error', {}) };
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
export function* physicalLines(text: string): Generator<{ text: string; line: number; end: number }> {
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
