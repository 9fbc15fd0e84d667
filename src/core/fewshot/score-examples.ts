// Few-shot runs score examples through the one scoring pipeline in chunks (as evaluation does): each
// chunk is one pass whose new prompts fill about one runtime request; repeated prompts come from
// the pipeline's cache. What a few-shot method needs of an answer is kept, nothing else:
// the label distribution(s), the zero-shot 'logit-mean' label scores z and the hidden vector at [Z].

import type { PassSettings, PassStats, PlanTransform, PassTemplate, ScoringPipeline } from '../pipeline.ts';
import type { ScoringOptions } from '../scoring.ts';
import type { LabelScores } from '../label-scores.ts';
import { SLICE_MS, yieldToEventLoop } from '../scheduling.ts';

/** One example scored with one template. */
export interface ExampleScore {
  /** Uncalibrated label distribution. */
  probs: number[];
  /** Calibrated distribution (only when the pass planned calibration). */
  calibrated: number[] | null;
  /** 'logit-mean' label scores: per label, the mean logit of its usable words (-Infinity: none). */
  z: number[];
  /** Hidden vector at [Z] of the 1-mask prompt (null when the runtime gave none). */
  hidden: Float32Array | null;
  /** Keys of the prompts its label distribution read (the input's, without content-free ones). */
  keys: string[];
  /** Keys of the template's content-free prompts (calibration), when planned. */
  contentFreeKeys: string[];
  /** Demonstrations the runtime left out of its 1-mask prompt to fit the model. */
  droppedDemos: number;
}

/**
 * Per label, the mean logit of its usable words — what scoreLabels gives as `labelScores` with
 * aggregation 'logit-mean' (label-distribution.ts), read from the word scores any aggregation keeps.
 */
export function logitMeanScores(labels: readonly string[], scores: LabelScores): number[] {
  return labels.map((label) => {
    const mine = scores.wordScores.filter((w) => w.used && w.label === label);
    if (mine.length === 0) return -Infinity;
    return mine.reduce((a, w) => a + (w.logit ?? -Infinity), 0) / mine.length;
  });
}

/** `values` (aligned with `from`) in the order of `labels`; a label missing from `from` gets 0. */
function inLabelOrder(labels: readonly string[], from: readonly string[], values: readonly number[]): number[] {
  if (labels.length === from.length && labels.every((l, i) => l === from[i])) return [...values];
  return labels.map((l) => {
    const i = from.indexOf(l);
    return i < 0 ? 0 : values[i]!;
  });
}

export interface ScoreItem {
  inputs: Readonly<Record<string, string>>;
  /** Rewrites the item's plans (demonstrations). */
  transform?: PlanTransform;
}

export interface ScoreExamplesRequest {
  pipeline: ScoringPipeline;
  templates: readonly PassTemplate[];
  labels: readonly string[];
  scoring: ScoringOptions;
  settings: PassSettings;
  items: readonly ScoreItem[];
  /** Adds the pass statistics of every chunk. */
  stats: PassStats;
  signal?: AbortSignal;
  now: () => number;
  /** After each chunk: how many items are done. */
  onChunk?: (done: number) => void;
}

/** results[item][template]. Throws when the signal aborts or the model fails (the caller decides). */
export async function scoreExamples(req: ScoreExamplesRequest): Promise<ExampleScore[][]> {
  const { pipeline, templates, settings, items } = req;
  const out: ExampleScore[][] = new Array<ExampleScore[]>(items.length);
  const perRequest = Math.max(1, Math.floor(settings.requestSize));
  const calibrated = settings.calibration === 'both' || req.scoring.calibrate;
  let position = 0;
  let sliceStart = req.now();
  while (position < items.length) {
    if (req.signal?.aborted) throw Object.assign(new Error('The few-shot run was cancelled.'), { name: 'AbortError' });
    const pass = pipeline.pass(templates, req.scoring, settings);
    const chunk: { item: number; job: NonNullable<ReturnType<typeof pass.add>> }[] = [];
    while (position < items.length && pass.pendingCount < perRequest && chunk.length < perRequest * 4) {
      const item = items[position]!;
      const job = pass.add(item.inputs, perRequest, item.transform);
      if (!job) break;
      chunk.push({ item: position, job });
      position++;
    }
    if (pass.pendingCount > 0) {
      await pass.run(req.signal ? { signal: req.signal } : {});
      sliceStart = req.now();
    }
    req.stats.promptsRun += pass.stats.promptsRun;
    req.stats.promptsReused += pass.stats.promptsReused;
    req.stats.requests += pass.stats.requests;
    for (const { item, job } of chunk) {
      out[item] = templates.map((_, t) => {
        const { scores, main } = pass.result(job, t);
        const plan = job.plans[t]!;
        const order = (xs: readonly number[]) => inLabelOrder(req.labels, scores.labels, xs);
        return {
          probs: order(scores.uncalibrated),
          calibrated: calibrated ? order(scores.probs) : null,
          z: logitMeanScores(req.labels, scores),
          hidden: main.masks[0]?.hidden ?? null,
          keys: [...new Set(Object.values(plan.inputPrompt).map((i) => plan.keys[i]!))],
          contentFreeKeys: [
            ...new Set(plan.contentFreePrompts.flatMap((m) => Object.values(m).map((i) => plan.keys[i]!))),
          ],
          droppedDemos: main.droppedDemos ?? 0,
        };
      });
    }
    req.onChunk?.(position);
    if (req.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = req.now();
    }
  }
  return out;
}
