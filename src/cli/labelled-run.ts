// What `clozelab eval` and `clozelab fewshot` share: read the setup and the labelled data, find and
// load the model, bind the templates, map the data to examples — with the same messages and exit
// statuses. The caller runs its own job on the result and then disposes of the engine.

import { ambiguousLabelValues, buildExamples, suggestMapping, templateSlots } from '../core/dataset-mapping.ts';
import { allProblems, type Dataset, type DatasetMapping, type EvalExample, type RowProblem } from '../core/dataset.ts';
import { formatIssue } from '../core/messages/index.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../core/pipeline.ts';
import type { PreparedTemplate } from '../core/bound-verbalizer.ts';
import type { ModelDtype, PromptSetup } from '../core/setup.ts';
import { MaskedLMEngine } from '../runtime/engine.ts';
import { RuntimeError } from '../runtime/errors.ts';
import { allowHubDownloads, setLocalModelFolder } from '../runtime/node-models.ts';
import { engineModel } from '../runtime/pipeline-model.ts';
import { single, type ParsedArgs } from './args.ts';
import { applyMappingFlags, chooseTemplates, loadData, loadSetup } from './eval-inputs.ts';
import type { InputFile } from './files.ts';
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
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Setup, data file and model choice, read before anything is loaded. */
export interface RunInputs {
  setup: PromptSetup;
  dataset: Dataset;
  dataName: string;
  dataFile: InputFile | null;
  model: ReturnType<typeof resolveModel>;
  dtype: ModelDtype;
  entries: PromptSetup['templates'];
  labels: string[];
}

/** The files named on the command line; a thrown error is a usage error (exit 2). */
export function readRunInputs(
  flags: ParsedArgs,
  cwd: string,
  projectRoot: string,
  warn: (text: string) => void,
): RunInputs {
  const setup = loadSetup(single(flags, 'setup')!, cwd);
  const data = loadData(single(flags, 'data')!, single(flags, 'format'), cwd);
  if (data.file?.invalidUtf8) {
    const { firstLine, count } = data.file.invalidUtf8;
    warn(
      `warning: "${data.name}" is not valid UTF-8 on ${count} line(s), first on line ${firstLine}; those bytes read as "\uFFFD". Save the file as UTF-8.`,
    );
  }
  return {
    setup,
    dataset: data.dataset,
    dataName: data.name,
    dataFile: data.file,
    model: resolveModel(single(flags, 'model'), setup, cwd, projectRoot),
    dtype: chooseDtype(single(flags, 'dtype'), setup),
    entries: chooseTemplates(single(flags, 'templates'), setup),
    labels: setup.verbalizer.labels.map((l) => l.label),
  };
}

/** A loaded model with the browser's scoring pipeline on it. */
export interface LoadedRun {
  engine: MaskedLMEngine;
  pipeline: ScoringPipeline;
  templates: PreparedTemplate[];
}

/** Loads the model and binds the templates; prints why and returns an exit code when it can't. */
export async function loadRunModel(
  command: string,
  inputs: RunInputs,
  io: CommandIO,
  warn: (text: string) => void,
): Promise<LoadedRun | ExitCode> {
  const { model } = inputs;
  if (model.folder) setLocalModelFolder(model.folder);
  allowHubDownloads(model.source.kind === 'hub');
  let engine: MaskedLMEngine;
  try {
    engine = await MaskedLMEngine.load(model.source, { dtype: inputs.dtype, device: 'cpu' });
  } catch (error) {
    const message =
      error instanceof RuntimeError ? error.message : error instanceof Error ? error.message : String(error);
    io.stderr(`clozelab ${command}: the model "${model.label}" could not be loaded: ${message}\n`);
    return EXIT.failed;
  }
  const pipeline = new ScoringPipeline(engineModel(engine), { cacheLimit: CACHE_LIMITS.evaluation });
  const { templates, problems } = await pipeline.bindTemplates(inputs.entries, inputs.setup.verbalizer);
  for (const p of problems)
    warn(`warning: template ${p.id} "${p.name}" is skipped: ${p.errors.map((e) => formatIssue(e)).join(' ')}`);
  if (templates.length === 0) {
    io.stderr(`clozelab ${command}: no template of the setup is valid.\n`);
    await engine.dispose();
    return EXIT.usage;
  }
  for (const t of templates)
    for (const issue of t.issues)
      if (issue.severity !== 'info') warn(`warning: template ${t.id}: ${formatIssue(issue)}`);
  return { engine, pipeline, templates };
}

/** The usable examples of a dataset for these templates (mapping from the flags), or an exit code. */
export function labelledExamples(
  command: string,
  dataset: Dataset,
  dataName: string,
  templates: readonly PreparedTemplate[],
  labels: readonly string[],
  flags: ParsedArgs,
  io: CommandIO,
  warn: (text: string) => void,
): { examples: EvalExample[]; problems: RowProblem[] } | ExitCode {
  const slots = templateSlots(templates);
  let mapping: DatasetMapping;
  try {
    mapping = suggestMapping(dataset, slots, [...labels]);
    mapping = applyMappingFlags(mapping, dataset, [...labels], slots, flags);
  } catch (error) {
    io.stderr(`clozelab ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  // Label values are those of rows without faults of their own (skipped rows count nowhere).
  const { examples, problems: mappingProblems, labelCounts } = buildExamples(dataset, mapping, [...labels]);
  for (const { value, labels: same } of ambiguousLabelValues(labelCounts.keys(), [...labels])) {
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
        `clozelab ${command}: ${problems.length} row(s) can't be used (--strict), in "${dataName}":\n${[...shown, ...more].join('\n')}\n`,
      );
      return EXIT.usage;
    }
    warn(`warning: ${problems.length} row(s) skipped ("${dataName}"):\n${[...shown, ...more].join('\n')}`);
  }
  if (examples.length === 0) {
    const unmapped = [...labelCounts.keys()].filter((v) => mapping.labelMap.get(v) == null).map((v) => `"${v}"`);
    io.stderr(
      `clozelab ${command}: no usable examples in "${dataName}".` +
        (unmapped.length > 0
          ? ` Label values ${unmapped.slice(0, 10).join(', ')} match no verbalizer label (${labels.join(', ')}); map them with --label-map value=label.`
          : '') +
        '\n',
    );
    return EXIT.usage;
  }
  return { examples, problems };
}
