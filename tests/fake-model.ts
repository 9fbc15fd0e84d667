// A tiny stand-in for a loaded masked LM, for store tests that need a model but not its numbers:
// one token per known word, and at [Z] the positive words are likely when the input sounds
// positive ("good", "great", "fine"), the negative words otherwise. Every score() call is
// recorded; `beforeScore` can hold a call (to cancel or supersede it mid-run) or fail it.
import type { PipelineModel } from '../src/core/pipeline.ts';
import type { ModelFacts, PromptScores, RenderedPrompt } from '../src/core/types.ts';
import { RuntimeError } from '../src/runtime/errors.ts';
import type { EngineInfo } from '../src/runtime/protocol.ts';

export const FAKE_VOCAB = ['[UNK]', '[MASK]', 'great', 'good', 'fine', 'terrible', 'bad', 'awful'];
const POSITIVE = new Set(['great', 'good', 'fine']);
const NEGATIVE = new Set(['terrible', 'bad', 'awful']);

export const FAKE_FACTS: ModelFacts = {
  maskToken: '[MASK]',
  maskTokenId: 1,
  unkTokenId: 0,
  vocabSize: FAKE_VOCAB.length,
  tokenizerKind: 'wordpiece',
  maxLength: 512,
};

export const FAKE_INFO: EngineInfo = {
  id: 'fake/tiny',
  source: 'local',
  device: 'wasm',
  dtype: 'fp32',
  threads: null,
  files: [],
  modelFile: 'onnx/model.onnx',
  loadMs: 0,
  hiddenAtMask: false,
};

export interface ScoreCall {
  prompts: RenderedPrompt[];
  tokenIds: number[];
  lane: string | undefined;
}

export interface FakeModel extends PipelineModel {
  calls: ScoreCall[];
}

function sounds(prompt: RenderedPrompt): 'positive' | 'negative' {
  const text = prompt.parts.flatMap((p) => (p.kind === 'input' ? [p.text] : [])).join(' ');
  return /\b(good|great|fine)\b/i.test(text) ? 'positive' : 'negative';
}

function answer(prompt: RenderedPrompt, tokenIds: number[], topK: number): PromptScores {
  const mood = sounds(prompt);
  const probs = tokenIds.map((id) => {
    const word = FAKE_VOCAB[id] ?? '';
    if (POSITIVE.has(word)) return mood === 'positive' ? 0.3 : 0.02;
    if (NEGATIVE.has(word)) return mood === 'negative' ? 0.3 : 0.02;
    return 0.01;
  });
  const masks = prompt.parts.flatMap((p) => (p.kind === 'mask' ? Array.from({ length: p.count }, () => p) : []));
  const topWord = mood === 'positive' ? 'great' : 'terrible';
  return {
    masks: masks.map(() => ({
      probs,
      logits: probs.map(Math.log),
      top: topK > 0 ? [{ id: FAKE_VOCAB.indexOf(topWord), token: topWord, prob: 0.3 }] : [],
    })),
    tokens: [],
    maskPositions: [],
    truncatedTokens: 0,
  };
}

export function fakeModel(
  hooks: { beforeScore?(call: number, signal: AbortSignal | undefined): Promise<void> | void } = {},
): FakeModel {
  const calls: ScoreCall[] = [];
  return {
    key: 'fake/tiny|fp32|wasm',
    maskToken: FAKE_FACTS.maskToken,
    tokenizerKind: FAKE_FACTS.tokenizerKind,
    calls,
    tokenizeWords: async (texts) =>
      texts.map((text) => {
        const id = FAKE_VOCAB.indexOf(text.trim().toLowerCase());
        return { text, ids: [Math.max(0, id)], pieces: [FAKE_VOCAB[Math.max(0, id)]!], hasUnknown: id < 0 };
      }),
    score: async (prompts, tokenIds, options) => {
      const call = calls.push({ prompts, tokenIds, lane: options.lane });
      await hooks.beforeScore?.(call, options.signal);
      if (options.signal?.aborted) throw new RuntimeError('cancelled', 'The request was cancelled.');
      return prompts.map((p) => answer(p, tokenIds, options.topK));
    },
  };
}

/** A promise with its resolve, to hold a call until the test lets it go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Waits (on real turns of the event loop, without a time limit of its own) until `check` holds. */
export async function until(check: () => boolean, what: string, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}
