// The scoring pipeline's view of a loaded model (core/pipeline.ts PipelineModel): from the
// worker's RuntimeClient (browser) or from a MaskedLMEngine in this process (CLI, tests).
import type { ModelFacts } from '../core/types.ts';
import type { PipelineModel } from '../core/pipeline.ts';
import type { RuntimeClient } from './client.ts';
import type { MaskedLMEngine } from './engine.ts';
import type { EngineInfo } from './protocol.ts';

/** The model's identity in caches: the same id with another dtype or device gives other numbers. */
export function modelKey(info: Pick<EngineInfo, 'id' | 'dtype' | 'device'>): string {
  return `${info.id}|${info.dtype}|${info.device}`;
}

/** The model loaded in the worker behind `client` (lane, cacheRows, hidden and signal go to the worker). */
export function clientModel(client: RuntimeClient, info: EngineInfo, facts: ModelFacts): PipelineModel {
  return {
    key: modelKey(info),
    maskToken: facts.maskToken,
    tokenizerKind: facts.tokenizerKind,
    tokenizeWords: (texts) => client.tokenizeWords(texts),
    score: (prompts, tokenIds, options) => client.score(prompts, tokenIds, options),
  };
}

/** A model loaded in this process (no lanes: requests run one after another; no row cache from here). */
export function engineModel(engine: MaskedLMEngine): PipelineModel {
  return {
    key: modelKey(engine.info),
    maskToken: engine.facts.maskToken,
    tokenizerKind: engine.facts.tokenizerKind,
    tokenizeWords: async (texts) => texts.map((t) => engine.tokenizeWord(t)),
    score: (prompts, tokenIds, { topK, hidden, signal }) =>
      engine.score(prompts, tokenIds, { topK, ...(hidden ? { hidden: true } : {}), ...(signal ? { signal } : {}) }),
  };
}
