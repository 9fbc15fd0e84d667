// Load phase 3: what the tokenizer tells about the model — its mask token, vocabulary, the special
// tokens around a sequence, its kind (WordPiece / BPE / SentencePiece), how its mask token treats
// neighbouring spaces, and the longest sequence the model accepts.

import type { TokenizerKind } from '../../core/types.ts';
import { RuntimeError } from '../errors.ts';
import type { HfConfig, HfTokenizer } from '../hf-shapes.ts';
import type { BoundaryRules } from '../prompt-assembly.ts';

/** Models whose position ids start after the padding index (max_position_embeddings - pad - 1 usable). */
const PADDING_OFFSET_MODEL_TYPES = new Set([
  'roberta',
  'xlm-roberta',
  'xlm-roberta-xl',
  'camembert',
  'data2vec-text',
  'longformer',
  'roberta-prelayernorm',
  'ibert',
  'mpnet',
  'esm',
]);

export interface MaskToken {
  maskToken: string;
  maskTokenId: number;
}

/** The mask token, or 'not-masked-lm' when the tokenizer has none. */
export function requireMaskToken(tokenizer: HfTokenizer): MaskToken {
  const maskToken = tokenizer.mask_token ?? null;
  const maskTokenId = tokenizer.mask_token_id;
  if (!maskToken || typeof maskTokenId !== 'number') {
    throw new RuntimeError(
      'not-masked-lm',
      "This model's tokenizer has no mask token, so it is not a masked language model. Choose a BERT/RoBERTa-style fill-mask model.",
      `mask_token = ${String(maskToken)}, mask_token_id = ${String(maskTokenId)}`,
    );
  }
  return { maskToken, maskTokenId };
}

export interface TokenizerFacts {
  /** id → token string ('' for unused ids). */
  idToToken: string[];
  /** Special tokens as the post-processor adds them around a single sequence. */
  prefixIds: number[];
  suffixIds: number[];
  /** The model's separator token ([SEP], </s>): what a prompt's `separator` part becomes (null: none). */
  separatorId: number | null;
  tokenizerKind: TokenizerKind;
  rules: BoundaryRules;
  maxLength: number;
  unkTokenId: number | null;
  padId: number;
}

export function inspectTokenizer(tokenizer: HfTokenizer, config: HfConfig, mask: MaskToken): TokenizerFacts {
  const idToToken = vocabularyOf(tokenizer);
  const { prefixIds, suffixIds } = specialTokensAround(tokenizer);
  const json = tokenizer._tokenizerJSON;
  const tokenizerKind = detectTokenizerKind(json, idToToken);
  const flags = addedTokenFlags(json, mask.maskToken) ?? { lstrip: tokenizerKind === 'bpe', rstrip: false };
  return {
    idToToken,
    prefixIds,
    suffixIds,
    separatorId: separatorTokenId(tokenizer, suffixIds, idToToken.length),
    tokenizerKind,
    rules: { maskLstrip: flags.lstrip, maskRstrip: flags.rstrip, moveTrailingSpace: true },
    maxLength: maxSequenceLength(config, tokenizer),
    unkTokenId: typeof tokenizer.unk_token_id === 'number' ? tokenizer.unk_token_id : null,
    padId: typeof tokenizer.pad_token_id === 'number' ? tokenizer.pad_token_id : 0,
  };
}

/** id → token string. */
export function vocabularyOf(tokenizer: Pick<HfTokenizer, 'get_vocab'>): string[] {
  const vocabRaw = tokenizer.get_vocab();
  const entries: [string, number][] = vocabRaw instanceof Map ? [...vocabRaw.entries()] : Object.entries(vocabRaw);
  let maxId = -1;
  for (const [, id] of entries) if (id > maxId) maxId = id;
  const idToToken: string[] = new Array<string>(maxId + 1).fill('');
  for (const [tok, id] of entries) if (id >= 0) idToToken[id] = tok;
  return idToToken;
}

/** The special tokens before and after a single sequence, found by encoding a probe with and without them. */
export function specialTokensAround(tokenizer: Pick<HfTokenizer, 'encode'>): {
  prefixIds: number[];
  suffixIds: number[];
} {
  const probe = 'a';
  const withSpecial = tokenizer.encode(probe, { add_special_tokens: true });
  const without = tokenizer.encode(probe, { add_special_tokens: false });
  const at = without.length > 0 ? indexOfSeq(withSpecial, without) : -1;
  if (at >= 0) return { prefixIds: withSpecial.slice(0, at), suffixIds: withSpecial.slice(at + without.length) };
  const empty = tokenizer.encode('', { add_special_tokens: true });
  return { prefixIds: empty.slice(0, 1), suffixIds: empty.slice(1) };
}

/**
 * The separator token between demonstrations: the tokenizer's own `sep_token` ([SEP] for BERT,
 * </s> for RoBERTa), else the token that closes a single sequence (the last suffix id), else none.
 */
export function separatorTokenId(
  tokenizer: Pick<HfTokenizer, 'sep_token_id'>,
  suffixIds: readonly number[],
  vocabSize: number,
): number | null {
  const sep = tokenizer.sep_token_id;
  if (typeof sep === 'number' && Number.isInteger(sep) && sep >= 0 && sep < vocabSize) return sep;
  return suffixIds[suffixIds.length - 1] ?? null;
}

/** Finds where `inner` occurs in `outer` (first match), or -1. */
function indexOfSeq(outer: readonly number[], inner: readonly number[]): number {
  outer: for (let i = 0; i + inner.length <= outer.length; i++) {
    for (let j = 0; j < inner.length; j++) if (outer[i + j] !== inner[j]) continue outer;
    return i;
  }
  return -1;
}

/** Longest sequence: position embeddings (minus RoBERTa's padding offset), capped by the tokenizer. */
export function maxSequenceLength(config: HfConfig, tokenizer: Pick<HfTokenizer, 'model_max_length'>): number {
  let maxLength = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : 512;
  if (config.model_type && PADDING_OFFSET_MODEL_TYPES.has(config.model_type)) {
    maxLength -= (typeof config.pad_token_id === 'number' ? config.pad_token_id : 1) + 1;
  }
  const rawTokMax: unknown = tokenizer.model_max_length; // from tokenizer_config.json: may be missing
  const tokMax = Number(rawTokMax);
  if (Number.isFinite(tokMax) && tokMax > 0 && tokMax < 1e7) maxLength = Math.min(maxLength, tokMax);
  return maxLength;
}

export function detectTokenizerKind(
  json: Record<string, unknown> | undefined,
  vocab: readonly string[],
): TokenizerKind {
  const model = (json?.model ?? {}) as { type?: string };
  const types = new Set<string>();
  const collect = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; pretokenizers?: unknown[]; decoders?: unknown[]; normalizers?: unknown[] };
    if (typeof n.type === 'string') types.add(n.type);
    for (const child of [...(n.pretokenizers ?? []), ...(n.decoders ?? []), ...(n.normalizers ?? [])]) collect(child);
  };
  collect(json?.pre_tokenizer);
  collect(json?.decoder);
  collect(json?.normalizer);
  switch (model.type) {
    case 'WordPiece':
      return 'wordpiece';
    case 'Unigram':
      return 'sentencepiece';
    case 'BPE':
      if (types.has('ByteLevel')) return 'bpe';
      if (types.has('Metaspace') || types.has('ByteFallback')) return 'sentencepiece';
      return 'other';
  }
  // No tokenizer.json model info: guess from the vocabulary's word-boundary markers.
  let hashes = 0;
  let gs = 0;
  let sp = 0;
  for (const t of vocab) {
    if (!t) continue;
    if (t.startsWith('##')) hashes++;
    else if (t.startsWith('Ġ')) gs++;
    else if (t.startsWith('▁')) sp++;
  }
  const max = Math.max(hashes, gs, sp);
  if (max === 0) return 'other';
  return max === hashes ? 'wordpiece' : max === gs ? 'bpe' : 'sentencepiece';
}

/** The lstrip/rstrip flags of an added token (e.g. RoBERTa's `<mask>`), or null when not listed. */
export function addedTokenFlags(
  json: Record<string, unknown> | undefined,
  content: string,
): { lstrip: boolean; rstrip: boolean } | null {
  const added = json?.added_tokens;
  if (!Array.isArray(added)) return null;
  for (const t of added as { content?: string; lstrip?: boolean; rstrip?: boolean }[]) {
    if (t.content === content) return { lstrip: !!t.lstrip, rstrip: !!t.rstrip };
  }
  return null;
}
