// Shared shapes between the prompt engine (src/core) and the model runtime (src/runtime).
// The engine renders prompts into parts; the runtime tokenizes the parts, truncates only
// input parts, runs the model and returns probabilities for the token ids the engine asked for.

/** A span of characters in some source text, [start, end). */
export interface Span {
  start: number;
  end: number;
}

/**
 * One piece of a rendered prompt. `template` text is never cut; `input` text may be shortened
 * from its end when the prompt is longer than the model allows; `mask` stands for `count`
 * consecutive mask tokens (one per sub-token of the label word being scored). Only `mask` parts
 * are read: the runtime reports scores at their positions and nowhere else.
 *
 * A mask token typed into an input ("[MASK]", "<mask>") is read by the runtime as the unknown
 * token, so it can't pose as an answer slot. `contentFree` exempts an input from that: it marks the
 * content-free inputs of contextual calibration ("N/A", "", the mask token — Zhao et al. 2021),
 * whose third input *is* the mask token. Only the scoring plan sets it (planScoring's content-free
 * prompts); text from a user, a link or a file is rendered without it.
 *
 * `occlusion` marks an input part whose text is the model's mask token standing in for one word of
 * the input (word attribution with "replace by the mask token", core/attribution): the runtime keeps
 * that mask token too. Only the attribution planner sets it, on a part of its own holding nothing
 * but the mask token, so a mask token typed elsewhere in the same input is still read as unknown.
 * Like every input mask token it is never read: scores come only from `mask` parts.
 */
export type PromptPart =
  | { kind: 'template'; text: string; demo?: number }
  | { kind: 'input'; slot: string; text: string; contentFree?: boolean; occlusion?: boolean; demo?: number }
  | { kind: 'mask'; count: number }
  | { kind: 'separator'; demo?: number };

/*
 * Demonstrations (LM-BFF, few-shot): a prompt may carry filled-in training examples after the
 * query — `query parts, separator, demo 1's parts, separator, demo 2's parts, …`. Every part of
 * demonstration n (its separator included) has `demo: n` (1-based). `separator` is the model's own
 * separator token ([SEP] for BERT, </s> for RoBERTa). When such a prompt is longer than the model
 * allows, the runtime drops whole demonstrations first (the last one first) and reports how many
 * in `PromptScores.droppedDemos`; only when the query alone is still too long are its inputs cut.
 * Parts without `demo` are the query: [Z] is always in it.
 */

/** A filled template, ready for the runtime. */
export interface RenderedPrompt {
  parts: PromptPart[];
}

/** How the active tokenizer treats word boundaries; decides which form of a label word is used. */
export type TokenizerKind = 'wordpiece' | 'bpe' | 'sentencepiece' | 'other';

/** A label word as the model's tokenizer sees it. */
export interface WordTokenization {
  /** The exact text that was tokenized (e.g. " great" for a byte-level BPE model). */
  text: string;
  ids: number[];
  /** Token strings as in the vocabulary (e.g. "Ġgreat", "##ness"). */
  pieces: string[];
  /** True if any id is the tokenizer's unknown token. */
  hasUnknown: boolean;
}

/** What the runtime knows about a loaded model that the engine needs. */
export interface ModelFacts {
  maskToken: string;
  maskTokenId: number;
  unkTokenId: number | null;
  vocabSize: number;
  tokenizerKind: TokenizerKind;
  /** Longest sequence the model accepts, special tokens included. */
  maxLength: number;
}

/** Scores at one mask position. Arrays are aligned with the request's `tokenIds`. */
export interface MaskScores {
  /** Softmax over the full vocabulary, read at the requested ids. */
  probs: number[];
  /** Raw logits at the requested ids (PET's aggregation uses these). */
  logits: number[];
  /** Most likely tokens over the whole vocabulary (only filled when the request asked for topK > 0). */
  top: { id: number; token: string; prob: number }[];
  /**
   * The vocabulary projection's input at this mask row (length = hidden size): logits = hidden · W + b.
   * Only when the request asked for `hidden` and the model has it (`EngineInfo.hiddenAtMask`).
   * Few-shot verbalizer tuning learns label vectors on it; the language model stays frozen.
   */
  hidden?: Float32Array;
}

/**
 * How much of one input the runtime cut so that a prompt fits the model's maximum length. Only
 * inputs are ever cut (from their end, the longest first); template text, [Z]'s masks and special
 * tokens never are — a prompt whose template alone is too long fails with an error instead.
 */
export interface InputTruncation {
  /** The template slot whose text was shortened ('X', 'X1', …). */
  slot: string;
  /** Tokens removed from the end of its text. */
  dropped: number;
  /** Tokens of it the model read. */
  kept: number;
}

/** One input part of a prompt whose inputs were cut: how much of its text the model read. */
export interface InputPartRead {
  /** Characters of the part's text (as in the rendered prompt) the model read, from its start. */
  chars: number;
  /** Tokens of the part the model did not read (0 when it read all of it). */
  dropped: number;
}

/** The runtime's answer for one rendered prompt. */
export interface PromptScores {
  /** One entry per mask token, left to right. */
  masks: MaskScores[];
  /** Model tokens of the prompt as run (special tokens included), for display. */
  tokens: string[];
  /** Index into `tokens` of each mask token. */
  maskPositions: number[];
  /** Number of input tokens removed to fit maxLength (0 if none). */
  truncatedTokens: number;
  /** Which inputs those tokens came from (only when some were removed). */
  truncatedInputs?: InputTruncation[];
  /** Per input part, in prompt order, how much of it the model read (only when some were cut). */
  inputsRead?: InputPartRead[];
  /** Demonstrations left out so that the prompt fits the model (only when some were). */
  droppedDemos?: number;
}
