/**
 * npm run bench — ClozeLab against the naive way and the ceiling, in headless Chromium and in Node.
 *
 *   npm run bench                   # full run (≈ 8 min on a quiet 2-core VM)
 *   npm run bench -- --quick        # reduced sizes (≈ 3 min)
 *   options: --node-only | --browser-only, --dtypes=q8,fp32, --examples=N (q8), --examples-fp32=N, --chunk=N,
 *            --naive=N, --warm-loads=N, --lever-examples=N (0 skips the batching lever), --update-doc
 *
 * Generates the DistilBERT-shaped model on demand (scripts/make-fixtures.ts --bench), prints one
 * table per environment, and writes bench-results/bench-<time>.json (raw samples + summary) and
 * bench-results/latest.md. With --update-doc the tables also replace the results section of
 * BENCHMARKS.md. See BENCHMARKS.md for what each number means.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { generateFixtures } from './fixtures/models.ts';
import { buildBenchPage, openBrowserDriver } from './bench/browser-driver.ts';
import { createNodeDriver } from './bench/node-driver.ts';
import { formatEnvTable, summarize, type DtypeSummary } from './bench/report.ts';
import { REPO_ROOT } from './bench/server.ts';
import { runSuite, type Dtype, type DtypeResult, type SuiteOptions } from './bench/suite.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const value = (name: string): string | undefined =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const known = [
  'quick',
  'node-only',
  'browser-only',
  'update-doc',
  'dtypes',
  'examples',
  'examples-fp32',
  'chunk',
  'naive',
  'warm-loads',
  'lever-examples',
  'live-edits',
];
for (const a of argv) {
  const name = a.replace(/^--/, '').split('=')[0]!;
  if (!a.startsWith('--') || !known.includes(name)) {
    console.error(`unknown argument ${a}; known: ${known.map((k) => `--${k}`).join(' ')}`);
    process.exit(2);
  }
}

const quick = flag('quick');
const t0 = performance.now();
const int = (name: string, dflt: number) => {
  const v = value(name);
  return v === undefined ? dflt : Math.max(0, Math.floor(Number(v)));
};
const dtypes = (value('dtypes') ?? 'q8,fp32').split(',').filter((d): d is Dtype => d === 'q8' || d === 'fp32');

function options(_env: 'node' | 'browser'): SuiteOptions {
  return {
    dtypes,
    examples: int('examples', quick ? 200 : 1000),
    examplesFp32: int('examples-fp32', quick ? 100 : 200),
    chunk: Math.max(10, int('chunk', quick ? 50 : 100)),
    naiveExamples: int('naive', quick ? 24 : 80),
    warmLoads: Math.max(1, int('warm-loads', quick ? 1 : 3)),
    liveEdits: Math.max(5, int('live-edits', quick ? 15 : 30)),
    liveWarmup: quick ? 3 : 8,
    verbalizerEdits: quick ? 6 : 12,
    leverExamples: int('lever-examples', quick ? 0 : 96),
    leverRounds: 3,
    log: (line) => console.log(`${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s ${line}`),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(
    `ClozeLab benchmark${quick ? ' (quick)' : ''}: ${dtypes.join(', ')}; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  const fixtures = generateFixtures({ bench: true, log: (l) => console.log(l) });
  console.log(
    `fixtures: ${fixtures.filter((f) => f.status === 'written').length} written, ${fixtures.filter((f) => f.status !== 'written').length} up to date`,
  );

  const raw: {
    env: 'node' | 'browser';
    meta: Record<string, unknown>;
    options: Omit<SuiteOptions, 'log'>;
    results: DtypeResult[];
  }[] = [];
  if (!flag('browser-only')) {
    const opts = options('node');
    const driver = createNodeDriver();
    const meta = await driver.env();
    raw.push({
      env: 'node',
      meta,
      options: { ...opts, log: undefined } as never,
      results: await runSuite(driver, opts),
    });
  }
  if (!flag('node-only')) {
    buildBenchPage();
    const opts = options('browser');
    const handle = await openBrowserDriver();
    try {
      const meta = await handle.driver.env();
      if (!meta.crossOriginIsolated)
        console.warn('warning: the bench page is not cross-origin isolated: WASM runs on one thread');
      raw.push({
        env: 'browser',
        meta,
        options: { ...opts, log: undefined } as never,
        results: await runSuite(handle.driver, opts),
      });
    } finally {
      await handle.close();
    }
  }

  const summaries: { env: string; title: string; sums: DtypeSummary[] }[] = raw.map((r) => ({
    env: r.env,
    title:
      r.env === 'browser'
        ? `browser: headless Chromium ${/Chrome\/([\d.]+)/.exec(typeof r.meta.userAgent === 'string' ? r.meta.userAgent : '')?.[1] ?? ''}, ${r.meta.crossOriginIsolated ? 'cross-origin isolated' : 'NOT isolated'}, WASM`
        : `node ${String(r.meta.node)}: onnxruntime-node (CPU)`,
    sums: r.results.map((x) => summarize(x, r.env)),
  }));
  const tables = summaries.map((s) => formatEnvTable(s.title, s.sums));
  const minutes = (performance.now() - started) / 60_000;
  const header = `ClozeLab benchmark — DistilBERT-shaped model (6 layers, hidden 768, vocab 30522, random weights); ${quick ? 'quick run' : 'full run'}, ${minutes.toFixed(1)} min; ratios are medians over interleaved chunks`;
  console.log(`\n${header}\n\n${tables.join('\n\n')}\n`);
  const misses = summaries.flatMap((s) =>
    s.sums.flatMap((d) =>
      d.targets
        .filter((t) => !t.pass)
        .map(
          (t) =>
            `${s.env} ${d.dtype}: ${t.name} = ${t.value.toFixed(2)}${t.unit} (target ${t.kind === 'min' ? '≥' : '≤'} ${t.limit}${t.unit})`,
        ),
    ),
  );
  console.log(misses.length ? `Targets missed:\n  ${misses.join('\n  ')}` : 'All targets met.');

  const dir = join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = {
    date: new Date().toISOString(),
    quick,
    minutes,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    summaries,
    raw,
  };
  const file = join(dir, `bench-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(json, null, 1)}\n`);
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(json, null, 1)}\n`);
  const md = [
    header,
    '',
    ...tables.flatMap((t) => ['```', t, '```', '']),
    misses.length ? `Targets missed:\n\n${misses.map((m) => `- ${m}`).join('\n')}` : 'All targets met.',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'latest.md'), md);
  console.log(`wrote ${file} and bench-results/latest.md`);

  if (flag('update-doc')) {
    const docPath = join(REPO_ROOT, 'BENCHMARKS.md');
    const doc = readFileSync(docPath, 'utf8');
    const begin = '<!-- bench:results:begin -->';
    const end = '<!-- bench:results:end -->';
    const a = doc.indexOf(begin);
    const b = doc.indexOf(end);
    if (a < 0 || b < a) throw new Error('BENCHMARKS.md has no results markers');
    writeFileSync(docPath, `${doc.slice(0, a + begin.length)}\n${md}\n${doc.slice(b)}`);
    console.log('updated the results section of BENCHMARKS.md');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
