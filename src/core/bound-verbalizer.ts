// A verbalizer bound to a model and a template: its label words resolved to this model's token ids
// in the form the model sees them after this template's [Z] (OpenPrompt's verbalizer tied to the
// tokenizer). This is the one place that turns label words into token ids — live scoring, the
// verbalizer editor, evaluation, the template comparison and the CLI all bind through it.
//
// What a binding depends on:
//   the model       — its tokenizer (ids, unknown words, multi-token words) and tokenizer kind;
//   the template    — only whether [Z] follows a space (byte-level BPE and SentencePiece then
//                     tokenize " great", the form with the leading space);
//   the verbalizer  — its labels and words.
// Bindings are cached by exactly that key; tokenizations by (model, text).

import type { TokenizerKind, WordTokenization } from './types.ts';
import { Lru } from './lru.ts';
import { maskPrecededBySpace, parseTemplate, type Template, type TemplateError } from './template.ts';
import {
  isUsable,
  labelWordTexts,
  resolveFromTokenizations,
  type ResolutionIssue,
  type ResolvedWord,
} from './label-words.ts';
import type { Verbalizer } from './verbalizer.ts';

/** What binding needs from a model: its identity and its tokenizer. */
export interface WordTokenizer {
  /** The model's identity (id, dtype, device): tokenizations and bindings are cached per model. */
  key: string;
  tokenizerKind: TokenizerKind;
  /** Tokenizes each text exactly as given (no special tokens); results aligned with `texts`. */
  tokenizeWords(texts: string[]): Promise<WordTokenization[]>;
}

export interface BoundVerbalizer {
  /** (model, template context, verbalizer): equal keys, equal bindings. */
  key: string;
  modelKey: string;
  /** Whether [Z] follows a space in the template (decides the BPE / SentencePiece word form). */
  precededBySpace: boolean;
  verbalizer: Verbalizer;
  labels: string[];
  /** Every label word as this model tokenizes it after the template's [Z], in verbalizer order. */
  words: ResolvedWord[];
  /** Multi-token, unknown, empty and duplicate words, for messages. */
  issues: ResolutionIssue[];
  /** The usable words' token ids, de-duplicated, in order: what the runtime reads at each mask. */
  tokenIds: number[];
}

/** A template of the setup, parsed and with its bound label words (what evaluation runs). */
export interface PreparedTemplate {
  id: string;
  name: string;
  text: string;
  template: Template;
  /** The verbalizer's words as this model tokenizes them after this template's [Z]. */
  words: ResolvedWord[];
  issues: ResolutionIssue[];
}

/** A template that can't be evaluated, and why. */
export interface TemplateProblem {
  id: string;
  name: string;
  errors: TemplateError[];
}

/** The template context of a binding: a missing (invalid) template counts as "[Z] after a space". */
function contextOf(template: Template | null): boolean {
  return template ? maskPrecededBySpace(template) : true;
}

export function bindingKey(
  modelKey: string,
  tokenizerKind: TokenizerKind,
  precededBySpace: boolean,
  verbalizer: Verbalizer,
): string {
  return JSON.stringify([modelKey, tokenizerKind, precededBySpace, verbalizer.labels.map((l) => [l.label, l.words])]);
}

function usableIds(words: readonly ResolvedWord[]): number[] {
  const ids: number[] = [];
  const seen = new Set<number>();
  for (const w of words) {
    if (!isUsable(w)) continue;
    for (const id of w.form.ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      ids.push(id);
    }
  }
  return ids;
}

const BINDING_LIMIT = 64;
const TOKENIZATION_LIMIT = 20_000;

/** Binds verbalizers for one model; caches tokenizations and bindings. */
export class VerbalizerBinder {
  private readonly tokens = new Lru<string, WordTokenization>({ maxEntries: TOKENIZATION_LIMIT });
  private readonly bindings = new Lru<string, BoundVerbalizer>({ maxEntries: BINDING_LIMIT });

  constructor(readonly tokenizer: WordTokenizer) {}

  private formsFor(template: Template | null, verbalizer: Verbalizer) {
    const precededBySpace = contextOf(template);
    const texts = labelWordTexts(verbalizer, { tokenizerKind: this.tokenizer.tokenizerKind, precededBySpace });
    const key = bindingKey(this.tokenizer.key, this.tokenizer.tokenizerKind, precededBySpace, verbalizer);
    return { precededBySpace, texts, key };
  }

  private build(
    key: string,
    precededBySpace: boolean,
    tokenizations: WordTokenization[],
    verbalizer: Verbalizer,
  ): BoundVerbalizer {
    const resolution = resolveFromTokenizations(verbalizer, tokenizations);
    const bound: BoundVerbalizer = {
      key,
      modelKey: this.tokenizer.key,
      precededBySpace,
      verbalizer,
      labels: verbalizer.labels.map((l) => l.label),
      words: resolution.words,
      issues: resolution.issues,
      tokenIds: usableIds(resolution.words),
    };
    this.bindings.set(key, bound);
    return bound;
  }

  /** The binding if every word is already tokenized (synchronous; null otherwise). */
  peek(template: Template | null, verbalizer: Verbalizer): BoundVerbalizer | null {
    const { precededBySpace, texts, key } = this.formsFor(template, verbalizer);
    const hit = this.bindings.get(key);
    if (hit) return hit;
    if (!texts.every((t) => this.tokens.has(t))) return null;
    return this.build(
      key,
      precededBySpace,
      texts.map((t) => this.tokens.get(t)!),
      verbalizer,
    );
  }

  /** Binds several (template, verbalizer) pairs with at most one tokenizer request. */
  async bindMany(pairs: readonly { template: Template | null; verbalizer: Verbalizer }[]): Promise<BoundVerbalizer[]> {
    const forms = pairs.map((p) => this.formsFor(p.template, p.verbalizer));
    // This call's tokenizations are held here too: the LRU may evict some while a large call fills it.
    const known = new Map<string, WordTokenization>();
    const missing: string[] = [];
    for (const t of new Set(forms.flatMap((f) => f.texts))) {
      const hit = this.tokens.get(t);
      if (hit) known.set(t, hit);
      else missing.push(t);
    }
    if (missing.length > 0) {
      const tokenized = await this.tokenizer.tokenizeWords(missing);
      if (tokenized.length !== missing.length)
        throw new Error(`The tokenizer returned ${tokenized.length} results for ${missing.length} words.`);
      missing.forEach((t, i) => {
        known.set(t, tokenized[i]!);
        this.tokens.set(t, tokenized[i]!);
      });
    }
    return forms.map(
      (f, i) =>
        this.bindings.get(f.key) ??
        this.build(
          f.key,
          f.precededBySpace,
          f.texts.map((t) => known.get(t)!),
          pairs[i]!.verbalizer,
        ),
    );
  }

  async bind(template: Template | null, verbalizer: Verbalizer): Promise<BoundVerbalizer> {
    return (await this.bindMany([{ template, verbalizer }]))[0]!;
  }

  /**
   * Parses each template and binds the verbalizer to it. Invalid templates are reported, not
   * bound. One tokenizer request for all templates.
   */
  async bindTemplates(
    entries: readonly { id: string; name: string; text: string }[],
    verbalizer: Verbalizer,
  ): Promise<{ templates: PreparedTemplate[]; problems: TemplateProblem[] }> {
    const problems: TemplateProblem[] = [];
    const valid: { entry: (typeof entries)[number]; template: Template }[] = [];
    for (const entry of entries) {
      const parse = parseTemplate(entry.text);
      if (parse.ok) valid.push({ entry, template: parse.template });
      else problems.push({ id: entry.id, name: entry.name, errors: parse.errors });
    }
    const bound = await this.bindMany(valid.map((v) => ({ template: v.template, verbalizer })));
    const templates = valid.map(({ entry, template }, i) => ({
      id: entry.id,
      name: entry.name,
      text: entry.text,
      template,
      words: bound[i]!.words,
      issues: bound[i]!.issues,
    }));
    return { templates, problems };
  }
}
