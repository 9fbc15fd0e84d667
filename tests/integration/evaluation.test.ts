/**
 * The evaluation engine (src/core/evaluation.ts) on the real runtime: Transformers.js +
 * onnxruntime-node on the generated bert-tiny. Checks each example's distributions against the
 * live pipeline's way of scoring, prompt deduplication, cancel / failure with partial results,
 * the label-word statistics op through a real (in-process) worker, and the CLI as a process.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExamples, suggestMapping } from '../../src/core/dataset-mapping.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import type { EvalExample } from '../../src/core/dataset.ts';
import { findDemoDataset } from '../../src/core/demo-datasets.ts';
import { evaluationReport, type EvaluationReport } from '../../src/core/evaluation-report.ts';
import { runEvaluation } from '../../src/core/evaluation.ts';
import { runMetrics } from '../../src/core/evaluation-results.ts';
import type { PreparedTemplate } from '../../src/core/bound-verbalizer.ts';
import { CACHE_LIMITS, ScoringPipeline, type PipelineModel } from '../../src/core/pipeline.ts';
import { labelSearchPrompts, tokenWord } from '../../src/core/label-search.ts';
import { planScoring } from '../../src/core/scoring-plan.ts';
import { scoreLabels } from '../../src/core/label-scores.ts';
import type { ScoringOptions } from '../../src/core/scoring.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup.ts';
import type { Verbalizer } from '../../src/core/verbalizer.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { BERT_TINY, loadBertTiny, REPO_ROOT } from './fixture-models.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { evalCommand } from '../../src/cli/eval-command.ts';
import { wilsonInterval } from '../../src/core/metrics.ts';
import { percentWithInterval } from '../../src/core/percent.ts';

const tmp = mkdtempSync(join(tmpdir(), 'clozelab-eval-'));

let engine: MaskedLMEngine;

beforeAll(async () => {
  engine = await loadBertTiny();
}, 180_000);

afterAll(async () => {
  await engine?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const verbalizer: Verbalizer = {
  labels: [
    { label: 'positive', words: ['great', 'fantastic'] }, // "fantastic" is 3 tokens for bert-tiny
    { label: 'negative', words: ['terrible', 'bad'] },
  ],
};
const entries = [
  { id: 't1', name: 'one', text: '[X] Overall, it was a [Z] movie.' },
  { id: 't2', name: 'two', text: '[X] It was [Z].' },
];
/** A fresh pipeline on the engine (its own cache, like one evaluation run); `wrap` may watch the scorer. */
function pipelineOn(wrap: (model: PipelineModel) => Partial<PipelineModel> = () => ({})): ScoringPipeline {
  const model = engineModel(engine);
  return new ScoringPipeline({ ...model, ...wrap(model) }, { cacheLimit: CACHE_LIMITS.evaluation });
}

function demoExamples(): EvalExample[] {
  const demo = findDemoDataset('sentiment-en')!;
  const parsed = parseDataset(demo.csv);
  if (!parsed.ok) throw new Error('demo did not parse');
  const labels = verbalizer.labels.map((l) => l.label);
  return buildExamples(parsed.dataset, suggestMapping(parsed.dataset, ['X'], labels), labels).examples;
}

async function prepared(): Promise<PreparedTemplate[]> {
  const { templates, problems } = await pipelineOn().bindTemplates(entries, verbalizer);
  expect(problems).toEqual([]);
  return templates;
}

describe('runEvaluation on bert-tiny', () => {
  it('gives every example the distributions the live pipeline would compute, without and with calibration', async () => {
    const templates = await prepared();
    const examples = demoExamples().slice(0, 12);
    const scoring: ScoringOptions = { ...DEFAULT_SCORING_OPTIONS, lengthNormalize: true };
    const run = await runEvaluation({
      templates,
      examples,
      labels: ['positive', 'negative'],
      scoring,
      pipeline: pipelineOn(),
      promptsPerRequest: 7,
    });
    expect(run.status).toBe('complete');
    expect(run.done).toBe(12);
    for (const [t, tpl] of templates.entries()) {
      for (const [i, ex] of examples.entries()) {
        // The playground's way: one complete plan per input, run on its own.
        const plan = planScoring(tpl.template, ex.inputs, tpl.words, scoring, {
          maskToken: engine.facts.maskToken,
          complete: true,
        });
        const results = await engine.score(plan.prompts, plan.tokenIds, { topK: 5 });
        const plain = scoreLabels(plan, results, { ...scoring, calibrate: false });
        const calibrated = scoreLabels(plan, results, { ...scoring, calibrate: true });
        const got = run.outcomes[t]![i]!;
        got.uncalibrated.forEach((p, l) => expect(p).toBeCloseTo(plain.probs[l]!, 5));
        got.calibrated.forEach((p, l) => expect(p).toBeCloseTo(calibrated.probs[l]!, 5));
        expect(got.top.map((x) => x.token)).toEqual(results[plan.inputPrompt[1]!]!.masks[0]!.top.map((x) => x.token));
      }
      expect(run.contentFree[t]).toHaveLength(2);
    }
    // The CLI and the browser report the same JSON shape from this run.
    const report = evaluationReport(run, { model: { id: BERT_TINY, dtype: 'fp32' }, skippedRows: 0 });
    expect(report.templates[0]!.uncalibrated.n).toBe(12);
    expect(report.ensemble!.calibrated.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('runs each distinct prompt once: repeated inputs and the content-free prompts are shared', async () => {
    const templates = await prepared();
    const base = demoExamples().slice(0, 5);
    const examples = [...base, ...base, ...base]; // every input three times
    let prompts = 0;
    const run = await runEvaluation({
      templates,
      examples,
      labels: ['positive', 'negative'],
      scoring: { ...DEFAULT_SCORING_OPTIONS },
      pipeline: pipelineOn((model) => ({
        score: (batch, ids, options) => {
          prompts += batch.length;
          return model.score(batch, ids, options);
        },
      })),
      promptsPerRequest: 8,
    });
    // Per template: 5 inputs × (1-mask + 3-mask prompt for "fantastic") + 3 content-free inputs × 2.
    expect(prompts).toBe(2 * (5 * 2 + 3 * 2));
    expect(run.stats.promptsRun).toBe(prompts);
    expect(run.stats.promptsReused).toBeGreaterThan(0);
    // Identical inputs, identical outcomes.
    expect(run.outcomes[0]![5]).toEqual(run.outcomes[0]![0]);
  });

  it('cancelling midway keeps the finished examples as usable results', async () => {
    const templates = await prepared();
    const examples = demoExamples();
    const controller = new AbortController();
    const run = await runEvaluation({
      templates,
      examples,
      labels: ['positive', 'negative'],
      scoring: { ...DEFAULT_SCORING_OPTIONS },
      pipeline: pipelineOn(),
      signal: controller.signal,
      promptsPerRequest: 8,
      onProgress: (p) => {
        if (p.done >= 8) controller.abort();
      },
    });
    expect(run.status).toBe('cancelled');
    expect(run.done).toBeGreaterThanOrEqual(8);
    expect(run.done).toBeLessThan(examples.length);
    const m = runMetrics(run, 0, 'calibrated');
    expect(m.n).toBe(run.done);
    expect(Number.isFinite(m.macroF1)).toBe(true);
  });

  it('a runtime failure ends the run as "failed" with the runtime\'s message, not an exception', async () => {
    const long = '[X] ' + 'very '.repeat(600) + 'much [Z].';
    const { templates } = await pipelineOn().bindTemplates([{ id: 'long', name: 'long', text: long }], verbalizer);
    const run = await runEvaluation({
      templates,
      examples: demoExamples().slice(0, 3),
      labels: ['positive', 'negative'],
      scoring: { ...DEFAULT_SCORING_OPTIONS },
      pipeline: pipelineOn(),
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/too long/);
    expect(run.errorCode).toBe('invalid-input');
    expect(run.done).toBe(0);
  });
});

describe('label-word statistics in the worker', () => {
  it('ranks vocabulary tokens exactly like a direct full-vocabulary computation, and only candidates come back', async () => {
    const client = new RuntimeClient(() => new InProcessWorker());
    try {
      await client.load({ kind: 'local', id: BERT_TINY }, { dtype: 'fp32' });
      const [tpl] = await prepared();
      const examples = demoExamples();
      const labels = ['positive', 'negative'];
      const { prompts, groups } = labelSearchPrompts(tpl!.template, examples, labels, 6);
      const exclude = [engine.tokenizeWord('great').ids[0]!];
      const result = await client.labelWordStats(
        { prompts, groups, groupCount: 2, topN: 5, exclude },
        { lane: 'label-search' },
      );
      expect(result.counts).toEqual([6, 6]);
      expect(result.vocabSize).toBe(engine.facts.vocabSize);
      expect(result.candidates.map((c) => c.length)).toEqual([5, 5]);
      expect(JSON.stringify(result).length).toBeLessThan(5_000); // no per-example or per-token arrays

      // Independent: every token's log-probability per prompt, summed per label.
      const V = engine.facts.vocabSize;
      const all = Array.from({ length: V }, (_, i) => i);
      const sums = [new Float64Array(V), new Float64Array(V)];
      const scores = await engine.score(prompts, all, { topK: 0 });
      scores.forEach((s, i) => {
        const probs = s.masks[0]!.probs;
        for (let v = 0; v < V; v++) sums[groups[i]!]![v]! += Math.log(probs[v]!);
      });
      for (const [l, list] of result.candidates.entries()) {
        const expected = all
          .filter((v) => !exclude.includes(v) && tokenWord(engine.tokenString(v), engine.facts.tokenizerKind) !== null)
          .map((v) => ({ v, score: sums[l]![v]! / 6 - sums[1 - l]![v]! / 6 }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 5);
        expect(list.map((c) => c.id)).toEqual(expected.map((e) => e.v));
        list.forEach((c, k) => expect(c.score).toBeCloseTo(expected[k]!.score, 6));
        expect(list.every((c) => c.word === engine.tokenString(c.id))).toBe(true);
      }
    } finally {
      client.dispose();
    }
  });
});

describe('clozelab eval (the CLI as a process)', () => {
  const cli = (args: string[], options: { timeout?: number } = {}) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'clozelab.mjs'), 'eval', ...args], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: options.timeout ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  const setup: PromptSetup = {
    version: SETUP_VERSION,
    compareModel: null,
    verbalizerVariants: [],
    grid: null,
    name: 'cli test',
    model: { id: BERT_TINY, source: 'local', dtype: 'fp32', device: 'auto' },
    templates: entries,
    activeTemplateId: 't1',
    verbalizer,
    scoring: { ...DEFAULT_SCORING_OPTIONS, calibrate: true },
    inputs: [],
  };

  it('prints the same metrics JSON as the engine gives in-process, and skips bad rows with their lines', async () => {
    const demo = findDemoDataset('sentiment-en')!;
    const csv = demo.csv.trimEnd() + '\n"an unlabelled row",\n"a row, with an extra field",positive,oops\n';
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'data.csv'), csv);
    const r = cli(['--setup', 'setup.json', '--data', 'data.csv', '--json']);
    expect(r.stderr).toContain('2 row(s) skipped');
    expect(r.stderr).toMatch(/line 42: no label in the column "label"/);
    expect(r.stderr).toMatch(/line 43: 3 fields, but the header has 2/);
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout);

    const parsed = parseDataset(csv);
    if (!parsed.ok) throw new Error();
    const labels = ['positive', 'negative'];
    const built = buildExamples(parsed.dataset, suggestMapping(parsed.dataset, ['X'], labels), labels);
    const run = await runEvaluation({
      templates: await prepared(),
      examples: built.examples,
      labels,
      scoring: setup.scoring,
      pipeline: pipelineOn(),
    });
    expect(printed).toEqual(evaluationReport(run, { model: { id: BERT_TINY, dtype: 'fp32' }, skippedRows: 2 }));
    expect(printed.primaryMode).toBe('calibrated');
  });

  it('a label never predicted and without examples: null precision / recall / F1 with their counts in the JSON, "—" in the table', async () => {
    const runes: PromptSetup = {
      ...setup,
      verbalizer: { labels: [...verbalizer.labels, { label: 'runes', words: ['ᚠᚢᚦ'] }] }, // unknown: P = 0
    };
    writeFileSync(join(tmp, 'runes.json'), JSON.stringify(runes));
    const run = async (args: string[]) => {
      let stdout = '';
      const status = await evalCommand(['--setup', 'runes.json', '--data', 'demo:sentiment-en', '--quiet', ...args], {
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
        progressToTerminal: false,
        cwd: tmp,
        projectRoot: REPO_ROOT,
      });
      expect(status).toBe(0);
      return stdout;
    };
    const report = JSON.parse(await run(['--json']));
    expect(report.metricsConvention).toMatch(/null/);
    for (const t of report.templates) {
      for (const mode of ['uncalibrated', 'calibrated']) {
        const summary = t[mode] as { perLabel: { label: string; f1: number | null }[]; macroF1: number };
        const r = summary.perLabel.find((l) => l.label === 'runes');
        expect(r).toEqual({
          label: 'runes',
          precision: null,
          recall: null,
          precisionCI: null,
          recallCI: null,
          f1: null,
          support: 0,
          predicted: 0,
          tp: 0,
          fp: 0,
          fn: 0,
        });
        // Macro-F1 counts it as 0: the mean over all three labels.
        const f1s = summary.perLabel.map((l) => l.f1 ?? 0);
        expect(summary.macroF1).toBeCloseTo(f1s.reduce((a, b) => a + b, 0) / 3, 5);
      }
    }
    const table = await run([]);
    expect(table).toMatch(/runes\s+—\s+—\s+—\s+0\s+0/);
    expect(table).toContain("macro-F1 counts an undefined F1 as 0 (scikit-learn's zero_division=0)");
  });

  it('human-readable output has both calibration modes, the confusion matrix and hints', () => {
    const r = cli([
      '--setup',
      'demo:sentiment-en',
      '--data',
      'demo:sentiment-en',
      '--model',
      BERT_TINY,
      '--templates',
      't2',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('test model with random weights');
    expect(r.stdout).toMatch(
      /accuracy\s+\d+\.\d% \(95% CI \d+\.\d–\d+\.\d%, n = \d+\)\s+\d+\.\d% \(95% CI \d+\.\d–\d+\.\d%, n = \d+\)/,
    );
    expect(r.stdout).toContain('confusion matrix (rows: gold label, columns: predicted label)');
    expect(r.stdout).not.toContain('Ensemble');
  });

  it('JSONL values that are not strings are skipped rows with their lines; 3 examples get intervals and a small-sample note', () => {
    const jsonl = [
      '{"text": "A wonderful, moving film.", "label": "positive"}',
      '{"text": "Dull and far too long.", "label": 0}',
      '{"text": 12, "label": "negative"}',
      '{"text": "I loved every minute.", "label": "positive"}',
      '{"text": "A waste of time.", "label": null}',
      '{"text": "Awful acting.", "label": "negative"}',
    ].join('\n');
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'small.jsonl'), jsonl);
    const text = cli(['--setup', 'setup.json', '--data', 'small.jsonl', '--templates', 't1']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stderr).toContain('3 row(s) skipped');
    expect(text.stderr).toContain(
      'line 2: the label in "label" is a number (0), not a string — write it in quotes ("0") to use it',
    );
    expect(text.stderr).toContain('line 3: the text in "text" is a number (12), not a string');
    expect(text.stderr).toContain('line 5: the label in "label" is null, not a string');
    expect(text.stdout).toContain('data      small.jsonl: 3 of 3 examples evaluated, 3 row(s) skipped');
    // Accuracy with its interval in both modes, and the note.
    expect(text.stdout).toMatch(/accuracy\s+\d+\.\d% \(95% CI \d+\.\d–\d+\.\d%, n = 3\)/);
    expect(text.stdout).toContain(
      'note: Only 3 examples: with fewer than 30, one example more or less right moves accuracy by 33.3 points.',
    );
    expect(text.stdout).toContain('(a–b%): 95% confidence interval (Wilson)');
    const json = cli(['--setup', 'setup.json', '--data', 'small.jsonl', '--templates', 't1', '--json']);
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as EvaluationReport;
    expect(report.examples).toEqual({ evaluated: 3, total: 3, skippedRows: 3 });
    expect(report.smallSampleN).toBe(30);
    expect(report.confidenceConvention).toMatch(/Wilson/);
    const m = report.templates[0]!.calibrated;
    expect(m.smallSample).toBe(true);
    const correct = Math.round(m.accuracy! * 3);
    const expected = wilsonInterval(correct, 3)!;
    expect(m.accuracyCI!.low).toBeCloseTo(expected.low, 6);
    expect(m.accuracyCI!.high).toBeCloseTo(expected.high, 6);
    // Label counts exclude the skipped rows: 2 positive and 1 negative examples.
    expect(m.perLabel.map((l) => l.support)).toEqual([2, 1]);
    expect(text.stdout).toContain(percentWithInterval(m.accuracy, m.accuracyCI, 3));
  });

  it('bad input: a clear message and exit status 2', () => {
    const missing = cli(['--setup', 'nope.json', '--data', 'data.csv']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('The setup file "nope.json" does not exist.');

    writeFileSync(join(tmp, 'bad-setup.json'), JSON.stringify({ ...setup, templates: [] }));
    const invalid = cli(['--setup', 'bad-setup.json', '--data', 'data.csv']);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('Templates: A setup needs at least one template.');

    const column = cli(['--setup', 'setup.json', '--data', 'data.csv', '--column', 'X=review']);
    expect(column.status).toBe(2);
    expect(column.stderr).toContain('The data has no column "review". Columns: "text", "label".');

    writeFileSync(join(tmp, 'other.csv'), 'text,label\nfine,1\nbad,0\n');
    const labels = cli(['--setup', 'setup.json', '--data', 'other.csv']);
    expect(labels.status).toBe(2);
    expect(labels.stderr).toContain('--label-map');

    const usage = cli(['--data', 'data.csv']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--setup <setup.json> is required.');

    const strict = cli(['--setup', 'setup.json', '--data', 'data.csv', '--strict']);
    expect(strict.status).toBe(2);
    expect(strict.stderr).toContain("2 row(s) can't be used (--strict)");
  });

  it('output paths are checked before the run: a folder, a missing folder or the data file itself is refused', () => {
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'keep.csv'), 'text,label\nfine,positive\nbad,negative\n');
    mkdirSync(join(tmp, 'out-folder'), { recursive: true });
    const folder = cli(['--setup', 'setup.json', '--data', 'keep.csv', '--predictions', 'out-folder']);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain('The predictions path "out-folder" is a folder; name a file inside it.');
    const missing = cli(['--setup', 'setup.json', '--data', 'keep.csv', '--predictions', 'nowhere/p.csv']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('The folder for the predictions file "nowhere/p.csv" does not exist.');
    const itself = cli(['--setup', 'setup.json', '--data', 'keep.csv', '--predictions', './keep.csv']);
    expect(itself.status).toBe(2);
    expect(itself.stderr).toContain('is the input file "keep.csv"');
    expect(readFileSync(join(tmp, 'keep.csv'), 'utf8')).toBe('text,label\nfine,positive\nbad,negative\n');
    for (const r of [folder, missing, itself]) expect(r.stderr).not.toMatch(/\n\s+at /);
    const ok = cli(['--setup', 'setup.json', '--data', 'keep.csv', '--predictions', 'out-folder/p.csv', '--json']);
    expect(ok.status).toBe(0);
    expect(readFileSync(join(tmp, 'out-folder/p.csv'), 'utf8').split('\n')[0]).toMatch(/^line,template,/);
  });

  it('inputs are checked before they are read: devices and folders refused, invalid UTF-8 named by line', () => {
    const device = cli(['--setup', 'setup.json', '--data', '/dev/zero']);
    expect(device.status).toBe(2);
    expect(device.stderr).toContain('The data path "/dev/zero" is not a regular file');
    const folder = cli(['--setup', 'out-folder', '--data', 'keep.csv']);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain('The setup path "out-folder" is a folder, not a file.');
    writeFileSync(
      join(tmp, 'latin1.csv'),
      Buffer.concat([
        Buffer.from('text,label\nfine,positive\n'),
        Buffer.from([0x63, 0x61, 0x66, 0xe9]),
        Buffer.from(',negative\n'),
      ]),
    );
    const latin1 = cli(['--setup', 'setup.json', '--data', 'latin1.csv', '--json']);
    expect(latin1.status).toBe(0);
    expect(latin1.stderr).toContain('"latin1.csv" is not valid UTF-8 on 1 line(s), first on line 3');
  });

  it('control characters from the data never reach the terminal raw', () => {
    writeFileSync(join(tmp, 'escape.csv'), 'text,label\nfine,positive\nbad,\u001b]0;owned\u0007\u001b[2J\u009b\n');
    const r = cli(['--setup', 'setup.json', '--data', 'escape.csv']);
    expect(r.status).toBe(0);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    expect(r.stderr + r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.stderr).toContain('\\x1b]0;owned\\x07\\x1b[2J\\x9b');
    const json = cli(['--setup', 'setup.json', '--data', 'escape.csv', '--json']);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    expect(json.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect((): unknown => JSON.parse(json.stdout)).not.toThrow();
  });

  it('a 10 MB cell is not cut silently: the JSON, the predictions and the text summary say how many tokens were dropped, and from which example and input', () => {
    // 10 MB of text in one cell of line 3, between two short rows. WordPiece splits at spaces and
    // punctuation, so the cell's tokens are the sentence's tokens times the repeats.
    const sentence = 'The plot drags on and on without end.';
    const repeats = Math.ceil(10_000_000 / (sentence.length + 1));
    const huge = Array.from({ length: repeats }, () => sentence).join(' ');
    expect(huge.length).toBeGreaterThanOrEqual(10_000_000);
    const total = repeats * engine.tokenizeWord(sentence).ids.length;
    const longCsv = (cell: string) =>
      `text,label\nA great film.,positive\n"${cell}",negative\nA terrible film.,negative\n`;
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'long.csv'), longCsv(huge));

    // One run (tokenizing 10 MB takes a while): the JSON on stdout, the note on stderr, the predictions file.
    const json = cli(
      ['--setup', 'setup.json', '--data', 'long.csv', '--json', '--predictions', 'long.predictions.csv'],
      {
        timeout: 280_000,
      },
    );
    expect(json.status, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as EvaluationReport;
    expect(report.version).toBe(4);
    const most = report.truncation.maxTokens;
    expect(most).toBeGreaterThan(total - engine.facts.maxLength);
    expect(report.truncation).toMatchObject({ examples: 1, totalTokens: most });
    expect(report.truncation.perExample).toHaveLength(1);
    const cut = report.truncation.perExample[0]!;
    expect(cut).toMatchObject({ line: 3, tokens: most });
    expect(cut.inputs).toHaveLength(1);
    expect(cut.inputs[0]).toMatchObject({ slot: 'X', dropped: most });
    expect(cut.inputs[0]!.dropped + cut.inputs[0]!.kept).toBe(total);
    expect(report.templates.map((t) => t.truncatedExamples)).toEqual([1, 1]);
    expect(json.stderr).toContain(
      `warning: 1 of 3 examples were truncated to fit the model; up to ${most.toLocaleString('en-US')} tokens dropped from the end of [X] (the template and [Z] are never cut). See the truncated_tokens column of long.predictions.csv.`,
    );

    // Per example and template: the long row lost tokens from [X], the short rows none.
    const rows = Papa.parse<Record<string, string>>(readFileSync(join(tmp, 'long.predictions.csv'), 'utf8'), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows).toHaveLength(9); // 3 examples × (2 templates + ensemble)
    for (const row of rows) {
      if (row.line === '3') {
        expect(Number(row.truncated_tokens)).toBeGreaterThan(total - engine.facts.maxLength);
        expect(row.truncated_inputs).toBe(`X:${row.truncated_tokens}`);
      } else expect([row.truncated_tokens, row.truncated_inputs]).toEqual(['0', '']);
    }
    expect(Math.max(...rows.map((r) => Number(r.truncated_tokens)))).toBe(most);

    // The tables (a 100 kB cell is enough): the summary under the run's description.
    writeFileSync(join(tmp, 'long.csv'), longCsv(huge.slice(0, 100_000).trim()));
    const text = cli(['--setup', 'setup.json', '--data', 'long.csv']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /\n {2}scoring .*\n {2}truncated 1 of 3 examples were truncated to fit the model; up to [\d,]+ tokens dropped from the end of \[X\] \(the template and \[Z\] are never cut\)\. See which ones with --predictions <file> \(column truncated_tokens\)\.\n/,
    );
  }, 300_000);

  it('labels that differ only in case: exact matches win, a case-only tie is reported and mapped by hand', () => {
    const cased = {
      ...setup,
      verbalizer: {
        labels: [
          { label: 'Good', words: ['great'] },
          { label: 'good', words: ['fine'] },
          { label: 'bad', words: ['awful'] },
        ],
      },
    };
    writeFileSync(join(tmp, 'cased-setup.json'), JSON.stringify(cased));
    writeFileSync(join(tmp, 'cased.csv'), 'text,label\nnice,good\nlovely,Good\nmeh,GOOD\nawful,bad\n');
    const r = cli(['--setup', 'cased-setup.json', '--data', 'cased.csv', '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('the label value "GOOD" matches the labels "Good" and "good" except for case');
    expect(r.stderr).toMatch(/line 4: .*GOOD/);
    expect(JSON.parse(r.stdout).examples).toMatchObject({ evaluated: 3, skippedRows: 1 });
    const mapped = cli(['--setup', 'cased-setup.json', '--data', 'cased.csv', '--json', '--label-map', 'GOOD=good']);
    expect(mapped.status).toBe(0);
    expect(mapped.stderr).not.toContain('except for case');
    expect(JSON.parse(mapped.stdout).examples).toMatchObject({ evaluated: 4, skippedRows: 0 });
  });
});
