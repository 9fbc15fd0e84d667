// The one scoring pipeline. Live scoring, the template comparison, evaluation (browser and CLI)
// all score through it, so "live and batch give the same numbers" holds by construction:
//
//   bind      verbalizer → BoundVerbalizer for this model and template (bound-verbalizer.ts)
//   plan      each (template, input) → its prompts (scoring.ts planScoring)
//   dedupe    prompts by their key, across inputs and templates of a pass
//   cache     runtime answers in one LRU keyed by (model, token ids, top-k) + prompt key
//   run       the prompts nobody has answered, in requests of at most `requestSize`
//   re-score  label distributions from the answers (scoring.ts scoreLabels, calibration)
//
// The callers differ only in their PassSettings (lane, request size, top-k, whether both
// calibration modes are planned, whether model tokens and the hidden vectors at [Z] are kept) and
// in which inputs they add.
// Runtime-agnostic: the model is a small interface (PipelineModel) that the store implements with
// the worker's RuntimeClient and the CLI with MaskedLMEngine.

import type { MaskScores, PromptScores, RenderedPrompt } from './types.ts';
import { planScoring, requiredPrompts, type ScoringPlan } from './scoring-plan.ts';
import { scoreLabels, type LabelScores } from './label-scores.ts';
import type { ScoringOptions } from './scoring.ts';
import { Lru } from './lru.ts';
import type { Template } from './template.ts';
import type { ResolvedWord } from './label-words.ts';
import type { Verbalizer } from './verbalizer.ts';
import {
  VerbalizerBinder,
  type BoundVerbalizer,
  type PreparedTemplate,
  type TemplateProblem,
  type WordTokenizer,
} from './bound-verbalizer.ts';

export interface ScorerOptions {
  /** Most likely tokens to return per mask (0: none). */
  topK: number;
  /** Runtime lane: a newer request in the same lane supersedes an older one. */
  lane?: string;
  /** Ask the runtime to keep the full mask rows, so a label-word edit needs no forward pass. */
  cacheRows?: boolean;
  /** Ask for the hidden vector at each mask (MaskScores.hidden), where the model has it. */
  hidden?: boolean;
  signal?: AbortSignal;
}

/** Runs prompts on the model; results aligned with `prompts`, probabilities read at `tokenIds`. */
export type PromptScorer = (
  prompts: RenderedPrompt[],
  tokenIds: number[],
  options: ScorerOptions,
) => Promise<PromptScores[]>;

/** What the pipeline needs from a loaded model. */
export interface PipelineModel extends WordTokenizer {
  maskToken: string;
  score: PromptScorer;
}

export interface PassSettings {
  lane?: string;
  /** Prompts per runtime request (a pass's prompts are split into requests of at most this many). */
  requestSize: number;
  /** Top tokens kept per prompt (for display and error analysis). */
  topK: number;
  /** 'as-set': the scoring options as they are; 'both': calibration is always planned, so the results hold the uncalibrated and the calibrated distribution. */
  calibration: 'as-set' | 'both';
  /** Keep the model tokens of each prompt (display); evaluation keeps only the scores. */
  keepTokens: boolean;
  cacheRows: boolean;
  /**
   * Ask the runtime for the hidden vector at each mask and keep it (`main.masks[0].hidden` of a
   * result is the query's); false strips it. Few-shot verbalizer tuning learns on it.
   */
  keepHidden: boolean;
}

/** The settings of each caller. */
export const PASSES = Object.freeze({
  /** The playground: the example inputs of the active template, as you type (64 prompts: the most a
   * request may have for the worker to keep its mask rows, so a label-word edit needs no forward pass). */
  live: {
    lane: 'live',
    requestSize: 64,
    topK: 10,
    calibration: 'as-set',
    keepTokens: true,
    cacheRows: true,
    keepHidden: false,
  },
  /** The template comparison: like live, in its own lane so it never cancels the live view. */
  compare: {
    lane: 'compare',
    requestSize: 64,
    topK: 10,
    calibration: 'as-set',
    keepTokens: true,
    cacheRows: true,
    keepHidden: false,
  },
  /** Evaluation on labelled data (browser and CLI): both calibration modes from one pass. */
  evaluation: {
    lane: 'eval',
    requestSize: 48,
    topK: 5,
    calibration: 'both',
    keepTokens: false,
    cacheRows: false,
    keepHidden: false,
  },
  /**
   * Few-shot learning: like evaluation, with the hidden vector at [Z] kept (verbalizer tuning), in
   * its own lane so that live typing and an evaluation never supersede it (nor it them).
   */
  fewshot: {
    lane: 'fewshot',
    requestSize: 48,
    topK: 0,
    calibration: 'both',
    keepTokens: false,
    cacheRows: false,
    keepHidden: true,
  },
  /**
   * Word attribution (core/attribution): the n + 1 occlusion prompts of one input, in a lane of its
   * own so that live typing and the template comparison never supersede it (nor it them), in small
   * requests so that live requests get the model between them and the first words come back after
   * about one forward pass. The setup's calibration as it is; no top tokens.
   */
  explain: {
    lane: 'explain',
    requestSize: 32,
    topK: 0,
    calibration: 'as-set',
    keepTokens: false,
    cacheRows: false,
    keepHidden: false,
  },
} satisfies Record<string, PassSettings>);

/** A template with its bound label words (a PreparedTemplate, or a template and a BoundVerbalizer). */
export interface PassTemplate {
  template: Template;
  words: readonly ResolvedWord[];
}

/** What a pass gives for one input and one template. */
export interface ScoredPrompt {
  /** The label distribution (with 'both': `probs` calibrated, `uncalibrated` without). */
  scores: LabelScores;
  /** The 1-mask prompt, as rendered. */
  prompt: RenderedPrompt;
  /** The runtime's answer for it: top tokens at [Z], truncation, model tokens when kept. */
  main: PromptScores;
}

/**
 * Rewrites an input's plan before its prompts are looked up (few-shot demonstrations appended to
 * every prompt of the plan, core/fewshot/demonstrations.ts). It must keep the plan's shape: the same
 * prompts in the same order, `keys[i] = promptKey(prompts[i])`.
 */
export type PlanTransform = (plan: ScoringPlan, template: number) => ScoringPlan;

/** An input added to a pass: one plan per template. */
export interface PassJob {
  plans: ScoringPlan[];
}

export interface PassStats {
  promptsRun: number;
  promptsReused: number;
  requests: number;
}

export const CACHE_LIMITS = Object.freeze({ live: 2_000, evaluation: 50_000 });

export class ScoringPipeline {
  readonly binder: VerbalizerBinder;
  /** Runtime answers in token-id "spaces": `${space}\u0001${promptKey}`. */
  readonly cache: Lru<string, PromptScores>;
  private readonly spaces = new Map<string, number>();

  constructor(
    readonly model: PipelineModel,
    options: { cacheLimit?: number; binder?: VerbalizerBinder } = {},
  ) {
    this.binder = options.binder ?? new VerbalizerBinder(model);
    this.cache = new Lru({ maxEntries: options.cacheLimit ?? CACHE_LIMITS.live });
  }

  /** The same model and bindings with a result cache of its own (an evaluation run's). */
  withOwnCache(cacheLimit: number): ScoringPipeline {
    return new ScoringPipeline(this.model, { cacheLimit, binder: this.binder });
  }

  /** The verbalizer bound to this model and template (cached). */
  bind(template: Template | null, verbalizer: Verbalizer): Promise<BoundVerbalizer> {
    return this.binder.bind(template, verbalizer);
  }

  /** Parses the templates and binds the verbalizer to each (invalid templates are reported). */
  bindTemplates(
    entries: readonly { id: string; name: string; text: string }[],
    verbalizer: Verbalizer,
  ): Promise<{ templates: PreparedTemplate[]; problems: TemplateProblem[] }> {
    return this.binder.bindTemplates(entries, verbalizer);
  }

  /** A short id for (model, token ids, top-k, tokens kept, hidden kept): the first part of every cache key. */
  space(tokenIds: readonly number[], settings: PassSettings): number {
    const key = JSON.stringify([this.model.key, settings.topK, settings.keepTokens, settings.keepHidden, tokenIds]);
    let id = this.spaces.get(key);
    if (id === undefined) {
      id = this.spaces.size;
      this.spaces.set(key, id);
    }
    return id;
  }

  /** A pass: add inputs, run what is missing, read the results. */
  pass(templates: readonly PassTemplate[], scoring: ScoringOptions, settings: PassSettings): ScoringPass {
    return new ScoringPass(this, templates, scoring, settings);
  }

  /** Every input with every template in one pass; null when `isCurrent` turned false meanwhile. */
  async scoreInputs(
    templates: readonly PassTemplate[],
    inputs: readonly Readonly<Record<string, string>>[],
    scoring: ScoringOptions,
    settings: PassSettings,
    control: RunControl = {},
  ): Promise<ScoredPrompt[][] | null> {
    const pass = this.pass(templates, scoring, settings);
    const jobs = inputs.map((i) => pass.add(i));
    if (!(await pass.run(control))) return null;
    return jobs.map((job) => templates.map((_, t) => pass.result(job, t)));
  }
}

export interface RunControl {
  signal?: AbortSignal;
  /** Checked before each request: false stops the pass (a newer run of the caller took over). */
  isCurrent?: () => boolean;
  /** Called once before the first request, only when the model has to run. */
  onModelRun?: () => void;
}

export class ScoringPass {
  readonly stats: PassStats = { promptsRun: 0, promptsReused: 0, requests: 0 };
  /** Options the plans are made and scored with. */
  readonly options: ScoringOptions;
  /** The union of the templates' token ids: one list for every request of the pass. */
  readonly tokenIds: number[] = [];
  /** Per template: its plan's token columns inside `tokenIds` (null: the same order). */
  private readonly columns: (number[] | null)[];
  private readonly space: number;
  private readonly pending = new Map<string, RenderedPrompt>();
  /** Answers this pass reads, held so that cache eviction during the pass cannot lose them. */
  private readonly held = new Map<string, PromptScores>();

  constructor(
    private readonly pipeline: ScoringPipeline,
    private readonly templates: readonly PassTemplate[],
    scoring: ScoringOptions,
    private readonly settings: PassSettings,
  ) {
    this.options = settings.calibration === 'both' ? { ...scoring, calibrate: true } : { ...scoring };
    const index = new Map<number, number>();
    this.columns = templates.map((t) => {
      const probe = this.plan(t, {});
      const cols = probe.tokenIds.map((id) => {
        let c = index.get(id);
        if (c === undefined) {
          c = this.tokenIds.push(id) - 1;
          index.set(id, c);
        }
        return c;
      });
      return cols.every((c, i) => c === i) ? null : cols;
    });
    this.space = pipeline.space(this.tokenIds, settings);
  }

  private plan(t: PassTemplate, inputs: Readonly<Record<string, string>>): ScoringPlan {
    return planScoring(t.template, inputs, t.words, this.options, { maskToken: this.pipeline.model.maskToken });
  }

  /** Prompts added but not answered yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Plans one input with every template; answered prompts come from the cache, new ones wait for
   * run(). With `maxPending`, an input whose new prompts would push a non-empty pass past it is
   * not added (null): the caller starts the next request with it.
   */
  add(inputs: Readonly<Record<string, string>>): PassJob;
  add(inputs: Readonly<Record<string, string>>, maxPending: number, transform?: PlanTransform): PassJob | null;
  add(inputs: Readonly<Record<string, string>>, maxPending = Infinity, transform?: PlanTransform): PassJob | null {
    const plans = this.templates.map((t, i) => (transform ? transform(this.plan(t, inputs), i) : this.plan(t, inputs)));
    const fresh = new Map<string, RenderedPrompt>();
    const hits = new Map<string, PromptScores>();
    let reused = 0;
    for (const plan of plans) {
      for (const i of requiredPrompts(plan, this.options)) {
        const key = plan.keys[i]!;
        if (this.held.has(key) || this.pending.has(key) || fresh.has(key) || hits.has(key)) {
          reused++;
          continue;
        }
        const cached = this.pipeline.cache.get(`${this.space}\u0001${key}`);
        if (cached) {
          hits.set(key, cached);
          reused++;
        } else fresh.set(key, plan.prompts[i]!);
      }
    }
    if (this.pending.size > 0 && this.pending.size + fresh.size > maxPending) return null;
    for (const [key, r] of hits) this.held.set(key, r);
    for (const [key, prompt] of fresh) this.pending.set(key, prompt);
    this.stats.promptsReused += reused;
    return { plans };
  }

  /** The keys of the prompts that a job's results read (every template's), e.g. to count what a run needs. */
  requiredKeys(job: PassJob): string[] {
    return job.plans.flatMap((plan) => requiredPrompts(plan, this.options).map((i) => plan.keys[i]!));
  }

  /** Runs the pending prompts in requests of at most `requestSize`. False if stopped by `isCurrent`. */
  async run(control: RunControl = {}): Promise<boolean> {
    const jobs = [...this.pending.entries()];
    if (jobs.length > 0) control.onModelRun?.();
    const size = Math.max(1, Math.floor(this.settings.requestSize));
    for (let start = 0; start < jobs.length; start += size) {
      if (control.isCurrent && !control.isCurrent()) return false;
      const part = jobs.slice(start, start + size);
      const results = await this.pipeline.model.score(
        part.map(([, prompt]) => prompt),
        this.tokenIds,
        {
          topK: this.settings.topK,
          ...(this.settings.lane !== undefined ? { lane: this.settings.lane } : {}),
          ...(this.settings.cacheRows ? { cacheRows: true } : {}),
          ...(this.settings.keepHidden ? { hidden: true } : {}),
          ...(control.signal ? { signal: control.signal } : {}),
        },
      );
      if (results.length !== part.length)
        throw new Error(`The runtime returned ${results.length} results for ${part.length} prompts.`);
      this.stats.requests++;
      this.stats.promptsRun += part.length;
      part.forEach(([key], i) => {
        const r = results[i]!;
        const masks = this.settings.keepHidden ? r.masks : r.masks.map(withoutHidden);
        const stored: PromptScores = this.settings.keepTokens
          ? { ...r, masks }
          : {
              masks,
              tokens: [],
              maskPositions: [],
              truncatedTokens: r.truncatedTokens,
              ...(r.truncatedInputs ? { truncatedInputs: r.truncatedInputs } : {}),
              ...(r.droppedDemos ? { droppedDemos: r.droppedDemos } : {}),
            };
        this.held.set(key, stored);
        this.pipeline.cache.set(`${this.space}\u0001${key}`, stored);
        this.pending.delete(key);
      });
    }
    return !control.isCurrent || control.isCurrent();
  }

  /** The answer to a prompt, its mask scores in the plan's own token columns. */
  private view(key: string, cols: number[] | null): PromptScores {
    const r = this.held.get(key);
    if (!r) throw new Error('ScoringPass: a result was read before the pass ran.');
    if (cols === null) return r;
    return {
      ...r,
      masks: r.masks.map((m) => ({
        probs: cols.map((c) => m.probs[c]!),
        logits: cols.map((c) => m.logits[c]!),
        top: m.top,
        ...(m.hidden ? { hidden: m.hidden } : {}),
      })),
    };
  }

  /** Re-scores one input for template `t` from the answers (pure; no model call). */
  result(job: PassJob, t: number): ScoredPrompt {
    const plan = job.plans[t]!;
    const cols = this.columns[t] ?? null;
    const results: (PromptScores | undefined)[] = plan.keys.map(() => undefined);
    for (const i of requiredPrompts(plan, this.options)) results[i] = this.view(plan.keys[i]!, cols);
    const mainIndex = plan.inputPrompt[1]!;
    return {
      scores: scoreLabels(plan, results, this.options),
      prompt: plan.prompts[mainIndex]!,
      main: results[mainIndex]!,
    };
  }
}

/** A mask's scores without its hidden vector (passes that do not keep it). */
function withoutHidden(m: MaskScores): MaskScores {
  if (!m.hidden) return m;
  const { hidden: _, ...rest } = m;
  return rest;
}
