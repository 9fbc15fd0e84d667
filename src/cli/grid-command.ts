// `clozelab eval --grid`: the setup's evaluation grid (setup.grid) on the command line, through the
// same core runner as the browser (src/core/grid-run.ts). Unlike the browser, the CLI runs every
// model of the grid: it loads each in turn, runs its cells and frees it before the next.

import { gridReport, gridTable, type GridMetric } from '../core/grid-report.ts';
import { runGrid, type GridModelLoad, type GridResult } from '../core/grid-run.ts';
import { gridAxes, planGrid } from '../core/grid.ts';
import { percent } from '../core/percent.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../core/pipeline.ts';
import { MAIN_VERBALIZER, modelKey, type ModelRef } from '../core/setup.ts';
import { MaskedLMEngine } from '../runtime/engine.ts';
import { allowHubDownloads, setLocalModelFolder } from '../runtime/node-models.ts';
import { engineModel } from '../runtime/pipeline-model.ts';
import type { ParsedArgs } from './args.ts';
import { jsonForTerminal } from './format.ts';
import { EXIT, labelledExamples, loadRunModel, type CommandIO, type RunInputs } from './labelled-run.ts';
import { resolveModel } from './model-source.ts';

export async function gridCommand(
  flags: ParsedArgs,
  inputs: RunInputs,
  io: CommandIO,
  terminal: CommandIO,
  warn: (text: string) => void,
): Promise<number> {
  const { setup } = inputs;
  if (setup.grid === null) {
    io.stderr(
      'clozelab eval: --grid: the setup has no grid (define one in Evaluate → Grid, or add "grid" to the JSON).\n',
    );
    return EXIT.usage;
  }
  const axes = gridAxes(setup);
  // The setup's model (or --model) binds the templates and maps the data; the grid's own models run in turn.
  const loaded = await loadRunModel('eval', { ...inputs, entries: axes.templates }, io, warn);
  if (typeof loaded === 'number') return loaded;
  const setupModel: ModelRef = { ...setup.model, dtype: inputs.dtype };
  let current: MaskedLMEngine | null = null;
  try {
    const labelled = labelledExamples(
      'eval',
      inputs.dataset,
      inputs.dataName,
      loaded.templates,
      inputs.labels,
      flags,
      io,
      warn,
    );
    if (typeof labelled === 'number') return labelled;
    const { examples } = labelled;
    const showProgress = io.progressToTerminal && !flags.switches.has('quiet');
    const result = await runGrid({
      // --model / --dtype replace the setup's model wherever the grid names it.
      setup: { ...setup, model: setupModel },
      examples,
      modelFor: async (model): Promise<GridModelLoad> => {
        if (modelKey(model) === modelKey(setupModel)) return { ok: true, pipeline: loaded.pipeline };
        try {
          const where = resolveModel(model.id, { ...setup, model }, io.cwd, io.projectRoot);
          if (where.folder) setLocalModelFolder(where.folder);
          allowHubDownloads(where.source.kind === 'hub');
          current = await MaskedLMEngine.load(where.source, { dtype: model.dtype, device: 'cpu' });
          const pipeline = new ScoringPipeline(engineModel(current), { cacheLimit: CACHE_LIMITS.evaluation });
          return { ok: true, pipeline };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      },
      release: async () => {
        const engine = current;
        current = null;
        await engine?.dispose();
      },
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: (p) => {
        if (showProgress)
          terminal.stderr(
            `\rgrid: model ${Math.min(p.model + 1, p.models)}/${p.models}, ${p.done}/${p.total} examples, ${p.promptsRun} prompts run\u001b[K`,
          );
      },
    });
    if (showProgress) io.stderr('\n');
    for (const m of result.models)
      if (m.status === 'skipped' || m.status === 'failed')
        io.stderr(
          `clozelab eval: --grid: the model "${m.model.id}" was ${m.status}: ${m.error ?? m.errorCode ?? ''}\n`,
        );
    if (flags.switches.has('json')) io.stdout(jsonForTerminal(gridReport(result)) + '\n');
    else
      io.stdout(
        formatGrid(
          result,
          planGrid(
            axes,
            new Set(examples.map((e) => JSON.stringify(e.inputs))).size,
            engineModel(loaded.engine).maskToken,
          ).separatePrompts,
        ),
      );
    if (result.status === 'cancelled') return EXIT.interrupted;
    return result.status === 'complete' ? EXIT.ok : EXIT.failed;
  } finally {
    await loaded.engine.dispose();
  }
}

/** The heatmap's numbers as text: one table per metric, rows template × verbalizer, columns model × calibration. */
export function formatGrid(result: GridResult, separatePrompts: number): string {
  const table = gridTable(result);
  const rowName = (r: (typeof table.rows)[number]) =>
    `${r.templateId} · ${r.verbalizerName === MAIN_VERBALIZER ? 'main verbalizer' : r.verbalizerName}`;
  const colName = (c: (typeof table.columns)[number]) => `${c.modelId} ${c.calibrate ? 'calibrated' : 'uncalibrated'}`;
  const block = (metric: GridMetric, title: string) => {
    const head = ['', ...table.columns.map(colName)];
    const body = table.rows.map((r, i) => [
      rowName(r),
      ...table.columns.map((_, c) => {
        const v = table[metric][i]![c];
        return v === null || v === undefined ? '—' : percent(v);
      }),
    ]);
    const widths = head.map((_, c) => Math.max(...[head, ...body].map((line) => line[c]!.length)));
    const line = (cells: string[]) =>
      cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
    return [title, line(head), ...body.map(line)].join('\n');
  };
  const s = result.stats;
  return [
    `Grid: ${table.rows.length} rows × ${table.columns.length} columns = ${table.rows.length * table.columns.length} cells on ${result.examples} examples (${result.status})`,
    '',
    block('accuracy', 'Accuracy'),
    '',
    block('macroF1', 'Macro-F1'),
    '',
    `Forward passes: ${s.promptsRun} run (${s.promptsReused} reused) — one run per cell would need ${separatePrompts}.`,
    '',
  ].join('\n');
}
