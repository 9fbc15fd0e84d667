// Graph surgery for "mask rows only": rewrites a masked-LM ONNX model so that the vocabulary
// projection (the largest matrix of the model: hidden × vocab) runs only for the rows we read —
// the mask positions — instead of every position of every prompt.
//
//   before:  … → t [B, S, H] → (DynamicQuantizeLinear →) MatMul(·, W[H, V]) → (+bias) → logits [B, S, V]
//   after:   … → t [B, S, H] → Flatten(axis 2) → Gather(rows) → (DQL →) MatMul → (+bias) → logits [N, V]
//                                                    └→ Cast(float) → clozelab_mask_hidden [N, H]
//
// `rows` is a new int64 input [N] with flat indices (batch row × padded length + position). Every
// position still flows through the encoder's attention (it needs them all); the projection, the
// [B, S, V] output copy — and with `gatherEarly` the whole row-local tail before the projection
// (row-region.ts: the last layer after attention, the head's transform) — shrink to the N mask rows. fp32 results equal the plain model's at the
// mask rows (checked by tests/integration/perf-mask-rows.test.ts). For dynamically quantized (q8)
// models the gather comes before the projection's quantizer; the engine then makes every quantizer
// per-row (row-quant.ts), so gathering rows changes nothing there either.
//
// The gathered rows — the projection's float input, before any quantizer — are a second output
// (`clozelab_mask_hidden`): the hidden vector at each mask, logits = hidden · W + b. Few-shot
// verbalizer tuning learns label vectors on it. The runner fetches it only when asked.
//
// Pure bytes in, bytes out (onnx/): weights (initializers) are never decoded. With
// `inPlace` they are not even copied: the changed head and tail are written around them in the
// caller's buffer (and can be restored afterwards). No model runtime imports.

import { encodeField, encodeNode, encodeValueInfo, withInputs } from './onnx/message-encoders.ts';
import { elemTypeOf, nameOf, parseModel, type NodeInfo } from './onnx/model-reader.ts';
import { ProtoWriter } from './onnx/protobuf.ts';
import { inferRanks } from './onnx/ranks.ts';
import type { Field } from './onnx/protobuf.ts';
import { ELEM, GRAPH_INPUT, GRAPH_NODE, GRAPH_OUTPUT, VALUE_INFO_NAME } from './onnx/schema.ts';
import { writeGraph, type GraphEdit } from './onnx/write-graph.ts';
import { rowLocalRegion, type RowRegion } from './row-region.ts';

export const MASK_ROWS_INPUT = 'clozelab_mask_rows';
/** Output of the rewritten graph: the projection's input at the gathered rows, [N, H] float32. */
export const MASK_HIDDEN_OUTPUT = 'clozelab_mask_hidden';

/** Ops that may sit between the projection and the logits output (bias add, q8 rescale). */
const PASS_THROUGH_OPS = new Set(['Add', 'Mul', 'Cast', 'Identity', 'Sub', 'Div']);
/** Matrix products that can be the vocabulary projection (activation is input 0). */
const PROJECTION_OPS = new Set([
  'MatMul',
  'MatMulInteger',
  'FusedMatMul',
  'DynamicQuantizeMatMul',
  'MatMulIntegerToFloat',
  'MatMulNBits',
]);

export interface MaskRowsRewrite {
  ok: true;
  bytes: Uint8Array;
  /** Tensor whose rows are gathered (the projection's float input). */
  cut: string;
  /** Op type of the vocabulary projection ('MatMul', 'MatMulInteger', …). */
  projection: string;
  /**
   * The projection's weight initializer, when it is one (through a Transpose for tied embeddings:
   * `transposed`, the initializer is [V, H]); for q8 the quantized weight. Undefined when not found.
   */
  weight?: { initializer: string; transposed: boolean };
  /** The bias initializer added to the projection's output ([V]), when there is one. */
  bias?: string;
  /** True when the graph has the MASK_HIDDEN_OUTPUT output. */
  hiddenOutput: boolean;
  /** Nodes before the projection that run on the gathered rows only (0: gathered at the projection). */
  rowLocalNodes: number;
  /** Of those, dynamic quantizers (the caller must make them per-row: see `gatherEarly`). */
  rowLocalQuantizers: number;
  /** True when `bytes` is a view of the input buffer, rewritten in place (no copy of the weights). */
  inPlace: boolean;
  /** In-place only: puts the input buffer's original bytes back (once the bytes have been consumed). */
  restore?: () => void;
}

export interface MaskRowsUnsupported {
  ok: false;
  reason: string;
}

// ---- the rewrite -------------------------------------------------------------------------------

/**
 * Rewrites `model` (ONNX ModelProto bytes) so that output `logitsName` becomes [N, V] for the rows
 * listed in the new int64 input MASK_ROWS_INPUT. Returns { ok: false, reason } when the graph does
 * not have the expected shape (then use the model as it is).
 */
export function rewriteForMaskRows(
  model: Uint8Array,
  options: {
    logitsName?: string;
    allowedInputs?: readonly string[];
    /** Rewrite inside `model` (which the caller gives up) instead of copying it: saves a copy of the weights. */
    inPlace?: boolean;
    /** Add the MASK_HIDDEN_OUTPUT output (default true). */
    hidden?: boolean;
    /**
     * Gather where the row-local tail before the projection begins (row-region.ts), not just before
     * the projection. `quantizers: true` lets the tail include dynamic quantizers: only when the
     * caller then makes every quantizer per-row (row-quant.ts), else their scales would change.
     */
    gatherEarly?: { quantizers: boolean };
  } = {},
): MaskRowsRewrite | MaskRowsUnsupported {
  try {
    return rewrite(
      model,
      options.logitsName ?? 'logits',
      options.allowedInputs ?? null,
      options.inPlace === true,
      options.hidden !== false,
      options.gatherEarly ?? null,
    );
  } catch (error) {
    return {
      ok: false,
      reason: `could not read the ONNX file (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

function rewrite(
  buf: Uint8Array,
  logitsName: string,
  allowedInputs: readonly string[] | null,
  inPlace: boolean,
  hidden: boolean,
  gatherEarly: { quantizers: boolean } | null,
): MaskRowsRewrite | MaskRowsUnsupported {
  const parsed = parseModel(buf);
  if ('error' in parsed) return { ok: false, reason: parsed.error };
  const { gFields, initializers: inits, inputNames, producer, consumers } = parsed;
  const initializers = new Set(inits.keys());
  if (inputNames.has(MASK_ROWS_INPUT)) return { ok: false, reason: 'the model was already rewritten' };
  if (parsed.outputNames.has(MASK_HIDDEN_OUTPUT) || producer.has(MASK_HIDDEN_OUTPUT))
    return { ok: false, reason: `the model already has a tensor named "${MASK_HIDDEN_OUTPUT}"` };
  for (const name of inputNames) {
    if (allowedInputs && !initializers.has(name) && !allowedInputs.includes(name)) {
      return { ok: false, reason: `the model needs an input the fast path does not provide ("${name}")` };
    }
  }
  const outputField = gFields.find((f) => f.field === GRAPH_OUTPUT && nameOf(buf, f, VALUE_INFO_NAME) === logitsName);
  if (!outputField) return { ok: false, reason: `the model has no "${logitsName}" output` };

  // Walk back from the logits through element-wise ops to the one projection.
  const passThrough = new Set<NodeInfo>();
  const projections = new Set<NodeInfo>();
  const quantizers = new Set<NodeInfo>();
  const stack: NodeInfo[] = [];
  const last = producer.get(logitsName);
  if (!last) return { ok: false, reason: 'the logits are not computed by a node' };
  stack.push(last);
  const visited = new Set<NodeInfo>();
  while (stack.length) {
    const n = stack.pop() as NodeInfo;
    if (visited.has(n)) continue;
    visited.add(n);
    if (n.domain && n.domain !== 'ai.onnx' && n.domain !== 'com.microsoft')
      return { ok: false, reason: `unexpected op domain ${n.domain}` };
    if (PROJECTION_OPS.has(n.opType)) {
      projections.add(n);
    } else if (n.opType === 'DynamicQuantizeLinear') {
      quantizers.add(n);
    } else if (n.opType === 'Constant') {
      // a constant operand (bias, scale)
    } else if (PASS_THROUGH_OPS.has(n.opType)) {
      passThrough.add(n);
      for (const i of n.inputs) {
        if (!i || initializers.has(i)) continue;
        const p = producer.get(i);
        if (p) stack.push(p);
        else if (!inputNames.has(i)) return { ok: false, reason: `"${i}" has no producer` };
        else return { ok: false, reason: 'the logits depend on a graph input through the head' };
      }
    } else {
      return { ok: false, reason: `unsupported op ${n.opType} between the vocabulary projection and the logits` };
    }
  }
  if (projections.size !== 1)
    return { ok: false, reason: `expected one vocabulary projection, found ${projections.size}` };
  const projection = [...projections][0] as NodeInfo;
  const activation = projection.inputs[0];
  if (!activation) return { ok: false, reason: 'the projection has no input' };

  let target: NodeInfo = projection; // node whose input 0 is replaced by the gathered rows
  let cut = activation;
  const quant = producer.get(activation);
  if (quant?.opType === 'DynamicQuantizeLinear') {
    // Gather before the dynamic quantizer; all its outputs must serve only this projection.
    const allowed = new Set<NodeInfo>([projection, ...passThrough]);
    for (const o of quant.outputs) {
      for (const c of consumers.get(o) ?? [])
        if (!allowed.has(c)) return { ok: false, reason: 'the quantized activation is shared with other nodes' };
    }
    target = quant;
    cut = quant.inputs[0] ?? '';
    if (!cut) return { ok: false, reason: 'the quantizer has no input' };
  }
  for (const q of quantizers)
    if (q !== target) return { ok: false, reason: 'an unexpected quantizer feeds the logits' };
  if (initializers.has(cut) || inputNames.has(cut))
    return { ok: false, reason: 'the projection input is a constant or a graph input' };

  // Where the rows are gathered: just before the projection (its quantizer), or where the
  // row-local tail before it begins.
  const region: RowRegion = gatherEarly
    ? rowLocalRegion(parsed, cut, {
        downstream: new Set([target]),
        ranks: inferRanks(parsed),
        throughQuantizers: gatherEarly.quantizers,
      })
    : { nodes: new Set(), frontier: [cut] };

  // Tensors whose shapes change: drop their (optional) value_info hints.
  const reshaped = new Set<string>();
  for (const n of [projection, target, ...passThrough, ...region.nodes]) for (const o of n.outputs) reshaped.add(o);

  const gathered = new Map<string, string>();
  const gatherNodes = new ProtoWriter();
  for (const t of region.frontier) {
    const flat = `${t}__clozelab_flat`;
    const rows = `${t}__clozelab_rows`;
    gatherNodes
      .message(GRAPH_NODE, encodeNode('Flatten', [t], [flat], { axis: 2 }))
      .message(GRAPH_NODE, encodeNode('Gather', [flat, MASK_ROWS_INPUT], [rows], { axis: 0 }));
    gathered.set(t, rows);
  }
  const replace = new Map<Field, ProtoWriter>();
  // The hidden output reads the gathered rows before any quantizer (row-quant.ts later replaces the
  // quantizer, never its float input); the Cast makes it float32 whatever the model's precision.
  const cutRows = gathered.get(cut) ?? cut;
  if (hidden) gatherNodes.message(GRAPH_NODE, encodeNode('Cast', [cutRows], [MASK_HIDDEN_OUTPUT], { to: ELEM.FLOAT }));
  for (const n of [target, ...region.nodes]) {
    if (!n.inputs.some((t) => gathered.has(t))) continue;
    const inputs = n.inputs.map((t) => gathered.get(t) ?? t);
    replace.set(n.field, new ProtoWriter().message(GRAPH_NODE, withInputs(buf, n, inputs)));
  }
  const first = replace.get(target.field) ?? [...replace.values()][0];
  first?.append(gatherNodes);
  const extra = [encodeField(GRAPH_INPUT, encodeValueInfo(MASK_ROWS_INPUT, ELEM.INT64, ['mask_rows']))];
  if (hidden)
    extra.push(encodeField(GRAPH_OUTPUT, encodeValueInfo(MASK_HIDDEN_OUTPUT, ELEM.FLOAT, ['mask_rows', 'hidden'])));
  replace.set(
    outputField,
    encodeField(GRAPH_OUTPUT, encodeValueInfo(logitsName, elemTypeOf(buf, outputField) || 1, null)),
  );
  const edit: GraphEdit = {
    replace,
    extra,
    dropValueInfo: reshaped,
  };
  const written = writeGraph(parsed, edit, inPlace);
  const weight = projectionWeight(projection, initializers, producer);
  const bias = biasOf(passThrough, inits);
  return {
    ok: true,
    ...written,
    cut,
    projection: projection.opType,
    ...(weight ? { weight } : {}),
    ...(bias ? { bias } : {}),
    hiddenOutput: hidden,
    rowLocalNodes: region.nodes.size,
    rowLocalQuantizers: [...region.nodes].filter((n) => n.opType === 'DynamicQuantizeLinear').length,
  };
}

/** The projection's weight initializer, directly or through one Transpose (tied embeddings). */
function projectionWeight(
  projection: NodeInfo,
  initializers: ReadonlySet<string>,
  producer: ReadonlyMap<string, NodeInfo>,
): { initializer: string; transposed: boolean } | null {
  const w = projection.inputs[1];
  if (!w) return null;
  if (initializers.has(w)) return { initializer: w, transposed: false };
  const t = producer.get(w);
  const source = t?.opType === 'Transpose' ? t.inputs[0] : undefined;
  return source && initializers.has(source) ? { initializer: source, transposed: true } : null;
}

/** The one-dimensional initializer an Add between the projection and the logits adds (the bias). */
function biasOf(
  passThrough: ReadonlySet<NodeInfo>,
  inits: ReadonlyMap<string, { header: { dims: number[] } }>,
): string | null {
  for (const n of passThrough) {
    if (n.opType !== 'Add') continue;
    for (const i of n.inputs) if (inits.get(i)?.header.dims.length === 1) return i;
  }
  return null;
}
