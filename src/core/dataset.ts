// Labelled datasets for the evaluation workbench (CSV / TSV and JSONL): what a parsed dataset, its
// mapping to template slots and labels, and a labelled example look like, and the row problems.
//
// Every row remembers the physical line it starts on (1-based, counted in the file as given, so a
// quoted field with line breaks makes later rows start further down) and the line it ends on.
// Rows that can't be used are never dropped silently: they are listed as problems with their lines.
//
// Reading text: dataset-parse.ts (entry points) and dataset-readers.ts (per format); columns →
// slots, labels and examples: dataset-mapping.ts.

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
