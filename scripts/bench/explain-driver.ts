// Word attribution's cost in the benchmark page (npm run bench:explain): one attribution of an
// input (core/attribution explainInput on the 'explain' lane, streamed in small requests) against
// the same n + 1 prompts sent as one plain batch (one request through the same pipeline), on the
// model the store loaded. Each sample gets a pipeline cache of its own, and the worker keeps no
// mask rows for either (PASSES.explain), so both run every prompt.
import { explainInput } from '../../src/core/attribution/run.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import { PASSES } from '../../src/core/pipeline.ts';
import { parseTemplate } from '../../src/core/template.ts';
import { modelPipeline } from '../../src/store/runtime.ts';
import { TEMPLATE, verbalizer } from './shared.ts';

export interface ExplainSample {
  kind: 'attribution' | 'plain';
  ms: number;
  /** Attribution only: ms until the first words were scored (the first request). */
  firstMs: number | null;
  prompts: number;
  requests: number;
  words: number;
}

export async function explainSamples(text: string, rounds: number, warmup: number): Promise<ExplainSample[]> {
  const live = modelPipeline();
  const parsed = parseTemplate(TEMPLATE);
  if (!live || !parsed.ok) throw new Error('no model loaded');
  const bound = await live.bind(parsed.template, verbalizer());
  const template = { template: parsed.template, words: bound.words };
  const scoring = { ...DEFAULT_SCORING_OPTIONS, calibrate: false };
  const out: ExplainSample[] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    // Alternate which goes first, so that drift on a shared machine hits both alike.
    const order = r % 2 === 0 ? (['attribution', 'plain'] as const) : (['plain', 'attribution'] as const);
    for (const kind of order) {
      const pipeline = live.withOwnCache(10_000);
      let firstMs: number | null = null;
      const t0 = performance.now();
      const result =
        kind === 'attribution'
          ? await explainInput(pipeline, template, { X: text }, scoring, 'remove', {
              onUpdate: () => {
                firstMs ??= performance.now() - t0;
              },
            })
          : await explainInput(pipeline, template, { X: text }, scoring, 'remove', {
              settings: { ...PASSES.explain, requestSize: 100_000 },
              firstChunk: 100_000,
            });
      const ms = performance.now() - t0;
      if (!result) throw new Error('attribution stopped');
      if (r >= warmup)
        out.push({
          kind,
          ms,
          firstMs: kind === 'attribution' ? firstMs : null,
          prompts: result.promptsRun,
          requests: result.requests,
          words: result.words.length,
        });
    }
  }
  return out;
}
