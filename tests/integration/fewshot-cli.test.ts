/**
 * `clozelab fewshot` as a process, on the generated bert-tiny: the JSON it prints equals the core
 * runFewShot in this process for the same (data, K, seed) — the numbers the browser's few-shot
 * view shows come from the same code — and bad input gets a message and exit status 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExamples, suggestMapping } from '../../src/core/dataset-mapping.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import { fewShotReport } from '../../src/core/fewshot/export.ts';
import { prepareFewShotTemplates } from '../../src/core/fewshot/prepare.ts';
import { runFewShot } from '../../src/core/fewshot/run.ts';
import { DEFAULT_TUNING, type FewShotConfig } from '../../src/core/fewshot/types.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { SETUP_VERSION, type PromptSetup } from '../../src/core/setup.ts';
import type { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { BERT_TINY, loadBertTiny, REPO_ROOT } from './fixture-models.ts';

const tmp = mkdtempSync(join(tmpdir(), 'clozelab-fewshot-'));
let engine: MaskedLMEngine;
beforeAll(async () => {
  engine = await loadBertTiny();
}, 180_000);
afterAll(async () => {
  await engine?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'clozelab.mjs'), 'fewshot', ...args], {
    cwd: tmp,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });

const setup: PromptSetup = {
  version: SETUP_VERSION,
  compareModel: null,
  verbalizerVariants: [],
  grid: null,
  name: 'few-shot cli test',
  model: { id: BERT_TINY, source: 'local', dtype: 'fp32', device: 'auto' },
  templates: [
    { id: 't1', name: 'one', text: '[X] Overall, it was a [Z] movie.', demo: '[X] It was [Z].' },
    { id: 't2', name: 'two', text: '[X] It was [Z].' },
  ],
  activeTemplateId: 't1',
  verbalizer: {
    labels: [
      { label: 'positive', words: ['great', 'good'] },
      { label: 'negative', words: ['terrible', 'bad'] },
    ],
  },
  scoring: { ...DEFAULT_SCORING_OPTIONS, aggregation: 'logit-mean' },
  inputs: [],
};

/** 40 labelled rows: positive rows mention one set of words, negative rows another. */
function dataCsv(offset: number, rows: number): string {
  const good = ['wonderful', 'lovely', 'brilliant', 'moving', 'fun'];
  const bad = ['boring', 'dull', 'awful', 'slow', 'weak'];
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) {
    const positive = i % 2 === 0;
    const w = (positive ? good : bad)[(i + offset) % 5]!;
    lines.push(
      `"Review ${i + offset}: the film was ${w} and the cast ${w} too.",${positive ? 'positive' : 'negative'}`,
    );
  }
  return lines.join('\n') + '\n';
}

describe('clozelab fewshot (the CLI as a process)', () => {
  it('prints the same report JSON as runFewShot in-process, and writes the summary and splits CSV', async () => {
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'data.csv'), dataCsv(0, 40));
    const r = cli([
      '--setup',
      'setup.json',
      '--data',
      'data.csv',
      '--k',
      '4,8',
      '--seeds',
      '13,21',
      '--json',
      '--csv',
      'summary.csv',
      '--splits',
      'splits.csv',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as ReturnType<typeof fewShotReport>;

    const parsed = parseDataset(dataCsv(0, 40));
    if (!parsed.ok) throw new Error('data did not parse');
    const labels = ['positive', 'negative'];
    const { examples } = buildExamples(parsed.dataset, suggestMapping(parsed.dataset, ['X'], labels), labels);
    const pipeline = new ScoringPipeline(engineModel(engine), { cacheLimit: CACHE_LIMITS.evaluation });
    const prepared = await prepareFewShotTemplates(pipeline, setup.templates, 't1', setup.verbalizer);
    expect(prepared.demoTemplate?.text).toBe('[X] It was [Z].');
    const config: FewShotConfig = {
      ks: [4, 8],
      seeds: [13, 21],
      methods: ['zero-shot', 'calibrated', 'ensemble', 'demonstrations', 'tuned'],
      demonstrations: { selection: 'random' },
      tuning: { ...DEFAULT_TUNING },
      maxTest: null,
    };
    const result = await runFewShot({
      pipeline,
      templates: prepared.templates,
      demoTemplate: prepared.demoTemplate,
      labels,
      scoring: setup.scoring,
      data: { examples },
      config,
    });
    expect(result.status).toBe('complete');
    const here = fewShotReport(result, { examples }, { model: { id: engine.info.id, dtype: engine.info.dtype } });
    // Everything but the clocks is the same.
    const timeless = (report: typeof here) => ({ ...report, stats: { ...report.stats, trainingMs: [], elapsedMs: 0 } });
    expect(timeless(printed)).toEqual(timeless(here));
    expect(printed.cells.length).toBe(5 * 2 * 2);
    expect(printed.skipped).toEqual([]);

    const summary = readFileSync(join(tmp, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary.length).toBe(1 + 5 * 2);
    const splits = readFileSync(join(tmp, 'splits.csv'), 'utf8').trim().split('\n');
    // Per (K, seed) — 4 splits —: 2K training rows and the rest (40 − 2K) as test rows.
    expect(splits.length).toBe(1 + 4 * 40);
    expect(splits.filter((l) => l.startsWith('8,13,train,')).length).toBe(16);

    const text = cli(['--setup', 'setup.json', '--data', 'data.csv', '--k', '4,8', '--seeds', '13,21']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Only the label vectors are learned');
    expect(text.stdout).toMatch(/tuned verbalizer\s+\d+\.\d ± \d+\.\d\s+\d+\.\d ± \d+\.\d/);
    expect(text.stdout).toMatch(
      /Forward passes: \d+ prompts run; running every method × K × seed alone would take \d+/,
    );
  }, 240_000);

  it('a separate test file is the test set of every split', () => {
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'pool.csv'), dataCsv(0, 20));
    writeFileSync(join(tmp, 'test.csv'), dataCsv(100, 12));
    const r = cli([
      '--setup',
      'setup.json',
      '--data',
      'pool.csv',
      '--test',
      'test.csv',
      '--k',
      '4',
      '--seeds',
      '13',
      '--methods',
      'zero-shot,tuned',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as ReturnType<typeof fewShotReport>;
    expect(printed.splits[0]!.testSource).toBe('file');
    expect(printed.splits[0]!.test).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
    expect(printed.cells.map((c) => [c.method, c.n])).toEqual([
      ['zero-shot', 12],
      ['tuned', 12],
    ]);
  }, 120_000);

  it('bad input: a message that names the problem, and exit status 2', () => {
    writeFileSync(join(tmp, 'setup.json'), JSON.stringify(setup));
    writeFileSync(join(tmp, 'data.csv'), dataCsv(0, 40));
    const badK = cli(['--setup', 'setup.json', '--data', 'data.csv', '--k', '4,x']);
    expect(badK.status).toBe(2);
    expect(badK.stderr).toContain('--k takes whole numbers separated by commas, e.g. 4,8,16; "x" is not one.');
    const badMethod = cli(['--setup', 'setup.json', '--data', 'data.csv', '--methods', 'zero-shot,magic']);
    expect(badMethod.status).toBe(2);
    expect(badMethod.stderr).toContain('Unknown method "magic" in --methods.');
    const tooMany = cli([
      '--setup',
      'setup.json',
      '--data',
      'data.csv',
      '--k',
      '64',
      '--seeds',
      '13',
      '--methods',
      'zero-shot',
    ]);
    expect(tooMany.status).toBe(0);
    expect(tooMany.stdout).toContain('K=64, seed 13: the label "positive" has 20 examples, K needs 64');
  }, 120_000);
});
