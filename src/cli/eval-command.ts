// `clozelab eval`: the evaluation workbench on the command line. Same core code as the browser
// (src/core/evaluation.ts), run on Node's ONNX Runtime through MaskedLMEngine.

import { DEMO_DATASETS } from '../core/demo-datasets.ts';
import { evaluationReport, predictionsCsv } from '../core/evaluation-report.ts';
import { runEvaluation } from '../core/evaluation.ts';
import { percent } from '../core/percent.ts';
import { OCCLUSION_MODES, type OcclusionMode } from '../core/attribution/occlusion.ts';
import { explainRun, explanationCells, explanationHeader } from '../core/attribution/predictions.ts';
import { templateSlots } from '../core/dataset-mapping.ts';
import { parseArgs, single, UsageError, type FlagSpec } from './args.ts';
import { checkOutputPath, terminalSafe, writeOutputFile } from './files.ts';
import { cliTruncationNote, formatRun, jsonForTerminal, progressLine } from './format.ts';
import { gridCommand } from './grid-command.ts';
import { EXIT, labelledExamples, loadRunModel, readRunInputs, type CommandIO, type RunInputs } from './labelled-run.ts';

export { EXIT, type CommandIO } from './labelled-run.ts';

const FLAGS: Record<string, FlagSpec> = {
  setup: { value: true },
  data: { value: true },
  model: { value: true },
  dtype: { value: true },
  format: { value: true },
  templates: { value: true },
  column: { value: true, repeat: true },
  'label-column': { value: true },
  'label-map': { value: true, repeat: true },
  predictions: { value: true },
  explain: {},
  'explain-mode': { value: true },
  'explain-top': { value: true },
  json: {},
  grid: {},
  strict: {},
  quiet: {},
  help: {},
};

export const EVAL_USAGE = `Usage: clozelab eval --setup <setup.json> --data <data.csv|.tsv|.jsonl> [options]

Evaluates a ClozeLab setup (templates, verbalizer, scoring) on labelled data and prints accuracy,
per-label precision / recall / F1, macro- and micro-F1 and the confusion matrix, without and with
contextual calibration, for every template and their ensemble.

  --setup <file>        a PromptSetup JSON file (as exported by ClozeLab), or demo:<id>
  --data <file>         labelled data: CSV, TSV or JSONL (UTF-8), or demo:<id>
  --model <id|folder>   a Hugging Face Hub id (owner/name) or a model folder in Hugging Face layout;
                        default: the setup's model (ids of the generated test models, and any id
                        with a copy under public/models/, are read from public/models/)
  --dtype <dtype>       fp32 | fp16 | q8 | q4 (default: the setup's; "auto" is fp32 in Node)
  --format <format>     csv | tsv | jsonl (default: by file extension, else by content)
  --templates <ids>     comma-separated template ids to evaluate (default: all)
  --column <SLOT=col>   the data column for a template slot, e.g. --column X=review (repeatable)
  --label-column <col>  the column with the gold labels (default: "label" or a guess)
  --label-map <v=label> map a data label value to a verbalizer label, e.g. --label-map 1=positive
                        (repeatable; values matching a label's name, ignoring case, map by themselves)
  --predictions <file>  also write one CSV row per example and template
  --explain             with --predictions: add per example the words that pushed most toward the
                        predicted label (word attribution by occlusion: each word removed in turn;
                        columns top_word_k, top_delta_k = Δp, explain_prompts = n + 1 for n words)
  --explain-mode <m>    remove (default) | mask: occlude a word by removing it, or by the model's
                        mask token
  --explain-top <k>     how many top words per example (default 3, at most 20)
  --json                print the metrics as JSON (the same JSON the browser exports)
  --grid                run the setup's evaluation grid (templates × verbalizer variants × models ×
                        calibration; every model of the grid is loaded in turn) and print the table
                        of accuracy and macro-F1 per cell (with --json: the grid's JSON export)
  --strict              stop when any row can't be used (default: skip it with a warning)
  --quiet               no progress or warnings on stderr

Demos (small datasets written for ClozeLab): ${DEMO_DATASETS.map((d) => d.id).join(', ')}
Exit status: 0 done, 1 the model or the run failed, 2 bad input, 130 interrupted (partial results printed).`;

export async function evalCommand(argv: readonly string[], terminal: CommandIO): Promise<number> {
  // Everything printed may quote the data (labels, values, file names): control characters from it
  // are shown as escapes. Only the progress line writes its own (\r and "erase line").
  const io: CommandIO = {
    ...terminal,
    stdout: (text) => terminal.stdout(terminalSafe(text)),
    stderr: (text) => terminal.stderr(terminalSafe(text)),
  };
  let flags: ReturnType<typeof parseArgs>;
  try {
    flags = parseArgs(argv, FLAGS);
    if (flags.switches.has('help')) {
      io.stdout(EVAL_USAGE + '\n');
      return EXIT.ok;
    }
    if (flags.positionals.length > 0) throw new UsageError(`Unexpected argument "${flags.positionals[0]}".`);
    if (!single(flags, 'setup')) throw new UsageError('--setup <setup.json> is required.');
    if (!single(flags, 'data')) throw new UsageError('--data <data file> is required.');
  } catch (error) {
    io.stderr(`clozelab eval: ${error instanceof Error ? error.message : String(error)}\n\n${EVAL_USAGE}\n`);
    return EXIT.usage;
  }
  const quiet = flags.switches.has('quiet');
  const warn = (text: string) => {
    if (!quiet) io.stderr(text + '\n');
  };

  // ---- inputs ----
  let inputs: RunInputs;
  let predictionsPath: string | undefined;
  let explain: { mode: OcclusionMode; count: number } | null = null;
  try {
    inputs = readRunInputs(flags, io.cwd, io.projectRoot, warn);
    const predictionsFlag = single(flags, 'predictions');
    if (predictionsFlag !== undefined)
      predictionsPath = checkOutputPath(
        predictionsFlag,
        'predictions',
        io.cwd,
        inputs.dataFile ? [inputs.dataFile] : [],
      );
    explain = explainOption(flags, predictionsFlag !== undefined);
  } catch (error) {
    io.stderr(`clozelab eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  const { setup, dataset, dataName, labels } = inputs;
  if (flags.switches.has('grid')) {
    if (predictionsPath !== undefined) warn('warning: --predictions is not written with --grid.');
    return gridCommand(flags, inputs, io, terminal, warn);
  }

  // ---- model ----
  const loaded = await loadRunModel('eval', inputs, io, warn);
  if (typeof loaded === 'number') return loaded;
  const { engine, pipeline, templates } = loaded;

  try {
    const labelled = labelledExamples('eval', dataset, dataName, templates, labels, flags, io, warn);
    if (typeof labelled === 'number') return labelled;
    const { examples, problems } = labelled;

    // ---- run ----
    const showProgress = io.progressToTerminal && !quiet;
    const run = await runEvaluation({
      templates,
      examples,
      labels,
      scoring: setup.scoring,
      pipeline,
      signal: io.signal,
      onProgress: (p) => {
        if (showProgress) terminal.stderr(`\r${progressLine(p)}\u001b[K`);
      },
    });
    if (showProgress) io.stderr('\n');

    const report = evaluationReport(run, {
      model: { id: engine.info.id, dtype: engine.info.dtype },
      skippedRows: problems.length,
    });
    let failedOutput = false;
    if (predictionsPath !== undefined) {
      try {
        let extra: Parameters<typeof predictionsCsv>[1];
        if (explain) {
          const { mode, count } = explain;
          const explained = await explainRun(run, pipeline, {
            mode,
            count,
            ...(io.signal ? { signal: io.signal } : {}),
            onProgress: (done, total) => {
              if (showProgress) terminal.stderr(`\rExplaining predictions: ${done} / ${total}\u001b[K`);
            },
          });
          if (showProgress) io.stderr('\n');
          const slots = templateSlots(run.templates).length;
          extra = {
            header: explanationHeader(count),
            cells: (source, example) =>
              explanationCells(
                source === 'ensemble' ? undefined : explained.byTemplate[source]?.[example],
                count,
                slots,
              ),
          };
          warn(`Word attribution (${mode}): ${explained.promptsRun} prompts run.`);
        }
        writeOutputFile(predictionsPath, single(flags, 'predictions')!, predictionsCsv(run, extra));
      } catch (error) {
        io.stderr(`clozelab eval: ${error instanceof Error ? error.message : String(error)}\n`);
        failedOutput = true;
      }
    }

    const predictionsFile = predictionsPath !== undefined && !failedOutput ? single(flags, 'predictions') : undefined;
    if (flags.switches.has('json')) {
      io.stdout(jsonForTerminal(report) + '\n');
      // The JSON has it under "truncation"; someone reading the terminal should see it too.
      const truncated = cliTruncationNote(run, predictionsFile);
      if (truncated) warn(`warning: ${truncated}`);
    } else {
      io.stdout(
        formatRun(run, {
          model: engine.info,
          dataName,
          examples: examples.length,
          skippedRows: problems.length,
          primary: report.primaryMode,
          ...(predictionsFile !== undefined ? { predictionsFile } : {}),
        }),
      );
    }
    if (run.status === 'failed') {
      io.stderr(`clozelab eval: the run stopped after ${run.done} of ${examples.length} examples: ${run.error}\n`);
      return EXIT.failed;
    }
    if (run.status === 'cancelled') {
      io.stderr(
        `clozelab eval: interrupted after ${run.done} of ${examples.length} examples (${percent(run.done / examples.length)}); the numbers above cover those.\n`,
      );
      return EXIT.interrupted;
    }
    return failedOutput ? EXIT.failed : EXIT.ok;
  } finally {
    await engine.dispose();
  }
}

/** --explain, --explain-mode, --explain-top (null without --explain). */
function explainOption(
  flags: ReturnType<typeof parseArgs>,
  hasPredictions: boolean,
): { mode: OcclusionMode; count: number } | null {
  const modeFlag = single(flags, 'explain-mode');
  const topFlag = single(flags, 'explain-top');
  if (!flags.switches.has('explain')) {
    if (modeFlag !== undefined || topFlag !== undefined)
      throw new UsageError('--explain-mode and --explain-top need --explain.');
    return null;
  }
  if (!hasPredictions)
    throw new UsageError('--explain adds columns to the predictions file: give --predictions <file>.');
  const mode = (modeFlag ?? 'remove') as OcclusionMode;
  if (!OCCLUSION_MODES.includes(mode))
    throw new UsageError(`--explain-mode must be ${OCCLUSION_MODES.join(' or ')}, not "${modeFlag}".`);
  const count = topFlag === undefined ? 3 : Number(topFlag);
  if (!Number.isInteger(count) || count < 1 || count > 20)
    throw new UsageError(`--explain-top must be a whole number from 1 to 20, not "${topFlag}".`);
  return { mode, count };
}
