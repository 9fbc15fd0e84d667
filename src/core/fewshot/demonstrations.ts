// LM-BFF demonstrations (Gao et al. 2021): after the query, one training example per label, each
// filled in with its label word — `query, sep, demo 1, sep, demo 2, …` (the paper's
// `*cls**sent_0*_It_was*mask*.*sep+*` + `*sent_1*_It_was*label_1*.*sep+*` …).
//
//   demoWords         the label word each demonstration shows: the label's first word exactly as
//                     bound for this model (a byte-level BPE word after a space is " great")
//   renderDemo        a training example through the demonstration template, [Z] → that word
//   withDemos         a prompt with demonstrations appended (every demo part carries `demo: n`)
//   demoPlanTransform every prompt of an input's scoring plan gets the same demonstrations (the
//                     k-mask prompts of multi-token words too); keys follow the new prompts
//   selectDemos       which training example shows each label: 'random' (seeded by seed, K and
//                     the query) or 'similar' (LM-BFF's demo_filter: a uniform draw from the half
//                     of the label's examples whose [Z] hidden vectors are closest, by cosine, to
//                     the query's). A training example is never its own demonstration.

import type { PromptPart, RenderedPrompt } from '../types.ts';
import { prepareInput, promptKey, type Template } from '../template.ts';
import type { ResolvedWord } from '../label-words.ts';
import type { ScoringPlan } from '../scoring-plan.ts';
import type { PlanTransform } from '../pipeline.ts';
import { seededRandom } from '../evaluation.ts';

/** Per label (in `labels` order): the text its demonstrations put at [Z]. */
export function demoWords(labels: readonly string[], words: readonly ResolvedWord[]): string[] {
  return labels.map((label) => {
    const own = words.filter((w) => w.label === label);
    // The first word the model can read; a label without one shows its first word as written.
    const usable = own.find((w) => w.status === 'single' || w.status === 'multi');
    if (usable) return usable.form.text;
    return own[0]?.word ?? label;
  });
}

const TRAILING_WS = /\s+$/u;

/**
 * One training example through the demonstration template, with [Z] replaced by `word` (its own
 * part, so that it is tokenized exactly as bound). A word bound with its leading space (" great")
 * brings its own space: the template's space before [Z] is dropped so that it isn't doubled.
 */
export function renderDemo(template: Template, inputs: Readonly<Record<string, string>>, word: string): PromptPart[] {
  const parts: PromptPart[] = [];
  let wordPart: PromptPart | null = null;
  for (const node of template.nodes) {
    if (node.kind === 'text') {
      const last = parts[parts.length - 1];
      if (last?.kind === 'template' && last !== wordPart) last.text += node.text;
      else parts.push({ kind: 'template', text: node.text });
    } else if (node.kind === 'input') {
      parts.push({ kind: 'input', slot: node.slot, text: prepareInput(inputs[node.slot] ?? '', node.modifiers) });
    } else {
      const last = parts[parts.length - 1];
      if (/^\s/u.test(word) && last?.kind === 'template') {
        last.text = last.text.replace(TRAILING_WS, '');
        if (last.text === '') parts.pop();
      }
      wordPart = { kind: 'template', text: word };
      parts.push(wordPart);
    }
  }
  return parts;
}

/** `prompt` followed by each demonstration: `separator, parts…`, all marked with `demo: n` (1-based). */
export function withDemos(prompt: RenderedPrompt, demos: readonly (readonly PromptPart[])[]): RenderedPrompt {
  const parts: PromptPart[] = prompt.parts.map((p) => ({ ...p }));
  demos.forEach((demo, i) => {
    const n = i + 1;
    parts.push({ kind: 'separator', demo: n });
    for (const p of demo) {
      if (p.kind === 'mask') throw new Error('withDemos: a demonstration has no mask');
      parts.push({ ...p, demo: n });
    }
  });
  return { parts };
}

/** A plan transform that appends the same demonstrations to every prompt of the plan. */
export function demoPlanTransform(demos: readonly (readonly PromptPart[])[]): PlanTransform {
  return (plan: ScoringPlan): ScoringPlan => {
    const prompts = plan.prompts.map((p) => withDemos(p, demos));
    const keys = prompts.map(promptKey);
    return {
      ...plan,
      prompts,
      keys,
      info: plan.info.map((info, i) => ({ ...info, prompt: prompts[i]!, key: keys[i]!, uses: [...info.uses] })),
    };
  };
}

/** FNV-1a of a few integers: the random draw of one query's demonstrations. */
function mix(values: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    let x = v >>> 0;
    for (let b = 0; b < 4; b++) {
      h ^= x & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
      x >>>= 8;
    }
  }
  return h >>> 0;
}

/** The vector scaled to length 1 (all zeros stays all zeros). */
export function unitVector(a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    out[i] = a[i]!;
    norm += out[i]! * out[i]!;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * inv;
  }
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

export interface DemoSelection {
  /** Training examples by label: `byLabel[l]` = the ids of label l's training examples (draw order). */
  byLabel: readonly (readonly number[])[];
  seed: number;
  k: number;
  /** The query's id (seeds its draw; a run numbers test-file examples after the pool's). */
  query: number;
  /** The query's own training id, if it is a training example: never its own demonstration. */
  self?: number | null;
  selection: 'random' | 'similar';
  /** 'similar': cosine of the query's and the training example's [Z] hidden vectors. */
  similarity?: (train: number) => number;
}

/**
 * One training example per label (label order), or none for a label whose only training example
 * is the query itself. 'similar' keeps the closest half (at least one) of each label's examples,
 * ties in draw order, then draws uniformly from it.
 */
export function selectDemos(s: DemoSelection): (number | null)[] {
  const random = seededRandom(mix([s.seed, s.k, s.query]));
  return s.byLabel.map((ids) => {
    let candidates = ids.filter((id) => id !== s.self);
    if (candidates.length === 0) return null;
    if (s.selection === 'similar' && s.similarity) {
      const sim = s.similarity;
      const scored = candidates.map((id, order) => ({ id, order, score: sim(id) }));
      scored.sort((a, b) => b.score - a.score || a.order - b.order);
      candidates = scored.slice(0, Math.max(1, Math.ceil(scored.length / 2))).map((x) => x.id);
    }
    return candidates[Math.floor(random() * candidates.length)]!;
  });
}
