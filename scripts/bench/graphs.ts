// The model graphs the benchmark runs through raw ONNX Runtime (the ceilings and levers), made
// from the file's bytes the way ClozeLab makes them at load time:
//  - 'plain':       the file as it is (full [B, S, V] logits, per-tensor dynamic quantization);
//  - 'rows':        what ClozeLab runs: mask rows gathered where the row-local tail begins
//                   (mask-rows.ts, row-region.ts) + per-row activation quantization (row-quant.ts;
//                   q8 only — fp32 has none);
//  - 'rows-tensor': mask rows only at the projection, with the file's per-tensor quantization
//                   (ClozeLab before per-row quantization: batch-dependent q8 scores);
//  - 'rows-late':   per-row quantization with the rows gathered at the projection only (what
//                   per-row quantization costs on its own, without the row-local tail it allows);
//  - 'rows-rq-<variant>': 'rows' with another row-quant.ts variant (measurements).
import { rewriteForMaskRows } from '../../src/runtime/mask-rows.ts';
import { rewriteForRowQuant, type RowQuantVariant } from '../../src/runtime/row-quant.ts';

export type GraphVariant = 'plain' | 'rows' | 'rows-tensor' | 'rows-late' | `rows-rq-${RowQuantVariant}`;

export function graphBytes(bytes: Uint8Array, variant: GraphVariant): Uint8Array {
  if (variant === 'plain') return bytes;
  const early = variant !== 'rows-tensor' && variant !== 'rows-late';
  // The tail may include quantizers only where they are made per-row next.
  const rows = rewriteForMaskRows(bytes, early ? { gatherEarly: { quantizers: true } } : {});
  if (!rows.ok) throw new Error(rows.reason);
  if (variant === 'rows-tensor') return rows.bytes;
  const rq = rewriteForRowQuant(rows.bytes, {
    ...(variant.startsWith('rows-rq-') ? { variant: variant.slice('rows-rq-'.length) as RowQuantVariant } : {}),
  });
  if (!rq.ok) throw new Error(rq.reason);
  return rq.bytes;
}
