// The one scoring pipeline (src/core/pipeline.ts) and its binding step (src/core/bound-verbalizer.ts)
// with a fake deterministic model: de-duplication, the result cache, request splitting, stopping,
// calibration's content-free prompts, and that the live-style and the evaluation-style pass give
// the same numbers for the same prompts.
import { describe, expect, it } from 'vitest';
import { VerbalizerBinder } from '../../src/core/bound-verbalizer.ts';
import type { EvalExample } from '../../src/core/dataset.ts';
import { runEvaluation } from '../../src/core/evaluation.ts';
import { Lru } from '../../src/core/lru.ts';
import {
  PASSES,
  ScoringPipeline,
  type PassSettings,
  type PipelineModel,
  type PromptScorer,
} from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS, type ScoringOptions } from '../../src/core/scoring.ts';
import { parseTemplate, promptKey, type Template } from '../../src/core/template.ts';
import type { RenderedPrompt, TokenizerKind, WordTokenization } from '../../src/core/types.ts';
import type { Verbalizer } from '../../src/core/verbalizer.ts';

const MASK = '[MASK]';

function parsed(text: string): Template {
  const r = parseTemplate(text);
  if (!r.ok) throw new Error(`bad template ${text}`);
  return r.template;
}

/** FNV-1a: a deterministic number for a string. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Word → ids: one id per 6 characters (so long words are multi-token); "zz…" is unknown (id 1). */
function fakeTokenize(text: string): WordTokenization {
  const word = text.trim();
  if (word.startsWith('zz')) return { text, ids: [1], pieces: ['[UNK]'], hasUnknown: true };
  const pieces: string[] = [];
  for (let i = 0; i < word.length; i += 6)
    pieces.push((i === 0 && text.startsWith(' ') ? 'Ġ' : '') + word.slice(i, i + 6));
  return { text, ids: pieces.map((p) => 10 + (hash(p) % 5000)), pieces, hasUnknown: false };
}

interface FakeModel extends PipelineModel {
  requests: { prompts: RenderedPrompt[]; tokenIds: number[]; topK: number; lane?: string }[];
  tokenizeCalls: string[][];
}

/** A model whose scores are a pure function of (prompt, mask index, token id). */
function fakeModel(
  tokenizerKind: TokenizerKind = 'wordpiece',
  wrap?: (inner: PromptScorer) => PromptScorer,
): FakeModel {
  const requests: FakeModel['requests'] = [];
  const tokenizeCalls: string[][] = [];
  const inner: PromptScorer = async (prompts, tokenIds, options) => {
    requests.push({ prompts, tokenIds, topK: options.topK, ...(options.lane ? { lane: options.lane } : {}) });
    return prompts.map((p) => {
      const key = promptKey(p);
      const count = p.parts.reduce((n, part) => n + (part.kind === 'mask' ? part.count : 0), 0);
      const masks = Array.from({ length: count }, (_, m) => {
        const logits = tokenIds.map((id) => (hash(`${key}|${m}|${id}`) % 1000) / 100 - 12);
        return {
          probs: logits.map(Math.exp),
          logits,
          top: [{ id: 7, token: `top${hash(key) % 10}`, prob: 0.5 }].slice(0, options.topK),
        };
      });
      return { masks, tokens: ['[CLS]', key.slice(0, 8), '[SEP]'], maskPositions: [1], truncatedTokens: 0 };
    });
  };
  return {
    key: 'fake|fp32|cpu',
    maskToken: MASK,
    tokenizerKind,
    tokenizeWords: async (texts) => {
      tokenizeCalls.push(texts);
      return texts.map(fakeTokenize);
    },
    score: wrap ? wrap(inner) : inner,
    requests,
    tokenizeCalls,
  };
}

const verbalizer: Verbalizer = {
  labels: [
    { label: 'positive', words: ['great', 'fantastic'] }, // "fantastic" and "terrible": 2 tokens
    { label: 'negative', words: ['terrible', 'bad', 'zzunknown'] },
  ],
};
const scoring: ScoringOptions = { ...DEFAULT_SCORING_OPTIONS, calibrate: true, lengthNormalize: true };
const inputs = [{ X: 'A fine film.' }, { X: 'Dull and long.' }, { X: 'A fine film.' }, { X: MASK }];

describe('VerbalizerBinder: label words bound to a model and a template', () => {
  it('uses the leading-space form after a space for BPE, the bare word otherwise; flags unknown and multi-token words', async () => {
    const model = fakeModel('bpe');
    const binder = new VerbalizerBinder(model);
    const spaced = await binder.bind(parsed('[X] It was [Z].'), verbalizer);
    const bare = await binder.bind(parsed('[X] ([Z])'), verbalizer);
    expect(spaced.words.map((w) => w.form.text)).toEqual([' great', ' fantastic', ' terrible', ' bad', ' zzunknown']);
    expect(bare.words.map((w) => w.form.text)).toEqual(['great', 'fantastic', 'terrible', 'bad', 'zzunknown']);
    expect(spaced.precededBySpace).toBe(true);
    expect(bare.precededBySpace).toBe(false);
    expect(spaced.key).not.toBe(bare.key);
    expect(spaced.words.map((w) => w.status)).toEqual(['single', 'multi', 'multi', 'single', 'unknown']);
    expect(spaced.issues.map((i) => i.code)).toEqual(['multi-token', 'multi-token', 'unknown-token']);
    // The usable words' ids, de-duplicated: what the runtime reads at each mask.
    const usable = spaced.words.filter((w) => w.status !== 'unknown').flatMap((w) => w.form.ids);
    expect(spaced.tokenIds).toEqual([...new Set(usable)]);
    expect(spaced.labels).toEqual(['positive', 'negative']);
  });

  it('WordPiece ignores the context; bindings and tokenizations are cached per model', async () => {
    const model = fakeModel('wordpiece');
    const binder = new VerbalizerBinder(model);
    expect(binder.peek(parsed('[X] It was [Z].'), verbalizer)).toBeNull(); // nothing tokenized yet
    const a = await binder.bind(parsed('[X] It was [Z].'), verbalizer);
    const b = await binder.bind(parsed('[Z]: [X]'), verbalizer);
    expect(a.words.map((w) => w.form.text)).toEqual(['great', 'fantastic', 'terrible', 'bad', 'zzunknown']);
    expect(b.words).toEqual(a.words);
    expect(model.tokenizeCalls).toEqual([['great', 'fantastic', 'terrible', 'bad', 'zzunknown']]);
    expect(await binder.bind(parsed('[X] It was [Z].'), verbalizer)).toBe(a); // same key, same object
    expect(binder.peek(parsed('[X] It was [Z].'), verbalizer)).toBe(a);
    // A new word: only it is tokenized.
    await binder.bind(parsed('[X] It was [Z].'), { labels: [...verbalizer.labels, { label: 'meh', words: ['okay'] }] });
    expect(model.tokenizeCalls.at(-1)).toEqual(['okay']);
  });

  it('bindTemplates: invalid templates are reported, valid ones bound with one tokenizer request', async () => {
    const model = fakeModel('bpe');
    const binder = new VerbalizerBinder(model);
    const { templates, problems } = await binder.bindTemplates(
      [
        { id: 'a', name: 'A', text: '[X] It was [Z].' },
        { id: 'b', name: 'B', text: '[X] no answer slot' },
        { id: 'c', name: 'C', text: '[X] ([Z])' },
      ],
      verbalizer,
    );
    expect(templates.map((t) => t.id)).toEqual(['a', 'c']);
    expect(problems.map((p) => p.id)).toEqual(['b']);
    expect(model.tokenizeCalls).toHaveLength(1);
    expect(templates[0]!.words[0]!.form.text).toBe(' great');
    expect(templates[1]!.words[0]!.form.text).toBe('great');
  });
});

/** Examples labelled "positive", on lines 2, 3, … as in a file with a header line. */
function positiveExamples(inputs: Record<string, string>[]): EvalExample[] {
  return inputs.map((x, i) => ({ line: i + 2, endLine: i + 2, inputs: x, gold: 'positive', rawLabel: 'positive' }));
}

/** `count` distinct one-input examples. */
const numberedExamples = (count: number) =>
  positiveExamples(Array.from({ length: count }, (_, i) => ({ X: `Example number ${i}.` })));

async function bound(model: PipelineModel, texts: string[]) {
  const pipeline = new ScoringPipeline(model);
  const { templates } = await pipeline.bindTemplates(
    texts.map((text, i) => ({ id: `t${i}`, name: `t${i}`, text })),
    verbalizer,
  );
  return { pipeline, templates };
}

describe('ScoringPipeline', () => {
  it('de-duplicates prompts across inputs and templates: each distinct prompt runs once', async () => {
    const model = fakeModel();
    const { pipeline, templates } = await bound(model, ['[X] It was [Z].']);
    const pass = pipeline.pass(templates, scoring, PASSES.live);
    const jobs = inputs.map((i) => pass.add(i));
    // Distinct inputs 3 (one repeated) × (1-mask + 2-mask prompt) + 3 content-free × 2.
    expect(pass.pendingCount).toBe(3 * 2 + 3 * 2);
    expect(await pass.run()).toBe(true);
    const run = model.requests.flatMap((r) => r.prompts.map(promptKey));
    expect(run).toHaveLength(12);
    expect(new Set(run).size).toBe(12);
    expect(pass.stats).toEqual({ promptsRun: 12, promptsReused: 2 + 3 * 6, requests: 1 });
    // Identical inputs, identical results.
    expect(pass.result(jobs[2]!, 0).scores).toEqual(pass.result(jobs[0]!, 0).scores);
  });

  it('answers from its cache: a second pass runs nothing; another top-k or other label words are other entries', async () => {
    const model = fakeModel();
    const { pipeline, templates } = await bound(model, ['[X] It was [Z].']);
    const first = await pipeline.scoreInputs(templates, inputs, scoring, PASSES.live);
    const requests = model.requests.length;
    const pass = pipeline.pass(templates, { ...scoring, aggregation: 'max' }, PASSES.live);
    inputs.forEach((i) => pass.add(i));
    expect(pass.pendingCount).toBe(0); // an option change is a pure re-score
    expect(await pipeline.scoreInputs(templates, inputs, scoring, PASSES.live)).toEqual(first);
    expect(model.requests.length).toBe(requests);

    const other = pipeline.pass(templates, scoring, { ...PASSES.live, topK: 3 });
    inputs.forEach((i) => other.add(i));
    expect(other.pendingCount).toBe(12);
    const fewerWords = await pipeline.bindTemplates([{ id: 't', name: 't', text: '[X] It was [Z].' }], {
      labels: verbalizer.labels.map((l) => ({ ...l, words: l.words.slice(0, 1) })),
    });
    const third = pipeline.pass(fewerWords.templates, scoring, PASSES.live);
    inputs.forEach((i) => third.add(i));
    expect(third.pendingCount).toBeGreaterThan(0);
  });

  it('the LRU keeps what was used recently', () => {
    const lru = new Lru<string, number>({ maxEntries: 2 });
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.size).toBe(2);
  });

  it('splits the prompts into requests of at most requestSize, with the pass lane, top-k and token ids', async () => {
    const model = fakeModel();
    const { pipeline, templates } = await bound(model, ['[X] It was [Z].']);
    const settings: PassSettings = { ...PASSES.evaluation, requestSize: 5 };
    const pass = pipeline.pass(templates, scoring, settings);
    inputs.forEach((i) => pass.add(i));
    expect(pass.pendingCount).toBe(12);
    await pass.run();
    expect(model.requests.map((r) => r.prompts.length)).toEqual([5, 5, 2]);
    for (const r of model.requests) {
      expect(r.lane).toBe('eval');
      expect(r.topK).toBe(PASSES.evaluation.topK);
      expect(r.tokenIds).toEqual(pass.tokenIds);
    }
    expect(pass.stats.requests).toBe(3);
  });

  it('stops between requests once isCurrent() is false (a newer edit took over)', async () => {
    const model = fakeModel();
    const { pipeline, templates } = await bound(model, ['[X] It was [Z].']);
    let current = true;
    let modelRuns = 0;
    const pass = pipeline.pass(templates, scoring, { ...PASSES.live, requestSize: 4 });
    inputs.forEach((i) => pass.add(i));
    const wrapped = model.score;
    model.score = async (...args) => {
      const r = await wrapped(...args);
      current = false;
      return r;
    };
    expect(await pass.run({ isCurrent: () => current, onModelRun: () => modelRuns++ })).toBe(false);
    expect(model.requests).toHaveLength(1);
    expect(modelRuns).toBe(1);
  });

  it('live-style and evaluation-style passes give identical numbers for the same prompts', async () => {
    const model = fakeModel('bpe');
    const { pipeline, templates } = await bound(model, [
      '[X] It was [Z].',
      '[X] ([Z])',
      'Review: [X] All in all, [Z].',
    ]);
    // Live: one template at a time, its own token ids, the live request size and top-k.
    const live = await Promise.all(templates.map((t) => pipeline.scoreInputs([t], inputs, scoring, PASSES.live)));
    // Evaluation: all templates in one pass (the union of their token ids), a fresh cache.
    const evaluation = await pipeline
      .withOwnCache(100)
      .scoreInputs(templates, inputs, { ...scoring, calibrate: false }, PASSES.evaluation);
    expect(evaluation).not.toBeNull();
    templates.forEach((_, t) => {
      inputs.forEach((_, i) => {
        const a = live[t]![i]![0]!.scores;
        const b = evaluation![i]![t]!.scores;
        expect(b.probs).toEqual(a.probs); // calibrated (evaluation always plans calibration)
        expect(b.uncalibrated).toEqual(a.uncalibrated);
        expect(b.contentFree).toEqual(a.contentFree);
        expect(b.wordScores).toEqual(a.wordScores);
      });
    });
    // And through runEvaluation (what the browser and the CLI run).
    const examples = positiveExamples(inputs);
    const run = await runEvaluation({
      templates,
      examples,
      labels: ['positive', 'negative'],
      scoring,
      pipeline: pipeline.withOwnCache(100),
      promptsPerRequest: 3,
    });
    expect(run.status).toBe('complete');
    templates.forEach((_, t) =>
      inputs.forEach((_, i) => {
        expect(run.outcomes[t]![i]!.calibrated).toEqual(live[t]![i]![0]!.scores.probs);
        expect(run.outcomes[t]![i]!.uncalibrated).toEqual(live[t]![i]![0]!.scores.uncalibrated);
      }),
    );
  });

  it('content-free prompts: their input parts are marked contentFree (the mask token one too); user inputs never are', async () => {
    const model = fakeModel();
    const { pipeline, templates } = await bound(model, ['[X] It was [Z].']);
    const pass = pipeline.pass(templates, scoring, PASSES.live);
    pass.add({ X: MASK }); // a user typing the mask token
    await pass.run();
    const sent = model.requests.flatMap((r) => r.prompts);
    const inputParts = sent.flatMap((p) => p.parts.filter((x) => x.kind === 'input'));
    const cf = inputParts.filter((x) => x.kind === 'input' && x.contentFree);
    const user = inputParts.filter((x) => x.kind === 'input' && !x.contentFree);
    expect(cf.map((x) => x.kind === 'input' && x.text).sort()).toEqual(['', '', 'N/A', 'N/A', MASK, MASK]);
    expect(user.map((x) => x.kind === 'input' && x.text)).toEqual([MASK, MASK]);
    // The user's "[MASK]" and the content-free "[MASK]" are different prompts (they run differently).
    expect(new Set(sent.map(promptKey)).size).toBe(sent.length);
  });
});

describe('runEvaluation through the pipeline', () => {
  it('fills each request up to promptsPerRequest without going over (no tiny trailing requests)', async () => {
    const model = fakeModel();
    // Two templates, each input 2 prompts per template (1 and 2 masks): 4 new prompts per example.
    const { pipeline, templates } = await bound(model, ['[X] It was [Z].', '[Z]: [X]']);
    const examples = numberedExamples(30);
    const run = await runEvaluation({
      templates,
      examples,
      labels: ['positive', 'negative'],
      scoring: { ...scoring, calibrate: false },
      pipeline,
      promptsPerRequest: 10,
    });
    expect(run.status).toBe('complete');
    const sizes = model.requests.map((r) => r.prompts.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    // The first example brings its 4 prompts and the 12 content-free ones (2 templates × 3 inputs ×
    // 2 mask counts): 16, split 10 + 6. Then 2 examples (8 prompts) a request — a third would make
    // 12 — and the last example alone.
    expect(sizes).toEqual([10, 6, ...new Array<number>(14).fill(8), 4]);
    expect(run.stats.requests).toBe(sizes.length);
  });

  it('Cancel takes effect with the request in flight: at most that chunk finishes after the abort', async () => {
    const controller = new AbortController();
    let calls = 0;
    const model = fakeModel('wordpiece', (inner) => async (prompts, ids, options) => {
      calls++;
      const r = await inner(prompts, ids, options);
      if (calls === 3) controller.abort(); // while the third request is in flight
      if (options.signal?.aborted) throw Object.assign(new Error('cancelled'), { code: 'cancelled' });
      return r;
    });
    const { pipeline, templates } = await bound(model, ['[X] It was [Z].']);
    const examples = numberedExamples(200);
    const progress: number[] = [];
    const run = await runEvaluation({
      templates,
      examples,
      labels: ['positive', 'negative'],
      scoring,
      pipeline,
      signal: controller.signal,
      promptsPerRequest: 10,
      onProgress: (p) => progress.push(p.done),
    });
    expect(run.status).toBe('cancelled');
    expect(calls).toBe(3);
    // Two chunks finished before the abort (5 examples × 2 prompts fill a request of 10, plus the
    // content-free prompts in the first); the third was cancelled in flight and left out.
    expect(run.done).toBe(progress.at(-1));
    expect(run.done).toBeGreaterThan(0);
    expect(run.done).toBeLessThanOrEqual(2 * 10);
    expect(run.outcomes[0]!.filter(Boolean)).toHaveLength(run.done);
  });
});
