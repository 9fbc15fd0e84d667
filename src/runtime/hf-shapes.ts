// The minimal shapes of the Transformers.js objects the runtime uses (its .d.ts types are loose).

export interface HfEncoding {
  ids: number[];
  tokens: string[];
}
export interface HfInnerTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): HfEncoding;
}
export interface HfTokenizer {
  mask_token?: string | null;
  mask_token_id?: number | null;
  unk_token_id?: number | null;
  sep_token_id?: number | null;
  pad_token_id?: number | null;
  readonly model_max_length: number;
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  get_vocab(): Map<string, number> | Record<string, number>;
  _tokenizer?: HfInnerTokenizer;
  _tokenizerJSON?: Record<string, unknown>;
}
export interface HfConfig {
  model_type?: string;
  architectures?: string[] | null;
  vocab_size?: number;
  max_position_embeddings?: number;
  pad_token_id?: number | null;
}
export interface HfTensor {
  type: string;
  dims: number[];
  data: ArrayLike<number>;
  to?(type: string): HfTensor;
  dispose?(): void;
}
export interface HfSession {
  inputNames: string[];
  outputNames: string[];
}
export interface HfModel {
  (inputs: Record<string, unknown>): Promise<{ logits?: HfTensor }>;
  sessions: Record<string, HfSession>;
  dispose(): Promise<unknown>;
}
