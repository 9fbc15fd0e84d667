// Runs the masked LM for one padded batch, on one of two paths:
//  - fast: the session was rewritten by mask-rows.ts; the engine feeds ORT tensors itself, with the
//    flat indices of the mask rows, and gets logits [N, V] for exactly those rows;
//  - plain: Transformers.js's model() and its logits [B, S, V].
// Either way the caller reads mask row k at offset(k) · V. On the fast path the hidden vectors at
// the mask rows (the projection's input, mask-rows.ts MASK_HIDDEN_OUTPUT) can be fetched too;
// ORT returns only the outputs asked for, so scoring without them copies nothing more. Runs are serialised (one at a time per
// engine): ORT-web sessions must not run concurrently, and lanes may overlap in the worker.

import { Tensor } from '@huggingface/transformers';
import { packBatch, type PackedBatch } from './batching.ts';
import { RuntimeError } from './errors.ts';
import { MASK_HIDDEN_OUTPUT, MASK_ROWS_INPUT } from './mask-rows.ts';
import type { OrtModuleLike, OrtSessionLike, OrtTensorLike } from './ort-backend.ts';

export interface LogitsLike {
  type: string;
  dims: readonly number[];
  data: ArrayLike<number>;
  to?(type: string): LogitsLike;
  dispose?(): void;
}

export type PlainModel = (inputs: Record<string, unknown>) => Promise<{ logits?: LogitsLike }>;

export interface BatchOutput {
  /** Float32 logits; mask row k starts at offsetOf(k) · vocab. */
  data: ArrayLike<number>;
  vocab: number;
  dims: readonly number[];
  offsetOf(k: number): number;
  /** Float32 hidden vectors at the mask rows, row k at k · size (only when asked for and the model has them). */
  hidden?: { data: Float32Array; size: number };
  dispose(): void;
}

export interface RunOptions {
  /** Also fetch the hidden vectors at the mask rows (ignored where `hiddenAtMask` is false). */
  hidden?: boolean;
}

/** A padded batch [size, length] and the flat indices (row · length + position) of the mask rows to read. */
export type RunnerBatch = Pick<PackedBatch, 'inputIds' | 'attention' | 'size' | 'length' | 'rows'>;

/** Inputs the fast path can fill in itself. */
export const FAST_PATH_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids', MASK_ROWS_INPUT] as const;

export class ModelRunner {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly plain: PlainModel,
    private readonly fast: { ort: OrtModuleLike; session: OrtSessionLike } | null,
  ) {}

  /** True when only the mask rows go through the vocabulary projection. */
  get maskRowsOnly(): boolean {
    return this.fast !== null;
  }

  /** True when a run can return the hidden vectors at the mask rows (the rewritten graph has them). */
  get hiddenAtMask(): boolean {
    return this.fast?.session.outputNames.includes(MASK_HIDDEN_OUTPUT) === true;
  }

  /** Resolves once every run started so far has finished (before the model is disposed). */
  idle(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  /** Runs `fn` after every earlier run of this runner has finished. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** One forward pass over a padded batch; its `rows` are the mask positions to read. */
  run(batch: RunnerBatch, options: RunOptions = {}): Promise<BatchOutput> {
    const hidden = options.hidden === true && this.hiddenAtMask;
    return this.exclusive(() => (this.fast ? this.runFast(this.fast, batch, hidden) : this.runPlain(batch)));
  }

  private async runFast(
    fast: { ort: OrtModuleLike; session: OrtSessionLike },
    { inputIds, attention, size: b, length: len, rows }: RunnerBatch,
    withHidden: boolean,
  ): Promise<BatchOutput> {
    const { ort, session } = fast;
    // An empty gather would give an empty output; ask for row 0 and ignore it.
    const rowIds = BigInt64Array.from((rows.length ? rows : [0]).map((r) => BigInt(r)));
    const feeds: Record<string, OrtTensorLike> = {
      input_ids: new ort.Tensor('int64', inputIds, [b, len]),
      attention_mask: new ort.Tensor('int64', attention, [b, len]),
      [MASK_ROWS_INPUT]: new ort.Tensor('int64', rowIds, [rowIds.length]),
    };
    if (session.inputNames.includes('token_type_ids'))
      feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(b * len), [b, len]);
    const out = await session.run(feeds, withHidden ? ['logits', MASK_HIDDEN_OUTPUT] : ['logits']);
    let logits = out.logits as unknown as LogitsLike | undefined;
    const hiddenTensor = withHidden ? out[MASK_HIDDEN_OUTPUT] : undefined;
    for (const [name, t] of Object.entries(out)) if (name !== 'logits' && t !== hiddenTensor) t.dispose?.();
    if (!logits) {
      hiddenTensor?.dispose?.();
      throw new RuntimeError('not-masked-lm', 'The model returned no logits.');
    }
    let hidden: BatchOutput['hidden'];
    if (hiddenTensor) {
      // Cast to float32 in the graph; the caller copies the rows it keeps before dispose().
      const data = hiddenTensor.data;
      if (hiddenTensor.type !== 'float32' || !(data instanceof Float32Array) || hiddenTensor.dims.length !== 2) {
        hiddenTensor.dispose?.();
        logits.dispose?.();
        throw new RuntimeError(
          'not-masked-lm',
          `The model's hidden output has an unexpected shape [${hiddenTensor.dims.join(', ')}] or type ${hiddenTensor.type}.`,
        );
      }
      hidden = { data, size: hiddenTensor.dims[1] ?? 0 };
    }
    if (logits.type === 'float16') {
      const wrapped = new Tensor(logits as never) as unknown as LogitsLike;
      const converted = wrapped.to?.('float32');
      if (converted) {
        logits.dispose?.();
        logits = converted;
      }
    }
    const final = logits;
    const vocab = final.dims[final.dims.length - 1] ?? 0;
    return {
      data: final.data,
      vocab,
      dims: final.dims,
      offsetOf: (k) => k,
      ...(hidden ? { hidden } : {}),
      dispose: () => {
        final.dispose?.();
        hiddenTensor?.dispose?.();
      },
    };
  }

  private async runPlain({ inputIds, attention, size: b, length: len, rows }: RunnerBatch): Promise<BatchOutput> {
    const out = await this.plain({
      input_ids: new Tensor('int64', inputIds, [b, len]),
      attention_mask: new Tensor('int64', attention, [b, len]),
    });
    let logits = out.logits;
    if (!logits) throw new RuntimeError('not-masked-lm', 'The model returned no logits.');
    if (logits.type === 'float16' && typeof logits.to === 'function') logits = logits.to('float32');
    const final = logits;
    const vocab = final.dims[2] ?? 0;
    return {
      data: final.data,
      vocab,
      dims: final.dims,
      offsetOf: (k) => rows[k] as number,
      dispose: () => final.dispose?.(),
    };
  }
}

/** One prompt, one mask: runs it alone and returns the output's dims and a copy of the mask's logits row. */
export async function runSingle(
  runner: ModelRunner,
  ids: readonly number[],
  maskAt: number,
): Promise<{ dims: number[]; row: Float32Array }> {
  const out = await runner.run(packBatch([{ ids, maskPositions: [maskAt] }], 0));
  try {
    const start = out.offsetOf(0) * out.vocab;
    const row = new Float32Array(out.vocab);
    for (let v = 0; v < out.vocab; v++) row[v] = out.data[start + v] as number;
    return { dims: [...out.dims], row };
  } finally {
    out.dispose();
  }
}
