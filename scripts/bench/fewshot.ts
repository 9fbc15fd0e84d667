/**
 * npm run bench:fewshot — few-shot learning with a frozen model (issue 15): what it costs.
 *
 *   npm run bench:fewshot                  # training times (Node + Chromium) and the learning curve
 *   npm run bench:fewshot -- --test=1000   # the curve at the size (1 000 test examples per cell)
 *   options: --test=N (test examples per cell), --k=4,8,16,32, --seeds=13,21,42,87,100, --rounds=N,
 *            --naive-rounds=N, --node-only (no Chromium), --skip-training, --skip-curve, --update-doc
 *
 * 1. Label-vector training (src/core/fewshot/tune.ts) on real hidden vectors at [Z] of the
 *    DistilBERT-shaped model, K = 16 per label, 2/3/5 labels, per seed, in Node and in headless
 *    Chromium (scripts/bench/fewshot-page), against the naive full-space reference.
 * 2. The forward passes of the whole learning curve through runFewShot (Node, q8).
 * Prints numbers only (no assertions) and writes bench-results/fewshot-<time>.json,
 * fewshot-latest.json and fewshot-latest.md; --update-doc also replaces the few-shot results in
 * BENCHMARKS.md. See BENCHMARKS.md, "Few-shot learning".
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findChromium, openBrowser } from '../../tests/e2e/browser.ts';
import { generateFixtures } from '../fixtures/models.ts';
import { DEFAULT_TUNING, FEWSHOT_KS, FEWSHOT_SEEDS } from '../../src/core/fewshot/types.ts';
import { runCurve, type CurveReport } from './fewshot-curve.ts';
import { loadBenchModel } from './fewshot-model.ts';
import { formatCurve, formatTraining, type TrainingTimes } from './fewshot-report.ts';
import { timeTraining, type Trainer, type TuningSample, type TuningSetJson } from './fewshot-timing.ts';
import { compareTrainers, TRAINING_K, TRAINING_LABEL_COUNTS, trainingData } from './fewshot-training.ts';
import { REPO_ROOT, startServer } from './server.ts';

/** Default test examples per cell: the whole bench then takes ≈ 9 min on the shared 2-core VM (load ≈ 12), ≈ 4 min on a quiet one. */
const DEFAULT_TEST = 64;

const { values } = parseArgs({
  options: {
    test: { type: 'string', default: String(DEFAULT_TEST) },
    k: { type: 'string', default: FEWSHOT_KS.join(',') },
    seeds: { type: 'string', default: FEWSHOT_SEEDS.join(',') },
    rounds: { type: 'string', default: '5' },
    'naive-rounds': { type: 'string', default: '2' },
    'node-only': { type: 'boolean', default: false },
    'skip-training': { type: 'boolean', default: false },
    'skip-curve': { type: 'boolean', default: false },
    'update-doc': { type: 'boolean', default: false },
  },
});
const list = (name: string, text: string): number[] => {
  const xs = text.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 0))
    throw new Error(`--${name} takes whole numbers separated by commas, got "${text}"`);
  return xs;
};
const whole = (name: string, text: string, min: number): number => {
  const x = Number(text);
  if (!Number.isInteger(x) || x < min) throw new Error(`--${name} takes a whole number ≥ ${min}, got "${text}"`);
  return x;
};

const t0 = performance.now();
const log = (line: string) => console.log(`${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s ${line}`);

/** window.fewshotBench of the page (fewshot-page/main.ts). */
interface Api {
  env(): { userAgent: string; crossOriginIsolated: boolean };
  time(s: TuningSetJson[], t: Trainer, o: typeof DEFAULT_TUNING, r: number): TuningSample[];
}

async function browserTimes(
  sets: TuningSetJson[],
  rounds: { span: number; naive: number },
): Promise<NonNullable<TrainingTimes['browser']>> {
  const built = spawnSync(
    join(REPO_ROOT, 'node_modules/.bin/vite'),
    ['build', '--config', 'scripts/bench/fewshot-vite.config.ts'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (built.status !== 0) throw new Error('building the few-shot benchmark page failed');
  const server = await startServer({ root: join(REPO_ROOT, '.cache/bench-fewshot-dist'), modelDirs: [] });
  const session = await openBrowser(await findChromium());
  try {
    const page = session.page;
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.title === 'fewshot bench ready', undefined, { timeout: 60_000 });
    const env = await page.evaluate(() => (globalThis as unknown as { fewshotBench: Api }).fewshotBench.env());
    const time = (trainer: Trainer, r: number) =>
      page.evaluate(([s, t, o, n]) => (globalThis as unknown as { fewshotBench: Api }).fewshotBench.time(s, t, o, n), [
        sets,
        trainer,
        { ...DEFAULT_TUNING },
        r,
      ] as const);
    const span = await time('span', rounds.span);
    log(`Chromium: tune.ts timed (${span.length} calls)`);
    const naive = await time('naive', rounds.naive);
    log(`Chromium: naive reference timed (${naive.length} calls)`);
    if (session.pageErrors.length > 0) throw new Error(`page errors: ${session.pageErrors.join('; ')}`);
    return { span, naive, userAgent: env.userAgent, isolated: env.crossOriginIsolated };
  } finally {
    await session.close().catch(() => undefined);
    await server.close();
  }
}

async function main(): Promise<void> {
  const test = whole('test', values.test, 1);
  const ks = list('k', values.k);
  const seeds = list('seeds', values.seeds);
  const rounds = { span: whole('rounds', values.rounds, 1), naive: whole('naive-rounds', values['naive-rounds'], 0) };
  const load = () => loadavg()[0]!.toFixed(1);
  console.log(
    `ClozeLab few-shot benchmark: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${load()}; node ${process.version}`,
  );
  generateFixtures({ bench: true, log: (l) => console.log(l) });
  const model = await loadBenchModel('q8');
  log(
    `model loaded: ${model.engine.info.id} (${model.engine.info.dtype}), hidden at [Z]: ${model.engine.info.hiddenAtMask ? 'yes' : 'no'}`,
  );
  const sections: string[] = [];
  const json: Record<string, unknown> = { date: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model };
  try {
    if (!values['skip-training']) {
      const data = await trainingData(model);
      log(
        `hidden vectors at [Z]: ${data.promptsRun} prompts in ${(data.forwardMs / 1000).toFixed(1)} s, hidden ${data.hiddenSize}`,
      );
      const loadNode = load();
      const node = {
        span: timeTraining(data.sets, 'span', DEFAULT_TUNING, rounds.span),
        naive: timeTraining(data.sets, 'naive', DEFAULT_TUNING, rounds.naive),
      };
      log(`Node: tune.ts and the naive reference timed`);
      const agreement = compareTrainers(data, DEFAULT_TUNING);
      const loadBrowser = load();
      const browser = values['node-only'] ? null : await browserTimes(data.sets, rounds);
      const times: TrainingTimes = { node, browser };
      const { text, goalMet } = formatTraining(
        times,
        TRAINING_LABEL_COUNTS,
        TRAINING_K,
        data.hiddenSize,
        DEFAULT_TUNING,
        agreement,
        `${loadNode} (Node timing) / ${loadBrowser} (Chromium timing) on ${cpus().length} CPUs`,
      );
      if (browser) sections.push(`Chromium: ${/Chrome\/([\d.]+)/.exec(browser.userAgent)?.[1] ?? browser.userAgent}`);
      sections.push(text);
      json.training = { times, agreement, goalMet, hiddenSize: data.hiddenSize, k: TRAINING_K, tuning: DEFAULT_TUNING };
    }
    if (!values['skip-curve']) {
      log(
        `learning curve: ${test} test examples per cell, K = ${ks.join(',')}, seeds ${seeds.join(',')}; load ${load()}`,
      );
      const curve: CurveReport = await runCurve(model, { ks, seeds, test, log });
      sections.push(formatCurve(curve));
      json.curve = curve;
    }
  } finally {
    await model.dispose();
  }
  const minutes = (performance.now() - t0) / 60_000;
  const header = `ClozeLab few-shot benchmark — ${new Date().toISOString().slice(0, 16)}Z, ${minutes.toFixed(1)} min, ${cpus().length} CPUs, load at the end ${load()}`;
  const md = [header, '', '```', sections.join('\n\n'), '```', ''].join('\n');
  console.log(`\n${header}\n\n${sections.join('\n\n')}\n`);
  const dir = join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `fewshot-${stamp}.json`);
  const body = `${JSON.stringify({ ...json, minutes, args: values }, null, 1)}\n`;
  writeFileSync(file, body);
  writeFileSync(join(dir, 'fewshot-latest.json'), body);
  writeFileSync(join(dir, 'fewshot-latest.md'), md);
  console.log(`wrote ${file} and bench-results/fewshot-latest.md`);
  if (values['update-doc']) {
    const docPath = join(REPO_ROOT, 'BENCHMARKS.md');
    const doc = readFileSync(docPath, 'utf8');
    const begin = '<!-- bench:fewshot:begin -->';
    const end = '<!-- bench:fewshot:end -->';
    const a = doc.indexOf(begin);
    const b = doc.indexOf(end);
    if (a < 0 || b < a) throw new Error('BENCHMARKS.md has no few-shot results markers');
    writeFileSync(docPath, `${doc.slice(0, a + begin.length)}\n${md}${doc.slice(b)}`);
    console.log('updated the few-shot results in BENCHMARKS.md');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
