// The benchmark cases, written once for both environments (a Driver runs them in Node or drives
// the browser page). Every case runs ClozeLab and its references in the same process and run.
import type { LiveSample } from './live-driver.ts';
import type { NaiveResult } from './references.ts';
import { makeExamples, makeLiveInputs, median, naiveTopK, sample, sum, type EvalSummary } from './shared.ts';
import type { EngineInfo } from '../../src/runtime/protocol.ts';
import { BATCHING_VARIANTS, requestLengths, shapesFor } from './levers.ts';
import type { ModelFacts } from '../../src/core/types.ts';
import type { GraphVariant } from './graphs.ts';

export type Dtype = 'q8' | 'fp32';

export interface CreateTiming {
  readMs: number;
  rewriteMs: number;
  createMs: number;
  totalMs: number;
  fromCache?: boolean;
}

export interface Driver {
  readonly name: 'node' | 'browser';
  env(): Promise<Record<string, unknown>>;
  clearModelCache(): Promise<void>;
  /** Bytes of model files the server has sent so far (browser), or null. */
  modelBytesSent(): number | null;
  storeLoad(
    dtype: Dtype,
    fresh: boolean,
    firstInput: string,
    verbalizerText?: string,
  ): Promise<{ ms: number; info: EngineInfo | null; facts: ModelFacts | null }>;
  /** Picks label words the model ranks high (see shared.ts chooseLabelWords). */
  chooseWords(inputs: string[], edits: number): Promise<{ verbalizerText: string; edits: string[]; words: string[] }>;
  live(kind: 'input' | 'verbalizer', texts: string[]): Promise<LiveSample[]>;
  /** Evaluates bench examples [from, to) through the evaluation path. */
  evaluate(
    from: number,
    to: number,
    options: { verbalizerText: string; batchSize?: number; promptsPerRequest?: number },
  ): Promise<EvalSummary>;
  /**
   * ClozeLab before per-row quantization (q8): a second runtime, loaded with rowQuant: false, that
   * the batch chunks interleave with the current one (same process / page, same examples).
   */
  before: {
    load(dtype: Dtype): Promise<EngineInfo>;
    evaluate(
      from: number,
      to: number,
      options: { verbalizerText: string; batchSize?: number; promptsPerRequest?: number },
    ): Promise<EvalSummary>;
    close(): Promise<void>;
  };
  labelIds(verbalizerText: string): Promise<number[][]>;
  labelRanks(inputs: string[], ids: number[], probeK: number): Promise<number[][]>;
  renderTexts(inputs: string[], maskToken: string): Promise<string[]>;
  ref: {
    /** A fresh reference context (browser: a new worker; Node: nothing to do). */
    fresh(): Promise<void>;
    create(dtype: Dtype, variant: GraphVariant): Promise<CreateTiming>;
    release(variant: GraphVariant): Promise<void>;
    shapes(variant: GraphVariant, shapes: [number, number][]): Promise<number[]>;
    singles(variant: GraphVariant, lengths: number[]): Promise<number[]>;
    naiveLoad(dtype: Dtype): Promise<{ ms: number }>;
    naive(texts: string[], topK: number, labelIds: number[][]): Promise<NaiveResult>;
    naiveDispose(): Promise<void>;
    close(): Promise<void>;
  };
}

export interface SuiteOptions {
  dtypes: Dtype[];
  examples: number;
  /** fp32 is 3–4× slower: fewer examples (the same length distribution). */
  examplesFp32: number;
  /** Examples per interleaved chunk. */
  chunk: number;
  naiveExamples: number;
  warmLoads: number;
  liveEdits: number;
  liveWarmup: number;
  verbalizerEdits: number;
  /** Examples for the batching lever (0 = skip) and its interleaved rounds. */
  leverExamples: number;
  leverRounds: number;
  log: (line: string) => void;
}

export interface BatchRound {
  clozelab: EvalSummary;
  /** q8: ClozeLab with per-tensor activation quantization (before), on the same chunk. */
  before?: EvalSummary;
  ceilingPlainMs: number[];
  ceilingRowsMs: number[];
  naive: { perCall: number[]; missing: number };
  order: string[];
}

export interface DtypeResult {
  dtype: Dtype;
  info: EngineInfo | null;
  load: {
    coldMs: number | null;
    coldModelBytes: number | null;
    warmMs: number[];
    /** The engine's own phases of each warm load (config, tokenizer, model, warmup). */
    warmPhases: Record<string, number>[];
    warmModelBytes: number | null;
    bareOrt: CreateTiming[];
    naiveMs: number | null;
  };
  live: {
    warmup: LiveSample[];
    input: LiveSample[];
    verbalizer: LiveSample[];
    forwardPlainMs: number[];
    forwardRowsMs: number[];
    naiveMs: number[];
  };
  labelWords: string;
  batch: {
    examples: number;
    naiveExamples: number;
    naiveTopK: number;
    naiveBeyondProbe: number;
    rounds: BatchRound[];
    batching: { name: string; runs: number; paddingPct: number; ms: number[] }[];
    /** q8: model time of the graphs with per-tensor / per-row activation quantization (see graphs.ts). */
    quantization: { name: string; graph: GraphVariant; ms: number[] }[];
  };
}

const PROBE_K = 1024;
/**
 * The quantization lever's graphs (raw ORT, mask rows only in all): per-tensor (rows gathered at the
 * projection: its quantizer needs every row), per-row with the rows gathered at the same place (the
 * cost of per-row quantization alone), and per-row with the rows gathered where the row-local tail
 * begins (what per-row quantization makes exact; ClozeLab).
 */
const QUANTIZATION_GRAPHS: [string, GraphVariant][] = [
  ['per-tensor (before)', 'rows-tensor'],
  ["per-row, DQL's formula, rows at the projection", 'rows-late'],
  ["per-row, DQL's formula, row-local tail (ClozeLab)", 'rows'],
  ['per-row symmetric, row-local tail (alternative)', 'rows-rq-symmetric'],
];
/** Untimed runs that warm a fresh reference worker up (see the comment where they run). */
const REF_WARMUP_RUNS = 8;

export async function runSuite(driver: Driver, opts: SuiteOptions): Promise<DtypeResult[]> {
  const log = (s: string) => opts.log(`[${driver.name}] ${s}`);
  const results: DtypeResult[] = [];
  const liveInputs = makeLiveInputs(opts.liveWarmup + opts.liveEdits + 1);
  const allExamples = makeExamples(1000);

  for (const dtype of opts.dtypes) {
    const examplesN = dtype === 'fp32' ? opts.examplesFp32 : opts.examples;
    const examples = allExamples.slice(0, examplesN);
    const chunks = Math.min(examplesN, Math.max(3, Math.round(examplesN / opts.chunk)));
    const naivePerChunk = Math.max(
      1,
      Math.round((dtype === 'fp32' ? opts.naiveExamples / 2 : opts.naiveExamples) / chunks),
    );
    const chunkRanges = Array.from(
      { length: chunks },
      (_, c) => [Math.floor((c * examplesN) / chunks), Math.floor(((c + 1) * examplesN) / chunks)] as const,
    );
    const naiveByChunk = chunkRanges.map(([from, to]) =>
      sample(examples.slice(from, to), naivePerChunk).map((e) => e.inputs.X as string),
    );
    const naiveInputs = naiveByChunk.flat();
    log(`${dtype}: model load`);
    // ---- (3) model load: cold (network), warm (browser cache / disk), bare ORT session creation ----
    await driver.clearModelCache();
    const bytes0 = driver.modelBytesSent();
    const cold = await driver.storeLoad(dtype, true, liveInputs[0]!);
    const bytes1 = driver.modelBytesSent();
    // Label words this random-weight model ranks high (as a real model would rank 'great').
    const liveTexts = liveInputs.slice(1 + opts.liveWarmup);
    const chosen = await driver.chooseWords([...naiveInputs, ...liveTexts], opts.verbalizerEdits);
    log(`${dtype}: label words ${chosen.verbalizerText.replace(/\n/g, ' / ')}`);
    // Let the runtime's background warm-up (browser) finish before timing anything else.
    const settle = () => new Promise((resolve) => setTimeout(resolve, driver.name === 'browser' ? 4000 : 200));
    await settle();
    // Bare ORT and ClozeLab's warm loads alternate (fresh workers both), so that a trend in the
    // machine (caches warming, other jobs) does not favour either.
    const bareOrt: CreateTiming[] = [];
    const warmMs: number[] = [];
    const warmPhases: Record<string, number>[] = [];
    const bytes2a = driver.modelBytesSent();
    let warmBytes = 0;
    for (let i = 0; i < opts.warmLoads; i++) {
      await driver.ref.fresh();
      bareOrt.push(await driver.ref.create(dtype, 'plain'));
      await driver.ref.fresh();
      await settle();
      const before = driver.modelBytesSent();
      const w = await driver.storeLoad(dtype, true, liveInputs[0]!, chosen.verbalizerText);
      const after = driver.modelBytesSent();
      if (before !== null && after !== null) warmBytes += after - before;
      warmMs.push(w.ms);
      if (w.info?.loadPhases) warmPhases.push(w.info.loadPhases);
      await settle();
    }
    const info = cold.info;
    const facts = cold.facts;
    if (!info || !facts) throw new Error('no model info');
    log(
      `${dtype}: load cold ${cold.ms.toFixed(0)} ms, warm ${warmMs.map((m) => m.toFixed(0)).join('/')} ms, bare ORT ${bareOrt.map((b) => b.totalMs.toFixed(0)).join('/')} ms (head: ${info.head ?? '?'}${info.headNote ? `, ${info.headNote}` : ''}, threads ${String(info.threads)})`,
    );
    // ---- the references' context for everything below: one fresh worker, warmed up like ClozeLab's ----
    // (V8 runs a fresh worker's WASM unoptimised for its first several forward passes; ClozeLab's
    // runtime warms up in the background after loading, so the references get the same chance.)
    const labelIds = await driver.labelIds(chosen.verbalizerText);
    const flatIds = labelIds.flat();
    const ranks = await driver.labelRanks([...naiveInputs, ...liveTexts], flatIds, PROBE_K);
    const { topK, beyondProbe } = naiveTopK(ranks, PROBE_K, facts.vocabSize);
    log(`${dtype}: naive top_k = ${topK} (label word ranks beyond ${PROBE_K}: ${beyondProbe})`);
    await driver.ref.fresh();
    const naiveLoad = await driver.ref.naiveLoad(dtype);
    await driver.ref.create(dtype, 'plain');
    await driver.ref.create(dtype, 'rows');
    const warmLengths = Array.from({ length: REF_WARMUP_RUNS }, (_, i) => 16 + ((i * 7) % 24));
    await driver.ref.singles('plain', warmLengths);
    await driver.ref.singles('rows', warmLengths);
    await driver.ref.naive(
      await driver.renderTexts(liveTexts.slice(0, REF_WARMUP_RUNS), facts.maskToken),
      topK,
      labelIds,
    );

    // ---- (1) live scoring through the store ----
    log(`${dtype}: live scoring`);
    const warmup = await driver.live('input', liveInputs.slice(1, 1 + opts.liveWarmup));
    const input = await driver.live('input', liveInputs.slice(1 + opts.liveWarmup));
    const verbalizer = await driver.live('verbalizer', chosen.edits);
    const lengths = input.map((s) => s.tokens);
    const forwardPlainMs = await driver.ref.singles('plain', lengths);
    const forwardRowsMs = await driver.ref.singles('rows', lengths);
    log(
      `${dtype}: live p50 ${median(input.map((s) => s.ms)).toFixed(1)} ms, forward pass p50 ${median(forwardPlainMs).toFixed(1)} ms, label edit p50 ${median(verbalizer.map((s) => s.ms)).toFixed(1)} ms`,
    );

    const naiveLive = await driver.ref.naive(await driver.renderTexts(liveTexts, facts.maskToken), topK, labelIds);

    // ---- (2) + (4) batch evaluation: chunks of examples, the methods interleaved per chunk ----
    // This VM is noisy (shared cores): each chunk runs ClozeLab, both ceilings and the naive loop
    // back to back, so per-chunk ratios compare like with like; we report their medians.
    const rounds: BatchRound[] = [];
    const evalOptions = { verbalizerText: chosen.verbalizerText };
    const withBefore = dtype === 'q8';
    if (withBefore) {
      const beforeInfo = await driver.before.load(dtype);
      log(`${dtype}: before (per-tensor quantization): ${beforeInfo.batchNote ?? String(beforeInfo.batchInvariant)}`);
      await driver.before.evaluate(0, Math.min(48, examplesN), evalOptions); // warm-up, not timed
    }
    await driver.evaluate(0, Math.min(48, examplesN), evalOptions); // warm-up, not timed
    // 'before' (q8: ClozeLab with per-tensor quantization) runs next to 'clozelab', in turns first and second.
    const orders = (
      [
        ['clozelab', 'before', 'plain', 'rows', 'naive'],
        ['naive', 'before', 'clozelab', 'rows', 'plain'],
        ['clozelab', 'rows', 'naive', 'before', 'plain'],
        ['before', 'naive', 'clozelab', 'plain', 'rows'],
      ] as const
    ).map((o) => o.filter((step) => withBefore || step !== 'before'));
    for (let c = 0; c < chunks; c++) {
      const [from, to] = chunkRanges[c]!;
      const naiveTexts = await driver.renderTexts(naiveByChunk[c]!, facts.maskToken);
      const order = orders[c % orders.length]!;
      let clozelab: EvalSummary | null = null;
      let before: EvalSummary | undefined;
      let plain: number[] = [];
      let rows: number[] = [];
      let naive: NaiveResult | null = null;
      for (const step of order) {
        if (step === 'clozelab') clozelab = await driver.evaluate(from, to, evalOptions);
        else if (step === 'before') before = await driver.before.evaluate(from, to, evalOptions);
        else if (step === 'plain') plain = await driver.ref.shapes('plain', (clozelab ?? before)!.shapes);
        else if (step === 'rows') rows = await driver.ref.shapes('rows', (clozelab ?? before)!.shapes);
        else naive = await driver.ref.naive(naiveTexts, topK, labelIds);
      }
      const round: BatchRound = {
        clozelab: clozelab!,
        ...(before ? { before } : {}),
        ceilingPlainMs: plain,
        ceilingRowsMs: rows,
        naive: { perCall: naive!.perCall, missing: naive!.missing },
        order: [...order],
      };
      rounds.push(round);
      const sumMs = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const n = to - from;
      log(
        `${dtype}: batch chunk ${c + 1}/${chunks} (${n} ex): ClozeLab ${((n * 1000) / round.clozelab.ms).toFixed(1)} ex/s${before ? ` (per-tensor before: ${((n * 1000) / before.ms).toFixed(1)})` : ''}, ceiling ${((n * 1000) / sumMs(plain)).toFixed(1)} ex/s (mask-rows graph ${((n * 1000) / sumMs(rows)).toFixed(1)}), naive ${((naive!.perCall.length * 1000) / sumMs(naive!.perCall)).toFixed(1)} ex/s, long tasks ${round.clozelab.longTasks?.length ?? 'n/a'}`,
      );
    }

    // Free what the levers do not need (browser: one WASM heap per worker, and a shared machine).
    if (withBefore) await driver.before.close();
    await driver.ref.naiveDispose();
    await driver.ref.release('plain');

    // ---- lever: batch planning (model time on the mask-rows graph, min over interleaved rounds) ----
    const batching: DtypeResult['batch']['batching'] = [];
    if (opts.leverExamples > 0 && dtype === 'q8') {
      const groups = await requestLengths(Math.min(opts.leverExamples, examplesN));
      const plans = BATCHING_VARIANTS.map((v) => ({ v, ...shapesFor(groups, v, facts.vocabSize) }));
      for (const p of plans) batching.push({ name: p.v.name, runs: p.shapes.length, paddingPct: p.paddingPct, ms: [] });
      for (let r = 0; r < opts.leverRounds; r++) {
        for (let k = 0; k < plans.length; k++) {
          const idx = (k + r) % plans.length;
          batching[idx]!.ms.push(sum(await driver.ref.shapes('rows', plans[idx]!.shapes)));
        }
      }
      for (const b of batching)
        log(
          `${dtype}: batching "${b.name}": ${b.runs} runs, ${b.paddingPct.toFixed(1)}% padding, min ${Math.min(...b.ms).toFixed(0)} ms`,
        );
    }

    // ---- lever: per-row activation quantization (q8; raw ORT model time on the least-work plan) ----
    const quantization: DtypeResult['batch']['quantization'] = [];
    if (opts.leverExamples > 0 && dtype === 'q8') {
      const groups = await requestLengths(Math.min(opts.leverExamples, examplesN));
      const plan = BATCHING_VARIANTS.find((v) => v.runCost === (driver.name === 'browser' ? 16 : 48))!;
      const { shapes } = shapesFor(groups, plan, facts.vocabSize);
      for (const [name, graph] of QUANTIZATION_GRAPHS) {
        if (graph !== 'rows') await driver.ref.create(dtype, graph);
        quantization.push({ name, graph, ms: [] });
      }
      for (const q of quantization) await driver.ref.shapes(q.graph, shapes.slice(0, 4)); // warm-up
      for (let r = 0; r < opts.leverRounds; r++) {
        for (let k = 0; k < quantization.length; k++) {
          const q = quantization[(k + r) % quantization.length]!;
          q.ms.push(sum(await driver.ref.shapes(q.graph, shapes)));
        }
      }
      for (const q of quantization) {
        if (q.graph !== 'rows') await driver.ref.release(q.graph);
        log(`${dtype}: quantization "${q.name}": ${shapes.length} runs, min ${Math.min(...q.ms).toFixed(0)} ms`);
      }
    }

    await driver.ref.close();
    results.push({
      dtype,
      info,
      labelWords: chosen.verbalizerText,
      load: {
        coldMs: cold.ms,
        coldModelBytes: bytes0 === null || bytes1 === null ? null : bytes1 - bytes0,
        warmMs,
        warmPhases,
        warmModelBytes: bytes2a === null ? null : warmBytes,
        bareOrt,
        naiveMs: naiveLoad.ms,
      },
      live: { warmup, input, verbalizer, forwardPlainMs, forwardRowsMs, naiveMs: naiveLive.perCall },
      batch: {
        examples: examplesN,
        naiveExamples: sum(rounds.map((r) => r.naive.perCall.length)),
        naiveTopK: topK,
        naiveBeyondProbe: beyondProbe,
        rounds,
        batching,
        quantization,
      },
    });
  }
  return results;
}
