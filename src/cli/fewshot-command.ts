// `clozelab fewshot`: the few-shot learning curve on the command line — K-shot splits over seeds,
// zero-shot / calibrated / ensemble / demonstrations / tuned verbalizer, the same core code as the
// browser's few-shot view (src/core/fewshot/), so the same numbers for the same (data, K, seed).

import { formatIssue } from '../core/messages/index.ts';
import { fewShotReport, fewShotTable, formatFewShotTable, splitsCsv, summaryCsv } from '../core/fewshot/export.ts';
import { prepareFewShotTemplates } from '../core/fewshot/prepare.ts';
import { configProblem, runFewShot } from '../core/fewshot/run.ts';
import {
  DEFAULT_TUNING,
  FEWSHOT_KS,
  FEWSHOT_METHODS,
  FEWSHOT_SEEDS,
  type FewShotConfig,
  type FewShotData,
  type FewShotMethod,
  type FewShotProgress,
  type FewShotResult,
} from '../core/fewshot/types.ts';
import { parseArgs, single, UsageError, type FlagSpec, type ParsedArgs } from './args.ts';
import { loadData } from './eval-inputs.ts';
import { checkOutputPath, terminalSafe, writeOutputFile } from './files.ts';
import { jsonForTerminal } from './format.ts';
import { EXIT, labelledExamples, loadRunModel, readRunInputs, type CommandIO, type RunInputs } from './labelled-run.ts';

const FLAGS: Record<string, FlagSpec> = {
  setup: { value: true },
  data: { value: true },
  test: { value: true },
  model: { value: true },
  dtype: { value: true },
  format: { value: true },
  templates: { value: true },
  column: { value: true, repeat: true },
  'label-column': { value: true },
  'label-map': { value: true, repeat: true },
  k: { value: true },
  seeds: { value: true },
  methods: { value: true },
  demos: { value: true },
  'max-test': { value: true },
  steps: { value: true },
  csv: { value: true },
  splits: { value: true },
  json: {},
  strict: {},
  quiet: {},
  help: {},
};

export const FEWSHOT_USAGE = `Usage: clozelab fewshot --setup <setup.json> --data <data.csv|.tsv|.jsonl> [options]

Few-shot learning with a frozen model (LM-BFF protocol): for every K and seed, K training examples
per label are drawn from the data (the rest is the test set, or --test), and each method is scored on
the same test examples. Prints test accuracy and macro-F1 as mean ± std over the seeds.
Methods: zero-shot, calibrated (contextual calibration), ensemble (mean of the setup's templates;
needs 2 or more), demonstrations (one training example per label after the prompt, LM-BFF), tuned
(label vectors learned on the K-shot examples' hidden vectors at [Z]; only the label vectors are
learned, the language model stays frozen).

  --setup <file>        a PromptSetup JSON file (as exported by ClozeLab), or demo:<id>
  --data <file>         labelled data: the training pool (and the test set: the rest of it)
  --test <file>         a separate labelled test file (same columns and label mapping)
  --k <list>            training examples per label, e.g. 4,8,16 (default ${FEWSHOT_KS.join(',')})
  --seeds <list>        split seeds (default LM-BFF's ${FEWSHOT_SEEDS.join(',')})
  --methods <list>      any of ${FEWSHOT_METHODS.join(', ')} (default: all)
  --demos <how>         random | similar: how demonstrations are chosen (default random; similar =
                        LM-BFF's filter: the closer half of each label's examples, by the hidden vector at [Z])
  --max-test <n>        score at most n test examples per (K, seed) (a seeded sample; default all)
  --steps <n>           tuning steps (default ${DEFAULT_TUNING.steps})
  --model, --dtype, --format, --templates, --column, --label-column, --label-map, --strict, --quiet
                        as for clozelab eval (the active template of the setup runs the methods)
  --csv <file>          also write the summary table as CSV
  --splits <file>       also write every split's examples (K, seed, train/test, line, label) as CSV
  --json                print the report as JSON (the same JSON the browser exports)

Exit status: 0 done, 1 the model or the run failed, 2 bad input, 130 interrupted (partial results printed).`;

function numberList(flags: ParsedArgs, name: string, fallback: readonly number[]): number[] {
  const text = single(flags, name);
  if (text === undefined) return [...fallback];
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((p, i) => p === '' || !Number.isInteger(values[i]));
  if (bad >= 0)
    throw new UsageError(`--${name} takes whole numbers separated by commas, e.g. 4,8,16; "${parts[bad]}" is not one.`);
  return [...new Set(values)];
}

function configFrom(flags: ParsedArgs): FewShotConfig {
  const methodsText = single(flags, 'methods');
  let methods: FewShotMethod[] = [...FEWSHOT_METHODS];
  if (methodsText !== undefined) {
    const asked = methodsText.split(',').map((s) => s.trim());
    const unknown = asked.find((m) => !(FEWSHOT_METHODS as readonly string[]).includes(m));
    if (unknown !== undefined)
      throw new UsageError(`Unknown method "${unknown}" in --methods. Methods: ${FEWSHOT_METHODS.join(', ')}.`);
    methods = FEWSHOT_METHODS.filter((m) => asked.includes(m));
  }
  const demos = single(flags, 'demos') ?? 'random';
  if (demos !== 'random' && demos !== 'similar') throw new UsageError(`--demos is random or similar, not "${demos}".`);
  const maxTest = single(flags, 'max-test');
  const steps = single(flags, 'steps');
  const config: FewShotConfig = {
    ks: numberList(flags, 'k', FEWSHOT_KS),
    seeds: numberList(flags, 'seeds', FEWSHOT_SEEDS),
    methods,
    demonstrations: { selection: demos },
    tuning: { ...DEFAULT_TUNING, ...(steps !== undefined ? { steps: Number(steps) } : {}) },
    maxTest: maxTest !== undefined ? Number(maxTest) : null,
  };
  const problem = configProblem(config);
  if (problem) throw new UsageError(problem);
  return config;
}

function progressText(p: FewShotProgress): string {
  return `  ${p.phase}: ${p.done}/${p.total} · ${p.stats.promptsRun} prompts run`;
}

/** The text report: what ran, the two tables, what was skipped, the work done. */
function formatResult(result: FewShotResult, context: { model: string; dataName: string; data: FewShotData }): string {
  const lines: string[] = [];
  const test = context.data.testExamples
    ? `${context.data.testExamples.length} test examples (separate file)`
    : 'test set: the rest of the data';
  lines.push(
    `Few-shot · model ${context.model} · ${context.dataName}: ${context.data.examples.length} examples, ${test}`,
  );
  lines.push(
    `Template: ${result.templates[0]?.text ?? ''} · K = ${result.config.ks.join(', ')} · seeds ${result.config.seeds.join(', ')}`,
  );
  lines.push('Only the label vectors are learned (tuned verbalizer); the language model stays frozen.');
  lines.push('');
  lines.push('Test accuracy, % (mean ± std over the seeds):');
  lines.push(
    ...formatFewShotTable(fewShotTable(result, 'accuracy'))
      .split('\n')
      .map((l) => `  ${l}`),
  );
  lines.push('');
  lines.push('Macro-F1, % (mean ± std over the seeds):');
  lines.push(
    ...formatFewShotTable(fewShotTable(result, 'macroF1'))
      .split('\n')
      .map((l) => `  ${l}`),
  );
  if (result.skipped.length > 0) {
    lines.push('');
    lines.push('Not computed:');
    for (const s of result.skipped) {
      const where = [`K=${s.k}`, s.seed !== null ? `seed ${s.seed}` : null, s.method].filter(Boolean).join(', ');
      const why =
        s.code === 'too-few-examples'
          ? `the label "${String(s.params.label)}" has ${String(s.params.have)} examples, K needs ${String(s.params.need)}`
          : s.code === 'no-hidden'
            ? 'this model gives no hidden vector at [Z] (its graph could not be rewritten), so no tuning'
            : s.code === 'one-template'
              ? 'the ensemble needs 2 or more valid templates'
              : 'no test examples left';
      lines.push(`  ${where}: ${why}`);
    }
  }
  const st = result.stats;
  const ms = st.trainingMs.map((t) => t.ms).sort((a, b) => a - b);
  lines.push('');
  lines.push(
    `Forward passes: ${st.promptsRun} prompts run; running every method × K × seed alone would take ${st.naivePrompts}.` +
      (ms.length > 0 ? ` Tuning: median ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms per (K, seed).` : '') +
      (st.droppedDemos > 0 ? ` ${st.droppedDemos} demonstration(s) dropped to fit the model.` : ''),
  );
  return lines.join('\n') + '\n';
}

export async function fewshotCommand(argv: readonly string[], terminal: CommandIO): Promise<number> {
  const io: CommandIO = {
    ...terminal,
    stdout: (text) => terminal.stdout(terminalSafe(text)),
    stderr: (text) => terminal.stderr(terminalSafe(text)),
  };
  const fail = (message: string, code: number) => {
    io.stderr(`clozelab fewshot: ${message}\n`);
    return code;
  };
  let flags: ParsedArgs;
  let config: FewShotConfig;
  try {
    flags = parseArgs(argv, FLAGS);
    if (flags.switches.has('help')) {
      io.stdout(FEWSHOT_USAGE + '\n');
      return EXIT.ok;
    }
    if (flags.positionals.length > 0) throw new UsageError(`Unexpected argument "${flags.positionals[0]}".`);
    if (!single(flags, 'setup')) throw new UsageError('--setup <setup.json> is required.');
    if (!single(flags, 'data')) throw new UsageError('--data <data file> is required.');
    config = configFrom(flags);
  } catch (error) {
    io.stderr(`clozelab fewshot: ${error instanceof Error ? error.message : String(error)}\n\n${FEWSHOT_USAGE}\n`);
    return EXIT.usage;
  }
  const quiet = flags.switches.has('quiet');
  const warn = (text: string) => {
    if (!quiet) io.stderr(text + '\n');
  };

  let inputs: RunInputs;
  let testData: ReturnType<typeof loadData> | null = null;
  const outputs: { flag: 'csv' | 'splits'; path: string }[] = [];
  try {
    inputs = readRunInputs(flags, io.cwd, io.projectRoot, warn);
    const testFlag = single(flags, 'test');
    if (testFlag !== undefined) testData = loadData(testFlag, single(flags, 'format'), io.cwd);
    const files = [inputs.dataFile, testData?.file].filter((f) => f !== null && f !== undefined);
    for (const flag of ['csv', 'splits'] as const) {
      const value = single(flags, flag);
      if (value !== undefined) outputs.push({ flag, path: checkOutputPath(value, flag, io.cwd, files) });
    }
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error), EXIT.usage);
  }

  const loaded = await loadRunModel('fewshot', inputs, io, warn);
  if (typeof loaded === 'number') return loaded;
  const { engine, pipeline } = loaded;
  try {
    const prepared = await prepareFewShotTemplates(
      pipeline,
      inputs.entries,
      inputs.setup.activeTemplateId,
      inputs.setup.verbalizer,
    );
    if (prepared.templates.length === 0)
      return fail(
        'the active template of the setup is not valid; fix it or choose another with --templates.',
        EXIT.usage,
      );
    if (prepared.demoErrors.length > 0 && config.methods.includes('demonstrations')) {
      warn(
        `warning: the demonstration template has errors, so demonstrations are not run: ${prepared.demoErrors.map((e) => formatIssue(e)).join(' ')}`,
      );
      config = { ...config, methods: config.methods.filter((m) => m !== 'demonstrations') };
    }
    const pool = labelledExamples(
      'fewshot',
      inputs.dataset,
      inputs.dataName,
      prepared.templates,
      inputs.labels,
      flags,
      io,
      warn,
    );
    if (typeof pool === 'number') return pool;
    const data: FewShotData = { examples: pool.examples };
    if (testData) {
      const test = labelledExamples(
        'fewshot',
        testData.dataset,
        testData.name,
        prepared.templates,
        inputs.labels,
        flags,
        io,
        warn,
      );
      if (typeof test === 'number') return test;
      data.testExamples = test.examples;
    }

    const showProgress = io.progressToTerminal && !quiet;
    const result = await runFewShot({
      pipeline,
      templates: prepared.templates,
      demoTemplate: prepared.demoTemplate,
      labels: inputs.labels,
      scoring: inputs.setup.scoring,
      data,
      config,
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: (p) => {
        if (showProgress) terminal.stderr(`\r${progressText(p)}\u001b[K`);
      },
    });
    if (showProgress) io.stderr('\n');

    let failedOutput = false;
    for (const { flag, path } of outputs) {
      try {
        writeOutputFile(path, single(flags, flag)!, flag === 'csv' ? summaryCsv(result) : splitsCsv(result, data));
      } catch (error) {
        io.stderr(`clozelab fewshot: ${error instanceof Error ? error.message : String(error)}\n`);
        failedOutput = true;
      }
    }
    if (flags.switches.has('json')) {
      io.stdout(
        jsonForTerminal(fewShotReport(result, data, { model: { id: engine.info.id, dtype: engine.info.dtype } })) +
          '\n',
      );
    } else {
      io.stdout(
        formatResult(result, { model: `${engine.info.id} (${engine.info.dtype})`, dataName: inputs.dataName, data }),
      );
    }
    if (result.status === 'failed') return fail(`the run stopped: ${result.error ?? 'unknown error'}`, EXIT.failed);
    if (result.status === 'cancelled')
      return fail('interrupted; the numbers above cover the finished cells.', EXIT.interrupted);
    return failedOutput ? EXIT.failed : EXIT.ok;
  } finally {
    await engine.dispose();
  }
}
