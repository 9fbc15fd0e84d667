// Labelled datasets for the evaluation workbench (CSV / TSV and JSONL): what a parsed dataset, its
// mapping to template slots and labels, and a labelled example look like, and the row problems.
//
// Every row remembers the physical line it starts on (1-based, counted in the file as given, so a
// quoted field with line breaks makes later rows start further down) and the line it ends on.
// Rows that can't be used are never dropped silently: they are listed as problems with their lines.
// Cells are never cut, however long (only a whole text over MAX_DATASET_CHARS is refused, with its
// size): a model reads at most its maximum length, and what an evaluation cuts from an input to fit
// is reported per example and in the summary (evaluation-results.ts truncationSummary).
//
// Reading text: dataset-parse.ts (entry points) and dataset-readers.ts (per format); columns →
// slots, labels and examples: dataset-mapping.ts.

import type { DatasetErrorCode, Issue, RowProblemCode } from './issues.ts';

export type { DatasetErrorCode, RowProblemCode } from './issues.ts';

export type DatasetFormat = 'csv' | 'tsv' | 'jsonl';

export interface DataRow {
  /** Physical line (1-based) where the row starts. */
  line: number;
  /** Physical line where it ends (> line when a quoted field holds line breaks). */
  endLine: number;
  /** One value per column (missing JSONL keys are ''; so are JSONL values that are not strings). */
  values: string[];
  /**
   * JSONL only: the columns (by index) whose value is not a string (a number, boolean, null, object
   * or array). Their `values` are ''; a row whose text or label column is one of them is a bad row
   * ('non-string-value'), never a silently converted one. Absent when every value is a string.
   */
  nonText?: Readonly<Record<number, NonTextValue>>;
}

/** A JSON value where text was expected: its kind, and how it was written (shortened). */
export interface NonTextValue {
  kind: 'number' | 'boolean' | 'null' | 'object' | 'array';
  json: string;
}

/**
 * A row that is left out: a delimited row with more or fewer fields than the header, a quote that
 * is never closed, a JSONL line that is not JSON or not an object; or, once columns and labels are
 * chosen, an empty input column or label, a JSONL value that is not a string in an input or label
 * column, or a label value not mapped to a verbalizer label.
 */
export type RowProblem = Issue<RowProblemCode>;

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

/** Why a whole file can't be read. */
export type DatasetError = Issue<DatasetErrorCode>;

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
  return [...dataset.problems, ...mappingProblems].sort((a, b) => a.params.line - b.params.line);
}
