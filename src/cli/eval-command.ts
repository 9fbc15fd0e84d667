// `clozelab eval`: the evaluation workbench on the command line. Same core code as the browser
// (src/core/evaluation.ts), run on Node's ONNX Runtime through MaskedLMEngine.

import { ambiguousLabelValues, buildExamples, suggestMapping, templateSlots } from '../core/dataset-mapping.ts';
import { allProblems, type Dataset, type DatasetMapping } from '../core/dataset.ts';
import { DEMO_DATASETS } from '../core/demo-datasets.ts';
import { formatIssue } from '../core/messages/index.ts';
import { evaluationReport, predictionsCsv } from '../core/evaluation-report.ts';
import { runEvaluation } from '../core/evaluation.ts';
import { percent } from '../core/percent.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../core/pipeline.ts';
import type { ModelDtype, PromptSetup } from '../core/setup.ts';
import { MaskedLMEngine } from '../runtime/engine.ts';
import { RuntimeError } from '../runtime/errors.ts';
import { allowHubDownloads, setLocalModelFolder } from '../runtime/node-models.ts';
import { engineModel } from '../runtime/pipeline-model.ts';
import { parseArgs, single, UsageError, type FlagSpec } from './args.ts';
import { applyMappingFlags, chooseTemplates, loadData, loadSetup } from './eval-inputs.ts';
import { checkOutputPath, terminalSafe, writeOutputFile } from './files.ts';
import { cliTruncationNote, formatRun, jsonForTerminal, progressLine } from './format.ts';
import { chooseDtype, resolveModel } from './model-source.ts';

export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Progress lines are drawn only on a terminal. */
  progressToTerminal: boolean;
  cwd: string;
  /** The ClozeLab folder (for public/models/). */
  projectRoot: string;
  /** Aborted on Ctrl+C: the run stops and prints what it finished. */
  signal?: AbortSignal;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

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
  json: {},
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
  --json                print the metrics as JSON (the same JSON the browser exports)
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
  let setup: PromptSetup;
  let dataset: Dataset;
  let dataName: string;
  let model: ReturnType<typeof resolveModel>;
  let dtype: ModelDtype;
  let predictionsPath: string | undefined;
  let entries: PromptSetup['templates'];
  try {
    setup = loadSetup(single(flags, 'setup')!, io.cwd);
    const data = loadData(single(flags, 'data')!, single(flags, 'format'), io.cwd);
    ({ dataset, name: dataName } = data);
    if (data.file?.invalidUtf8) {
      const { firstLine, count } = data.file.invalidUtf8;
      warn(
        `warning: "${dataName}" is not valid UTF-8 on ${count} line(s), first on line ${firstLine}; those bytes read as "\uFFFD". Save the file as UTF-8.`,
      );
    }
    const predictionsFlag = single(flags, 'predictions');
    if (predictionsFlag !== undefined)
      predictionsPath = checkOutputPath(predictionsFlag, 'predictions', io.cwd, data.file ? [data.file] : []);
    model = resolveModel(single(flags, 'model'), setup, io.cwd, io.projectRoot);
    dtype = chooseDtype(single(flags, 'dtype'), setup);
    entries = chooseTemplates(single(flags, 'templates'), setup);
  } catch (error) {
    io.stderr(`clozelab eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  const labels = setup.verbalizer.labels.map((l) => l.label);

  // ---- model ----
  if (model.folder) setLocalModelFolder(model.folder);
  allowHubDownloads(model.source.kind === 'hub');
  let engine: MaskedLMEngine;
  try {
    engine = await MaskedLMEngine.load(model.source, { dtype, device: 'cpu' });
  } catch (error) {
    const message =
      error instanceof RuntimeError ? error.message : error instanceof Error ? error.message : String(error);
    io.stderr(`clozelab eval: the model "${model.label}" could not be loaded: ${message}\n`);
    return EXIT.failed;
  }

  try {
    // The browser's scoring pipeline, on this process's engine.
    const pipeline = new ScoringPipeline(engineModel(engine), { cacheLimit: CACHE_LIMITS.evaluation });
    const { templates, problems: templateProblems } = await pipeline.bindTemplates(entries, setup.verbalizer);
    for (const p of templateProblems)
      warn(`warning: template ${p.id} "${p.name}" is skipped: ${p.errors.map((e) => formatIssue(e)).join(' ')}`);
    if (templates.length === 0) {
      io.stderr('clozelab eval: no template of the setup is valid.\n');
      return EXIT.usage;
    }
    for (const t of templates)
      for (const issue of t.issues)
        if (issue.severity !== 'info') warn(`warning: template ${t.id}: ${formatIssue(issue)}`);

    const slots = templateSlots(templates);
    let mapping: DatasetMapping;
    try {
      mapping = suggestMapping(dataset, slots, labels);
      mapping = applyMappingFlags(mapping, dataset, labels, slots, flags);
    } catch (error) {
      io.stderr(`clozelab eval: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.usage;
    }
    // Label values are those of rows without faults of their own (skipped rows count nowhere).
    const { examples, problems: mappingProblems, labelCounts } = buildExamples(dataset, mapping, labels);
    for (const { value, labels: same } of ambiguousLabelValues(labelCounts.keys(), labels)) {
      if (mapping.labelMap.get(value) != null) continue;
      warn(
        `warning: the label value "${value}" matches the labels ${same.map((l) => `"${l}"`).join(' and ')} except for case; ` +
          `its rows are skipped unless you choose one with --label-map ${value}=<label>.`,
      );
    }
    const problems = allProblems(dataset, mappingProblems);
    if (problems.length > 0) {
      const shown = problems.slice(0, 20).map((p) => `  ${formatIssue(p)}`);
      const more = problems.length > 20 ? [`  … and ${problems.length - 20} more`] : [];
      if (flags.switches.has('strict')) {
        io.stderr(
          `clozelab eval: ${problems.length} row(s) can't be used (--strict):\n${[...shown, ...more].join('\n')}\n`,
        );
        return EXIT.usage;
      }
      warn(`warning: ${problems.length} row(s) skipped:\n${[...shown, ...more].join('\n')}`);
    }
    if (examples.length === 0) {
      const unmapped = [...labelCounts.keys()].filter((v) => mapping.labelMap.get(v) == null).map((v) => `"${v}"`);
      io.stderr(
        `clozelab eval: no usable examples in "${dataName}".` +
          (unmapped.length > 0
            ? ` Label values ${unmapped.slice(0, 10).join(', ')} match no verbalizer label (${labels.join(', ')}); map them with --label-map value=label.`
            : '') +
          '\n',
      );
      return EXIT.usage;
    }

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
        writeOutputFile(predictionsPath, single(flags, 'predictions')!, predictionsCsv(run));
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
