// A grid's results as data to show and export (browser heatmap, CSV/JSON export, `clozelab eval
// --grid`): rows are (template, verbalizer) pairs, columns (model, calibration) pairs, each cell
// its accuracy and macro-F1. Plain data with ids and names; the UI translates the headers.

import { gridCellValues, type GridResult } from './grid-run.ts';
import { MAIN_VERBALIZER, type ModelRef } from './setup.ts';
import Papa from 'papaparse';

export type GridMetric = 'accuracy' | 'macroF1';

export interface GridRow {
  template: number;
  verbalizer: number;
  templateId: string;
  templateName: string;
  /** MAIN_VERBALIZER or the variant's name. */
  verbalizerName: string;
}

export interface GridColumn {
  model: number;
  calibration: number;
  modelId: string;
  dtype: ModelRef['dtype'];
  calibrate: boolean;
}

export interface GridTable {
  rows: GridRow[];
  columns: GridColumn[];
  /** values[row][column]: null where the cell has no finished example. */
  accuracy: (number | null)[][];
  macroF1: (number | null)[][];
  /** Examples behind each cell. */
  n: number[][];
}

export function gridTable(result: GridResult): GridTable {
  const { axes } = result;
  const rows: GridRow[] = axes.templates.flatMap((t, template) =>
    axes.verbalizers.map((name, verbalizer) => ({
      template,
      verbalizer,
      templateId: t.id,
      templateName: t.name,
      verbalizerName: name,
    })),
  );
  const columns: GridColumn[] = axes.models.flatMap((m, model) =>
    axes.calibration.map((calibrate, calibration) => ({
      model,
      calibration,
      modelId: m.id,
      dtype: m.dtype,
      calibrate,
    })),
  );
  const empty = <T>(fill: T) => rows.map(() => columns.map(() => fill));
  const table: GridTable = { rows, columns, accuracy: empty(null), macroF1: empty(null), n: empty(0) };
  const rowOf = new Map(rows.map((r, i) => [`${r.template}:${r.verbalizer}`, i] as const));
  const colOf = new Map(columns.map((c, i) => [`${c.model}:${c.calibration}`, i] as const));
  for (const v of gridCellValues(result)) {
    const r = rowOf.get(`${v.template}:${v.verbalizer}`)!;
    const c = colOf.get(`${v.model}:${v.calibration}`)!;
    table.accuracy[r]![c] = v.accuracy;
    table.macroF1[r]![c] = v.macroF1;
    table.n[r]![c] = v.n;
  }
  return table;
}

/** The grid as JSON (CLI --json and the browser's JSON export share it). */
export function gridReport(result: GridResult) {
  const table = gridTable(result);
  return {
    kind: 'clozelab-grid',
    status: result.status,
    examples: result.examples,
    labels: result.labels,
    models: result.models.map((m) => ({
      id: m.model.id,
      source: m.model.source,
      dtype: m.model.dtype,
      status: m.status,
      done: m.run?.done ?? 0,
      ...(m.error !== undefined ? { error: m.error } : {}),
    })),
    stats: result.stats,
    cells: table.rows.flatMap((row, r) =>
      table.columns.map((col, c) => ({
        template: row.templateId,
        verbalizer: row.verbalizerName,
        model: col.modelId,
        dtype: col.dtype,
        calibrate: col.calibrate,
        n: table.n[r]![c]!,
        accuracy: table.accuracy[r]![c] ?? null,
        macroF1: table.macroF1[r]![c] ?? null,
      })),
    ),
  };
}

/** One CSV row per cell. */
export function gridCsv(result: GridResult): string {
  const header = [
    'template',
    'template_name',
    'verbalizer',
    'model',
    'dtype',
    'calibrate',
    'n',
    'accuracy',
    'macro_f1',
  ];
  const lines: string[][] = [];
  const table = gridTable(result);
  table.rows.forEach((row, r) =>
    table.columns.forEach((col, c) =>
      lines.push([
        row.templateId,
        row.templateName,
        row.verbalizerName,
        col.modelId,
        col.dtype,
        String(col.calibrate),
        String(table.n[r]![c]),
        table.accuracy[r]![c]?.toString() ?? '',
        table.macroF1[r]![c]?.toString() ?? '',
      ]),
    ),
  );
  // escapeFormulae: a template name starting with =, +, - or @ must not run as a spreadsheet formula.
  return Papa.unparse({ fields: header, data: lines }, { newline: '\n', escapeFormulae: true }) + '\n';
}

/** Whether a row is the main verbalizer's (the UI names it in words). */
export const isMainVerbalizer = (name: string): boolean => name === MAIN_VERBALIZER;
