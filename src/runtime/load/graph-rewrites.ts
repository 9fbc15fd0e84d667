// The load-time graph rewrites, applied as ONNX Runtime receives the model file: the vocabulary
// projection only at mask rows (mask-rows.ts), then per-row activation quantization (row-quant.ts).
// Both work in place on the file's bytes, which are restored once ORT has read them. This module
// decides which rewrites run and remembers what they found, for EngineInfo.

import { rewriteForMaskRows } from '../mask-rows.ts';
import { rewriteForRowQuant } from '../row-quant.ts';
import { HOOK_KEY, installCreateHook, loadOrt, type ModelTransformHook, type OrtModuleLike } from '../ort-backend.ts';
import { FAST_PATH_INPUTS } from '../runner.ts';

/** What the row-quant rewrite found: quantizers made per-row, or why none were (null: not run yet). */
export type RowQuantFinding = { quantizers: number } | { reason: string } | null;

export interface RewriteWishes {
  maskRows: boolean;
  rowQuant: boolean;
}

/** One model file through the wanted rewrites: the new bytes (null when unchanged) and what each found. */
export function rewriteModelBytes(
  bytes: Uint8Array,
  want: RewriteWishes,
): {
  result: { bytes: Uint8Array; restore: () => void } | null;
  /** Why the mask-rows rewrite did not apply (undefined when it did or was not wanted). */
  headNote: string | undefined;
  rowQuant: RowQuantFinding;
  /** Ops before the vocabulary projection that run on the mask rows only (0: none). */
  rowLocalOps: number;
} {
  let current = bytes;
  const restores: (() => void)[] = [];
  const undo = (): void => {
    restores.reverse().forEach((restore) => restore());
    restores.length = 0;
    current = bytes;
  };
  let headNote: string | undefined;
  let rowQuant: RowQuantFinding = null;
  let rowLocalOps = 0;
  const maskRows = (quantizers: boolean): number => {
    rowLocalOps = 0;
    // The row-local tail may contain quantizers only when they are made per-row next.
    const rewritten = rewriteForMaskRows(current, {
      allowedInputs: FAST_PATH_INPUTS,
      inPlace: true,
      gatherEarly: { quantizers },
    });
    headNote = rewritten.ok ? undefined : `full head: ${rewritten.reason}`;
    if (!rewritten.ok) return 0;
    current = rewritten.bytes;
    if (rewritten.restore) restores.push(rewritten.restore);
    rowLocalOps = rewritten.rowLocalNodes;
    return rewritten.rowLocalQuantizers;
  };
  const tailQuantizers = want.maskRows ? maskRows(want.rowQuant) : 0;
  if (want.rowQuant) {
    let rq = rewriteForRowQuant(current, { inPlace: true });
    if (!rq.ok && tailQuantizers > 0) {
      // Per-tensor quantizers stay: they must see every row, so gather at the projection again.
      undo();
      maskRows(false);
      rq = rewriteForRowQuant(current, { inPlace: true });
    }
    rowQuant = rq.ok ? { quantizers: rq.quantizers } : { reason: rq.reason };
    if (rq.ok && rq.quantizers > 0) {
      current = rq.bytes;
      if (rq.restore) restores.push(rq.restore);
    }
  }
  const result = current === bytes ? null : { bytes: current, restore: undo };
  return { result, headNote, rowQuant, rowLocalOps };
}

/** The rewrites of one load: the session options that apply them, and what they found so far. */
export class GraphRewrites {
  /** Why the full head is used (undefined while the mask-rows head is expected). */
  headNote: string | undefined;
  rowQuant: RowQuantFinding = null;
  /** Ops before the vocabulary projection that run on the mask rows only. */
  rowLocalOps = 0;
  private readonly hook: ModelTransformHook;

  constructor(
    private readonly want: RewriteWishes,
    /** ORT itself; null where there is no direct access (then nothing is rewritten). */
    readonly ort: OrtModuleLike | null,
  ) {
    this.headNote = !want.maskRows
      ? 'full head (mask rows only was switched off)'
      : ort
        ? undefined
        : 'full head (no direct ONNX Runtime access)';
    this.hook = {
      transform: (bytes) => {
        const done = rewriteModelBytes(bytes, this.want);
        if (this.want.maskRows) this.headNote = done.headNote;
        if (this.want.rowQuant) this.rowQuant = done.rowQuant;
        this.rowLocalOps = done.rowLocalOps;
        return done.result;
      },
    };
  }

  /** Session options for Transformers.js that route the model file through the rewrites. */
  sessionOptions(): Record<string, unknown> | null {
    return this.ort ? { [HOOK_KEY]: this.hook } : null;
  }

  /** The rewritten model failed its check: the plain model is used, and this says why. */
  rejected(why: string): void {
    this.rowLocalOps = 0;
    this.headNote = `full head: the rewritten model failed its check (${why})`;
    if (this.rowQuant && 'quantizers' in this.rowQuant && this.rowQuant.quantizers > 0)
      this.rowQuant = { reason: `the rewritten model failed its check (${why})` };
  }

  /** What batch invariance depends on: the finding, or why row quantization never ran. */
  rowQuantOutcome(): RowQuantFinding | 'off' | 'no-ort' {
    return this.want.rowQuant ? (this.ort ? this.rowQuant : 'no-ort') : 'off';
  }
}

/** Gets ORT (when a rewrite is wanted) and installs the session hook the rewrites run in. */
export async function prepareGraphRewrites(want: RewriteWishes): Promise<GraphRewrites> {
  const ort = want.maskRows || want.rowQuant ? await loadOrt() : null;
  if (ort) installCreateHook(ort);
  return new GraphRewrites(want, ort);
}
