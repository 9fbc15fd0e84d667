// Turns raw suite results into the summary (medians, ratios, targets) and the printed table.
import type { DtypeResult } from './suite.ts';
import { median, quantile, sum } from './shared.ts';

export interface Target {
  name: string;
  value: number;
  limit: number;
  /** 'min': value ≥ limit passes; 'max': value ≤ limit passes. */
  kind: 'min' | 'max';
  pass: boolean;
  unit: string;
}

export interface DtypeSummary {
  dtype: string;
  head: string;
  threads: number | null;
  load: {
    coldMs: number | null;
    coldMB: number | null;
    warmMs: number;
    warmMB: number | null;
    bareOrtMs: number;
    bareOrtCreateMs: number;
    naiveMs: number | null;
    warmOverBare: number;
    phases: Record<string, number>;
  };
  live: {
    p50: number;
    p95: number;
    firstEditsMs: number[];
    forwardP50: number;
    forwardP95: number;
    forwardRowsP50: number;
    naiveP50: number;
    naiveP95: number;
    labelEditP50: number;
    labelEditP95: number;
    tokensP50: number;
  };
  batch: {
    examples: number;
    rounds: number;
    clozelabExS: number;
    ceilingExS: number;
    ceilingRowsExS: number;
    naiveExS: number;
    naiveExamples: number;
    naiveTopK: number;
    naiveMissing: number;
    overNaive: number;
    overCeiling: number;
    overCeilingRows: number;
    paddingPct: number;
    longTasks: number | null;
    longTaskMaxMs: number | null;
    batching: { name: string; runs: number; paddingPct: number; minMs: number }[];
    /** q8: ClozeLab with per-tensor activation quantization (before), same chunks; null otherwise. */
    beforeExS: number | null;
    /** Median over chunks of ClozeLab (per-row) ex/s ÷ before (per-tensor) ex/s. */
    overBefore: number | null;
    quantization: { name: string; minMs: number }[];
  };
  targets: Target[];
}

const exPerS = (n: number, ms: number) => (n * 1000) / ms;

export function summarize(r: DtypeResult, env: 'node' | 'browser'): DtypeSummary {
  const inputMs = r.live.input.map((s) => s.ms);
  const verbalizerMs = r.live.verbalizer.map((s) => s.ms);
  const rounds = r.batch.rounds;
  const perRound = rounds.map((round) => {
    const cl = exPerS(round.clozelab.examples, round.clozelab.ms);
    const ceil = exPerS(round.clozelab.examples, sum(round.ceilingPlainMs));
    const ceilRows = exPerS(round.clozelab.examples, sum(round.ceilingRowsMs));
    const naive = exPerS(round.naive.perCall.length, sum(round.naive.perCall));
    const before = round.before ? exPerS(round.before.examples, round.before.ms) : NaN;
    return {
      cl,
      ceil,
      ceilRows,
      naive,
      overNaive: cl / naive,
      overCeil: cl / ceil,
      overCeilRows: cl / ceilRows,
      overBefore: cl / before,
    };
  });
  const med = (f: (x: (typeof perRound)[number]) => number) => median(perRound.map(f));
  const long = rounds.flatMap((round) => round.clozelab.longTasks ?? []);
  const longSupported = rounds.every((round) => round.clozelab.longTasks !== null);
  const bareTotal = median(r.load.bareOrt.map((b) => b.totalMs));
  const warm = median(r.load.warmMs);
  const forwardP50 = median(r.live.forwardPlainMs);
  const summary: DtypeSummary = {
    dtype: r.dtype,
    head: r.info?.head ?? 'full',
    threads: r.info?.threads ?? null,
    load: {
      coldMs: r.load.coldMs,
      coldMB: r.load.coldModelBytes === null ? null : r.load.coldModelBytes / 1e6,
      warmMs: warm,
      warmMB: r.load.warmModelBytes === null ? null : r.load.warmModelBytes / 1e6,
      bareOrtMs: bareTotal,
      bareOrtCreateMs: median(r.load.bareOrt.map((b) => b.createMs)),
      naiveMs: r.load.naiveMs,
      warmOverBare: warm / bareTotal,
      phases: Object.fromEntries(
        [...new Set(r.load.warmPhases.flatMap((p) => Object.keys(p)))].map((k) => [
          k,
          median(r.load.warmPhases.map((p) => p[k] ?? 0)),
        ]),
      ),
    },
    live: {
      p50: median(inputMs),
      p95: quantile(inputMs, 0.95),
      firstEditsMs: r.live.warmup.map((s) => s.ms),
      forwardP50,
      forwardP95: quantile(r.live.forwardPlainMs, 0.95),
      forwardRowsP50: median(r.live.forwardRowsMs),
      naiveP50: median(r.live.naiveMs),
      naiveP95: quantile(r.live.naiveMs, 0.95),
      labelEditP50: median(verbalizerMs),
      labelEditP95: quantile(verbalizerMs, 0.95),
      tokensP50: median(r.live.input.map((s) => s.tokens)),
    },
    batch: {
      examples: r.batch.examples,
      rounds: rounds.length,
      // throughput over all chunks; ratios are per-chunk medians
      clozelabExS: exPerS(r.batch.examples, sum(rounds.map((x) => x.clozelab.ms))),
      ceilingExS: exPerS(r.batch.examples, sum(rounds.flatMap((x) => x.ceilingPlainMs))),
      ceilingRowsExS: exPerS(r.batch.examples, sum(rounds.flatMap((x) => x.ceilingRowsMs))),
      naiveExS: exPerS(r.batch.naiveExamples, sum(rounds.flatMap((x) => x.naive.perCall))),
      naiveExamples: r.batch.naiveExamples,
      naiveTopK: r.batch.naiveTopK,
      naiveMissing: sum(rounds.map((round) => round.naive.missing)),
      overNaive: med((x) => x.overNaive),
      overCeiling: med((x) => x.overCeil),
      overCeilingRows: med((x) => x.overCeilRows),
      paddingPct:
        (100 * sum(rounds.map((x) => x.clozelab.paddedTokens))) / sum(rounds.map((x) => x.clozelab.tokensRun)),
      longTasks: longSupported ? long.filter((t) => t.duration > 50).length : null,
      longTaskMaxMs: longSupported ? Math.max(0, ...long.map((t) => t.duration)) : null,
      batching: r.batch.batching.map((b) => ({
        name: b.name,
        runs: b.runs,
        paddingPct: b.paddingPct,
        minMs: Math.min(...b.ms),
      })),
      beforeExS: rounds.every((x) => x.before)
        ? exPerS(r.batch.examples, sum(rounds.map((x) => x.before?.ms ?? 0)))
        : null,
      overBefore: rounds.every((x) => x.before) ? med((x) => x.overBefore) : null,
      quantization: (r.batch.quantization ?? []).map((q) => ({ name: q.name, minMs: Math.min(...q.ms) })),
    },
    targets: [],
  };
  const t = (name: string, value: number, limit: number, kind: 'min' | 'max', unit = '×'): Target => ({
    name,
    value,
    limit,
    kind,
    unit,
    pass: kind === 'min' ? value >= limit : value <= limit,
  });
  summary.targets.push(
    t('batch: ClozeLab / naive', summary.batch.overNaive, 3, 'min'),
    t('batch: ClozeLab / raw-ORT ceiling', summary.batch.overCeiling, 0.85, 'min'),
    t('live: p95 − one forward pass (p50)', summary.live.p95 - forwardP50, 30, 'max', ' ms'),
    t('load: warm / bare ORT session creation', summary.load.warmOverBare, 1.5, 'max'),
  );
  if (env === 'browser' && summary.batch.longTasks !== null)
    summary.targets.push(t('main-thread tasks > 50 ms during evaluation', summary.batch.longTasks, 0, 'max', ''));
  // Issue 11's budget: batch-invariant q8 at most 10 % slower than per-tensor q8 was.
  if (summary.batch.overBefore !== null)
    summary.targets.push(t('batch: per-row q8 / per-tensor q8 (before)', summary.batch.overBefore, 0.9, 'min'));
  return summary;
}

// ---- formatting ----

const ms = (x: number | null) =>
  x === null || !Number.isFinite(x)
    ? 'n/a'
    : x >= 10_000
      ? `${(x / 1000).toFixed(1)} s`
      : x >= 1000
        ? `${(x / 1000).toFixed(2)} s`
        : `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const num = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const mark = (pass: boolean) => (pass ? 'PASS' : 'MISS');

export function formatEnvTable(title: string, sums: DtypeSummary[]): string {
  const rows: [string, ...string[]][] = [];
  const add = (label: string, f: (s: DtypeSummary) => string) => rows.push([label, ...sums.map(f)]);
  const target = (s: DtypeSummary, name: string, text: (t: Target) => string) => {
    const t = s.targets.find((x) => x.name === name);
    return t ? `${text(t)} ${mark(t.pass)}` : 'n/a';
  };
  add('', (s) => `${s.dtype} (head: ${s.head}${s.threads ? `, ${s.threads} threads` : ''})`);
  add('LOAD  cold (from the server)', (s) =>
    s.load.coldMs === null
      ? 'n/a'
      : `${ms(s.load.coldMs)}${s.load.coldMB !== null ? ` (${num(s.load.coldMB, 0)} MB sent)` : ''}`,
  );
  add(
    '      warm, median',
    (s) => `${ms(s.load.warmMs)}${s.load.warmMB !== null ? ` (${num(s.load.warmMB, 0)} MB sent)` : ''}`,
  );
  add(
    '      of which (engine, median)',
    (s) =>
      Object.entries(s.load.phases)
        .map(([k, v]) => `${k} ${ms(v)}`)
        .join(', ') || 'n/a',
  );
  add('      ceiling: bare ORT read+create', (s) => `${ms(s.load.bareOrtMs)} (create ${ms(s.load.bareOrtCreateMs)})`);
  add('      naive: pipeline() load', (s) => ms(s.load.naiveMs));
  add('      warm / bare ORT   [<= 1.5]', (s) =>
    target(s, 'load: warm / bare ORT session creation', (t) => `${num(t.value, 2)}x`),
  );
  add(
    'LIVE  ClozeLab edit p50 / p95',
    (s) => `${ms(s.live.p50)} / ${ms(s.live.p95)} (${num(s.live.tokensP50, 0)} tokens)`,
  );
  add(
    '      ceiling: 1 forward pass p50/p95',
    (s) => `${ms(s.live.forwardP50)} / ${ms(s.live.forwardP95)} (ClozeLab's graph ${ms(s.live.forwardRowsP50)})`,
  );
  add('      naive: fill-mask p50 / p95', (s) => `${ms(s.live.naiveP50)} / ${ms(s.live.naiveP95)}`);
  add('      p95 - forward p50 [<= 30 ms]', (s) =>
    target(s, 'live: p95 − one forward pass (p50)', (t) => `${num(t.value, 1)} ms`),
  );
  add(
    '      (p50 - forward p50; p95 - forward p95)',
    (s) => `${num(s.live.p50 - s.live.forwardP50, 1)} ms; ${num(s.live.p95 - s.live.forwardP95, 1)} ms`,
  );
  add('      label-word edit p50 / p95', (s) => `${ms(s.live.labelEditP50)} / ${ms(s.live.labelEditP95)}`);
  add('      first edits after load', (s) => s.live.firstEditsMs.map((x) => x.toFixed(0)).join(', ') + ' ms');
  add(
    'BATCH ClozeLab evaluation',
    (s) =>
      `${num(s.batch.clozelabExS)} ex/s (${s.batch.examples} ex in ${s.batch.rounds} chunks, ${num(s.batch.paddingPct, 0)}% padding)`,
  );
  if (sums.some((s) => s.batch.beforeExS !== null)) {
    add('      before: per-tensor q8 quantization', (s) =>
      s.batch.beforeExS === null ? 'n/a' : `${num(s.batch.beforeExS)} ex/s (same chunks, interleaved)`,
    );
    add('      per-row / per-tensor [>= 0.9] (median)', (s) =>
      s.batch.overBefore === null
        ? 'n/a'
        : target(s, 'batch: per-row q8 / per-tensor q8 (before)', (t) => `${num(t.value, 3)}x`),
    );
  }
  add('      ceiling: raw ORT, same shapes', (s) => `${num(s.batch.ceilingExS)} ex/s`);
  add("      raw ORT on ClozeLab's graph", (s) => `${num(s.batch.ceilingRowsExS)} ex/s`);
  add(
    '      naive: fill-mask per input',
    (s) =>
      `${num(s.batch.naiveExS)} ex/s (${s.batch.naiveExamples} ex, top_k ${s.batch.naiveTopK}${s.batch.naiveMissing ? `, ${s.batch.naiveMissing} missed` : ''})`,
  );
  add('      ClozeLab / naive    [>= 3]  (median)', (s) =>
    target(s, 'batch: ClozeLab / naive', (t) => `${num(t.value, 2)}x`),
  );
  add('      ClozeLab / ceiling  [>= 0.85] (median)', (s) =>
    target(s, 'batch: ClozeLab / raw-ORT ceiling', (t) => `${num(t.value, 2)}x`),
  );
  add("      ClozeLab / ClozeLab's graph (median)", (s) => `${num(s.batch.overCeilingRows, 2)}x`);
  if (sums.some((s) => s.batch.longTasks !== null)) {
    add('LONG  main-thread tasks > 50 ms [0]', (s) =>
      s.batch.longTasks === null
        ? 'n/a'
        : `${s.batch.longTasks} (longest ${num(s.batch.longTaskMaxMs ?? 0, 0)} ms) ${mark(s.batch.longTasks === 0)}`,
    );
  }
  const levers = Math.max(0, ...sums.map((s) => s.batch.batching.length));
  for (let k = 0; k < levers; k++) {
    const name = sums.find((s) => s.batch.batching[k])?.batch.batching[k]?.name ?? '';
    add(k === 0 ? `LEVER batching (model ms, min): ${name}` : `      ${name}`, (s) => {
      const b = s.batch.batching[k];
      return b ? `${ms(b.minMs)} (${b.runs} runs, ${num(b.paddingPct, 1)}% padding)` : 'n/a';
    });
  }
  const quantLevers = Math.max(0, ...sums.map((s) => s.batch.quantization.length));
  for (let k = 0; k < quantLevers; k++) {
    const name = sums.find((s) => s.batch.quantization[k])?.batch.quantization[k]?.name ?? '';
    add(k === 0 ? `LEVER activation quantization (model ms, min): ${name}` : `      ${name}`, (s) => {
      const q = s.batch.quantization[k];
      const base = s.batch.quantization[0];
      return q && base ? `${ms(q.minMs)} (${num(q.minMs / base.minMs, 3)}x)` : 'n/a';
    });
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join(' | ')
      .trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('-+-');
  const [head, ...body] = rows;
  return [`== ${title} ==`, line(head!), sep, ...body.map(line)].join('\n');
}

export function formatMarkdownTable(title: string, sums: DtypeSummary[]): string {
  const text = formatEnvTable(title, sums).split('\n');
  return ['```', ...text, '```'].join('\n');
}
