// `clozelab eval`: the evaluation workbench on the command line. Same core code as the browser
// (src/core/evaluation.ts), run on Node's ONNX Runtime through MaskedLMEngine.

import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  ambiguousLabelValues,
  autoLabelMap,
  allProblems,
  buildExamples,
  parseDataset,
  suggestMapping,
  type Dataset,
  type DatasetFormat,
  type DatasetMapping,
} from '../core/dataset.ts';
import { DEMO_DATASETS, findDemoDataset } from '../core/demo-datasets.ts';
import { formatIssue, formatSetupError } from '../core/messages/index.ts';
import {
  evalSources,
  evaluationReport,
  predictionsCsv,
  runEvaluation,
  templateSlots,
  type EvaluationProgress,
} from '../core/evaluation.ts';
import { isTestModelId } from '../core/models.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../core/scoring.ts';
import { isValidModelId, parseSetupJson, SETUP_VERSION, type ModelDtype, type PromptSetup } from '../core/setup.ts';
import { MaskedLMEngine } from '../runtime/engine.ts';
import { RuntimeError } from '../runtime/errors.ts';
import { allowHubDownloads, setLocalModelFolder } from '../runtime/node-models.ts';
import { engineModel } from '../runtime/pipeline-model.ts';
import type { ModelSource } from '../runtime/protocol.ts';
import { parseArgs, single, UsageError, type FlagSpec } from './args.ts';
import { checkOutputPath, InputError, readInputFile, terminalSafe, writeOutputFile, type InputFile } from './files.ts';
import { formatSource, pct } from './format.ts';

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

function demoOrThrow(spec: string) {
  const id = spec.slice('demo:'.length);
  const demo = findDemoDataset(id);
  if (!demo) throw new InputError(`There is no demo "${id}". Demos: ${DEMO_DATASETS.map((d) => d.id).join(', ')}.`);
  return demo;
}

function loadSetup(spec: string, cwd: string): PromptSetup {
  if (spec.startsWith('demo:')) {
    const demo = demoOrThrow(spec);
    return {
      version: SETUP_VERSION,
      name: `Demo: ${demo.id}`,
      model: { id: demo.suggestedModel, source: 'hub', dtype: 'auto', device: 'auto' },
      templates: demo.templates,
      activeTemplateId: demo.templates[0]!.id,
      verbalizer: { labels: demo.verbalizer },
      scoring: { ...DEFAULT_SCORING_OPTIONS },
      inputs: [],
    };
  }
  const { text } = readInputFile(spec, 'setup', cwd);
  const parsed = parseSetupJson(text);
  if (!parsed.ok) {
    throw new InputError(
      `The setup "${spec}" is not a valid ClozeLab setup:\n${parsed.errors.map((e) => `  ${formatSetupError(e)}`).join('\n')}`,
    );
  }
  return parsed.setup;
}

function loadData(
  spec: string,
  format: string | undefined,
  cwd: string,
): { dataset: Dataset; name: string; file: InputFile | null } {
  if (format !== undefined && !['csv', 'tsv', 'jsonl'].includes(format))
    throw new UsageError(`--format must be csv, tsv or jsonl (got "${format}").`);
  const file = spec.startsWith('demo:') ? null : readInputFile(spec, 'data', cwd);
  const source = file ?? { text: demoOrThrow(spec).csv, name: demoOrThrow(spec).fileName };
  const parsed = parseDataset(source.text, {
    format: (format as DatasetFormat | undefined) ?? 'auto',
    fileName: source.name,
  });
  if (!parsed.ok) throw new InputError(`The data "${spec}" can't be read: ${formatIssue(parsed.error)}`);
  return { dataset: parsed.dataset, name: source.name, file };
}

/** Where the model comes from: a folder, a copy under public/models/, or the Hub. */
function resolveModel(
  arg: string | undefined,
  setup: PromptSetup,
  cwd: string,
  root: string,
): { source: ModelSource; folder: string | null; label: string } {
  const publicModels = join(root, 'public', 'models');
  if (arg !== undefined) {
    const asPath = resolve(cwd, arg);
    if (existsSync(asPath) && statSync(asPath).isDirectory()) {
      if (!existsSync(join(asPath, 'config.json')))
        throw new InputError(`The model folder "${arg}" has no config.json (a Hugging Face layout folder is needed).`);
      return { source: { kind: 'local', id: basename(asPath) }, folder: dirname(asPath), label: asPath };
    }
    if (!isValidModelId(arg))
      throw new InputError(`--model "${arg}" is neither a model folder nor a Hub id like "Xenova/bert-base-uncased".`);
  }
  const id = arg ?? setup.model.id;
  const localCopy = existsSync(join(publicModels, id, 'config.json'));
  if ((arg === undefined && setup.model.source === 'local') || isTestModelId(id) || localCopy) {
    if (!localCopy) {
      throw new InputError(
        isTestModelId(id)
          ? `The test model "${id}" has not been generated yet: run "npm run fixtures" first.`
          : `The local model "${id}" is not in ${publicModels}.`,
      );
    }
    return { source: { kind: 'local', id }, folder: publicModels, label: id };
  }
  return { source: { kind: 'hub', id }, folder: null, label: id };
}

function parsePairs(list: readonly string[] | undefined, flag: string): [string, string][] {
  return (list ?? []).map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} expects NAME=VALUE (got "${pair}").`);
    return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
  });
}

function applyMappingFlags(
  mapping: DatasetMapping,
  dataset: Dataset,
  labels: readonly string[],
  slots: readonly string[],
  flags: ReturnType<typeof parseArgs>,
): DatasetMapping {
  const known = (column: string) => {
    if (!dataset.columns.includes(column))
      throw new InputError(
        `The data has no column "${column}". Columns: ${dataset.columns.map((c) => `"${c}"`).join(', ')}.`,
      );
    return column;
  };
  let labelMap = new Map(mapping.labelMap);
  const next: DatasetMapping = { slots: { ...mapping.slots }, labelColumn: mapping.labelColumn, labelMap };
  for (const [slot, column] of parsePairs(flags.values.get('column'), 'column')) {
    if (!slots.includes(slot))
      throw new InputError(
        `--column ${slot}=…: the templates have no slot [${slot}] (slots: ${slots.map((s) => `[${s}]`).join(', ')}).`,
      );
    next.slots[slot] = known(column);
  }
  const labelColumn = single(flags, 'label-column');
  if (labelColumn !== undefined) {
    next.labelColumn = known(labelColumn);
    next.labelMap = labelMap = autoLabelMap(dataset, labelColumn, labels);
  }
  for (const [value, label] of parsePairs(flags.values.get('label-map'), 'label-map')) {
    if (!labels.includes(label))
      throw new InputError(
        `--label-map ${value}=${label}: "${label}" is not a verbalizer label (labels: ${labels.join(', ')}).`,
      );
    labelMap.set(value, label);
  }
  for (const slot of slots) {
    if (!next.slots[slot])
      throw new InputError(`No data column for the slot [${slot}]; choose one with --column ${slot}=<column>.`);
  }
  if (!next.labelColumn) throw new InputError('No label column; choose one with --label-column <column>.');
  return next;
}

/** JSON with DEL and C1 characters escaped too (JSON.stringify escapes only C0): still valid JSON, safe on a terminal. */
function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function progressLine(p: EvaluationProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.done / seconds : 0;
  const eta = rate > 0 ? (p.total - p.done) / rate : 0;
  return `  ${p.done}/${p.total} examples · ${rate.toFixed(0)}/s · ${p.done < p.total ? `about ${Math.ceil(eta)} s left` : 'done'}`;
}

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
    const dtypeFlag = single(flags, 'dtype');
    if (dtypeFlag !== undefined && !['fp32', 'fp16', 'q8', 'q4', 'auto'].includes(dtypeFlag))
      throw new UsageError(`--dtype must be fp32, fp16, q8 or q4 (got "${dtypeFlag}").`);
    dtype = (dtypeFlag as ModelDtype | undefined) ?? setup.model.dtype;
  } catch (error) {
    io.stderr(`clozelab eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }

  const wanted = single(flags, 'templates')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted) {
    const missing = wanted.filter((id) => !setup.templates.some((t) => t.id === id));
    if (missing.length > 0) {
      io.stderr(
        `clozelab eval: the setup has no template ${missing.map((m) => `"${m}"`).join(', ')} (templates: ${setup.templates.map((t) => t.id).join(', ')}).\n`,
      );
      return EXIT.usage;
    }
  }
  const entries = wanted ? setup.templates.filter((t) => wanted.includes(t.id)) : setup.templates;
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
    for (const { value, labels: same } of ambiguousLabelValues(dataset, mapping.labelColumn, labels)) {
      if (mapping.labelMap.get(value) != null) continue;
      warn(
        `warning: the label value "${value}" matches the labels ${same.map((l) => `"${l}"`).join(' and ')} except for case; ` +
          `its rows are skipped unless you choose one with --label-map ${value}=<label>.`,
      );
    }
    const { examples, problems: mappingProblems } = buildExamples(dataset, mapping, labels);
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
      const unmapped = [...mapping.labelMap].filter(([, l]) => l === null).map(([v]) => `"${v}"`);
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

    if (flags.switches.has('json')) {
      io.stdout(jsonForTerminal(report) + '\n');
    } else {
      const primary = report.primaryMode;
      const lines = [
        'ClozeLab evaluation',
        `  model     ${engine.info.id} (${engine.info.dtype}, ${engine.info.device})${isTestModelId(engine.info.id) ? ' — test model with random weights: the numbers are meaningless' : ''}`,
        `  data      ${dataName}: ${run.done} of ${examples.length} examples evaluated${problems.length ? `, ${problems.length} row(s) skipped` : ''}`,
        `  labels    ${labels.join(', ')}`,
        `  scoring   ${setup.scoring.aggregation} of word probabilities; headline: ${primary === 'calibrated' ? 'with' : 'without'} calibration`,
        '',
      ];
      for (const source of evalSources(run)) lines.push(...formatSource(run, source, primary), '');
      io.stdout(lines.join('\n'));
    }
    if (run.status === 'failed') {
      io.stderr(`clozelab eval: the run stopped after ${run.done} of ${examples.length} examples: ${run.error}\n`);
      return EXIT.failed;
    }
    if (run.status === 'cancelled') {
      io.stderr(
        `clozelab eval: interrupted after ${run.done} of ${examples.length} examples (${pct(run.done / examples.length)}); the numbers above cover those.\n`,
      );
      return EXIT.interrupted;
    }
    return failedOutput ? EXIT.failed : EXIT.ok;
  } finally {
    await engine.dispose();
  }
}
