// The model graphs the benchmark runs through raw ONNX Runtime (the ceilings and levers), made
// from the file's bytes the way ClozeLab makes them at load time:
//  - 'plain':       the file as it is (full [B, S, V] logits, per-tensor dynamic quantization);
//  - 'rows':        what ClozeLab runs: mask rows only (mask-rows.ts) + per-row activation
//                   quantization (row-quant.ts; q8 only — fp32 has none);
//  - 'rows-tensor': mask rows only with the file's per-tensor quantization (ClozeLab before
//                   per-row quantization: batch-dependent q8 scores);
//  - 'rows-rq-<variant>': mask rows + another row-quant.ts variant (measurements).
import { rewriteForMaskRows } from '../../src/runtime/mask-rows.ts';
import { rewriteForRowQuant, type RowQuantVariant } from '../../src/runtime/row-quant.ts';

export type GraphVariant = 'plain' | 'rows' | 'rows-tensor' | `rows-rq-${RowQuantVariant}`;

export function graphBytes(bytes: Uint8Array, variant: GraphVariant): Uint8Array {
  if (variant === 'plain') return bytes;
  const rows = rewriteForMaskRows(bytes);
  if (!rows.ok) throw new Error(rows.reason);
  if (variant === 'rows-tensor') return rows.bytes;
  const rq = rewriteForRowQuant(rows.bytes, {
    ...(variant.startsWith('rows-rq-') ? { variant: variant.slice('rows-rq-'.length) as RowQuantVariant } : {}),
  });
  if (!rq.ok) throw new Error(rq.reason);
  return rq.bytes;
}
