// Batch-invariant dynamic quantization: rewrites a dynamically quantized ONNX model (what
// onnxruntime.quantization.quantize_dynamic emits: DynamicQuantizeLinear → MatMulInteger → Cast →
// Mul(scales) → Add(bias)) so that every activation is quantized per row — per token position, over
// the last axis only — instead of over the whole [B, S, H] tensor. Then a prompt's numbers depend on
// its own tokens only: not on what else shares its batch, not on the padding, not on timing.
//
//   before:  x ─ DynamicQuantizeLinear ─ (y, s, z) ─ MatMulInteger(y, W, z, w_zp) ─ Cast ─ Mul(·, s·w_s) ─ Add(b)
//   after:   x ─ clozelab.RowQuant ─ (y, s[.., 1], z[.., 1], c[M, 2]) ─ clozelab.RowMatMul(y, W, s, w_s, c, w_zp, b)
//
// RowQuant is DynamicQuantizeLinear's formula row by row: range [min(x, 0), max(x, 0)],
// s = (max − min) / 255, z = round_half_even(−min / s), y = saturate(round(x / s) + z) as uint8 (the
// last step by QuantizeLinear per axis on a [rows, H] view: the kernel DynamicQuantizeLinear uses).
// A row of zeros gets s = FLT_MIN instead of 1 (the product is 0 either way).
//
// What ONNX Runtime supports (onnxruntime/core/providers/cpu/quantization/matmul_integer.cc and
// contrib_ops/cpu/quantization/dynamic_quantize_matmul.cc): MatMulInteger and MatMulIntegerToFloat
// take A's zero point only as a scalar ("input1 zero point must be a scalar or 1D tensor of size
// 1"); MatMulIntegerToFloat takes a non-scalar A scale and applies it in one pass after the integer
// GEMM (ScaleOutput). So RowMatMul is
//   MatMulIntegerToFloat(y, W, s, w_s)                    = s·w_s · Σₖ y (W − w_zp)     (A's zero point left out)
//   + [−s·z, 1] · [w_s ⊙ colsum(W − w_zp); b]             = − s·w_s·z·colsum(W − w_zp) + b
// the second term one Gemm with K = 2 that accumulates into the first (its right side is constant:
// colsum is MatMulInteger(ones[1, K], W, –, w_zp), folded at load). Exact in the integers, then
// float rounding far below the quantization step; and row-local, so batch-invariant bit for bit.
// Where a product lacks quantize_dynamic's Cast → Mul → Add chain it is corrected in int32 instead
// (MatMulInteger without A's zero point, minus z · colsum, exact) and the chain is left as it is.
//
// Not fused: ONNX Runtime's own DynamicQuantizeMatMul / MatMulIntegerToFloat fusion (per-tensor
// scale, bias folded into the GEMM). Beware that when that fusion meets a per-row A scale *and* a
// bias (ONNX Runtime 1.30), the bias gets multiplied by the row scale — wrong; this rewrite never
// produces that pattern.
//
// Both ops are model-local ONNX functions (ModelProto.functions, IR version 8) that ONNX Runtime
// inlines: each quantizer and each product becomes one node of about its old size, so the rewrite
// fits in place around the untouched weights (onnx-proto.ts writeGraph).
//
// Graphs it does not understand are left alone, with a reason. Pure bytes in, bytes out.

import {
  ELEM,
  GRAPH_NODE,
  MODEL_FUNCTIONS,
  MODEL_IR_VERSION,
  MODEL_OPSET_IMPORT,
  OPSET_DOMAIN,
  Out,
  WIRE_LEN,
  encodeFunction,
  encodeNode,
  encodeOpset,
  fields,
  graphField,
  parseModel,
  retypedNode,
  str,
  writeGraph,
  type Field,
  type GraphEdit,
  type NodeInfo,
  type ParsedModel,
} from './onnx-proto.ts';

/** Domain of the model-local functions. */
export const ROW_QUANT_DOMAIN = 'clozelab';

export interface RowQuantRewrite {
  ok: true;
  /** The rewritten model, or the input itself when there was nothing to rewrite (`quantizers` = 0). */
  bytes: Uint8Array;
  /** Dynamic quantizers made per-row. */
  quantizers: number;
  /** Integer matrix products rewritten for per-row scales and zero points. */
  matmuls: number;
  /** True when `bytes` is a view of the input buffer, rewritten in place (no copy of the weights). */
  inPlace: boolean;
  /** In-place only: puts the input buffer's original bytes back (once the bytes have been consumed). */
  restore?: () => void;
}

export interface RowQuantUnsupported {
  ok: false;
  reason: string;
}

/**
 * - 'exact': DynamicQuantizeLinear's formula per row (asymmetric: a zero point per row), as above.
 * - 'symmetric' (measured alternative, not DynamicQuantizeLinear's formula): scale max|x| / 127 per
 *   row and the zero point 128 for every row, so the product needs no correction.
 */
export type RowQuantVariant = 'exact' | 'symmetric';

/** Ops that quantize their float input over the whole tensor inside one fused kernel. */
const FUSED_DYNAMIC_OPS = new Set(['DynamicQuantizeMatMul', 'DynamicQuantizeLSTM', 'QAttention', 'ConvInteger']);

/**
 * Rewrites every DynamicQuantizeLinear of `model` (ONNX ModelProto bytes) to quantize per row.
 * Returns { ok: true, quantizers: 0 } with the input unchanged when the model has none (fp32), and
 * { ok: false, reason } when it has dynamic quantization in a shape this rewrite does not handle.
 */
export function rewriteForRowQuant(
  model: Uint8Array,
  options: {
    /** Rewrite inside `model` (which the caller gives up) instead of copying it: saves a copy of the weights. */
    inPlace?: boolean;
    variant?: RowQuantVariant;
  } = {},
): RowQuantRewrite | RowQuantUnsupported {
  try {
    const parsed = parseModel(model);
    if ('error' in parsed) return { ok: false, reason: parsed.error };
    return rewrite(parsed, options.inPlace === true, options.variant ?? 'exact');
  } catch (error) {
    return {
      ok: false,
      reason: `could not read the ONNX file (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

const isDefaultDomain = (n: NodeInfo): boolean => n.domain === '' || n.domain === 'ai.onnx';

/** quantize_dynamic's float side of a product: MatMulInteger → Cast → Mul(·, Mul(s, w_scale)) → Add(·, bias). */
interface ScaleChain {
  cast: NodeInfo;
  mul: NodeInfo;
  scales: NodeInfo;
  wScale: string;
  add: NodeInfo;
  bias: string;
}

function rewrite(
  model: ParsedModel,
  inPlace: boolean,
  variant: RowQuantVariant,
): RowQuantRewrite | RowQuantUnsupported {
  const { buf, nodes, initializers, outputNames, consumers, producer, opset, modelFields } = model;
  for (const n of nodes) {
    if (n.domain === ROW_QUANT_DOMAIN) return { ok: false, reason: 'the model was already rewritten' };
    if (FUSED_DYNAMIC_OPS.has(n.opType))
      return { ok: false, reason: `${n.opType} quantizes whole tensors inside one fused op` };
  }
  const quantizers = nodes.filter((n) => n.opType === 'DynamicQuantizeLinear');
  if (quantizers.length === 0) return { ok: true, bytes: buf, quantizers: 0, matmuls: 0, inPlace: false };
  if (opset < 13) return { ok: false, reason: `opset ${opset}: per-row quantization needs opset 13 or later` };

  const soleConsumer = (t: string, op: string): NodeInfo | null => {
    const list = consumers.get(t) ?? [];
    const c = list[0];
    return list.length === 1 && c && c.opType === op && isDefaultDomain(c) && !outputNames.has(t) ? c : null;
  };
  const otherInput = (n: NodeInfo, t: string): string =>
    (n.inputs.length === 2 ? (n.inputs[0] === t ? n.inputs[1] : n.inputs[0]) : '') ?? '';
  const chainOf = (m: NodeInfo, s: string): ScaleChain | null => {
    const cast = soleConsumer(m.outputs[0] ?? '', 'Cast');
    const mul = cast && soleConsumer(cast.outputs[0] ?? '', 'Mul');
    if (!cast || !mul) return null;
    const scales = producer.get(otherInput(mul, cast.outputs[0] ?? ''));
    if (!scales || scales.opType !== 'Mul' || !isDefaultDomain(scales) || !scales.inputs.includes(s)) return null;
    const wScale = otherInput(scales, s);
    if (!initializers.has(wScale)) return null;
    const add = soleConsumer(mul.outputs[0] ?? '', 'Add');
    const bias = add ? otherInput(add, mul.outputs[0] ?? '') : '';
    if (!add || initializers.get(bias)?.header.dims.length !== 1) return null;
    return { cast, mul, scales, wScale, add, bias };
  };

  const replace = new Map<Field, Out>();
  const dropValueInfo = new Set<string>();
  const used = new Set<string>(); // functions needed
  let matmuls = 0;
  let contrib = false;
  const callNode = (op: string, inputs: string[], outputs: string[], domain = ROW_QUANT_DOMAIN): Out =>
    graphField(GRAPH_NODE, encodeNode(op, inputs, outputs, {}, { domain }));
  const drop = (n: NodeInfo): void => {
    replace.set(n.field, new Out());
    for (const o of n.outputs) dropValueInfo.add(o);
  };
  /** Remaining consumers of each scale product Mul(s, w_scale); dropped once none is left. */
  const scaleUses = new Map<NodeInfo, number>();

  let serial = 0;
  for (const q of quantizers) {
    if (!isDefaultDomain(q)) return { ok: false, reason: `unexpected DynamicQuantizeLinear domain ${q.domain}` };
    const [x] = q.inputs;
    const [y, s, z] = q.outputs;
    if (!x || !y || !s || !z || q.outputs.length !== 3) return { ok: false, reason: 'a quantizer lacks an output' };
    for (const t of [y, s, z])
      if (outputNames.has(t)) return { ok: false, reason: 'a quantized tensor is a graph output' };
    const users = consumers.get(y) ?? [];
    if (users.length === 0) return { ok: false, reason: 'a quantized tensor is unused' };
    for (const m of users) {
      if (m.opType !== 'MatMulInteger' || !isDefaultDomain(m))
        return { ok: false, reason: `a quantized activation feeds ${m.opType}, not MatMulInteger` };
      if (m.inputs[0] !== y || m.inputs[1] === y)
        return { ok: false, reason: 'a quantized activation is the right-hand side of a product' };
      if (m.inputs[2] !== z) return { ok: false, reason: "a product does not use its quantizer's zero point" };
      const w = initializers.get(m.inputs[1] ?? '');
      if (!w || w.header.dims.length !== 2 || (w.header.dataType !== ELEM.INT8 && w.header.dataType !== ELEM.UINT8))
        return { ok: false, reason: 'a quantized product is not against a constant 2-D int8/uint8 weight' };
      const wzp = m.inputs[3] ?? '';
      if (wzp && !initializers.has(wzp)) return { ok: false, reason: "a weight's zero point is not a constant" };
    }
    for (const c of consumers.get(z) ?? [])
      if (!users.includes(c) || c.inputs.indexOf(z) !== 2)
        return { ok: false, reason: 'a zero point is used outside its products' };
    // The scale becomes [.., 1]: its users must broadcast it (quantize_dynamic: Mul(s, w_scale) → Mul).
    for (const c of consumers.get(s) ?? []) {
      if (c.opType !== 'Mul' || !isDefaultDomain(c)) return { ok: false, reason: `a scale feeds ${c.opType}` };
      for (const o of c.outputs) {
        if (outputNames.has(o)) return { ok: false, reason: 'a scale product is a graph output' };
        for (const d of consumers.get(o) ?? [])
          if (!['Mul', 'Div'].includes(d.opType)) return { ok: false, reason: `a scale product feeds ${d.opType}` };
        dropValueInfo.add(o);
      }
      scaleUses.set(c, (consumers.get(c.outputs[0] ?? '') ?? []).length);
    }
    for (const t of [s, z]) dropValueInfo.add(t);

    // When every product has quantize_dynamic's chain (and nothing else reads the scale), the
    // whole path can stay in two dimensions ([rows, H]): fewer reshapes, fewer nodes.
    const chains = users.map((m) => chainOf(m, s));
    const chainMuls = new Set(chains.map((ch) => ch?.mul));
    const flat =
      variant === 'exact' &&
      chains.every((ch) => ch !== null) &&
      (consumers.get(s) ?? []).every((m) => (consumers.get(m.outputs[0] ?? '') ?? []).every((d) => chainMuls.has(d)));

    // The quantizer: one call node in its place; `c` (the correction's left side) and, when flat,
    // `shape` (the products' output shape) are new outputs.
    const id = serial++;
    const c = `${y}__clozelab_rq${id}`;
    const shape = `${y}__clozelab_rq${id}_shape`;
    const quantOp = variant === 'symmetric' ? 'RowQuantSym' : flat ? 'RowQuantFlat' : 'RowQuant';
    used.add(quantOp);
    const call = retypedNode(buf, q, quantOp, ROW_QUANT_DOMAIN);
    if (variant === 'exact') call.string(2 /* NodeProto.output */, c);
    if (flat) call.string(2, shape);
    replace.set(q.field, graphField(GRAPH_NODE, call));

    for (const [u, m] of users.entries()) {
      if (replace.has(m.field)) continue;
      matmuls++;
      const [, w = '', , wzp = ''] = m.inputs;
      const chain = chains[u] ?? null;
      if (chain) {
        // The whole chain becomes one call, in the Add's place (its output keeps its name).
        for (const n of [m, chain.cast, chain.mul]) drop(n);
        const rest = scaleUses.get(chain.scales) ?? 1;
        scaleUses.set(chain.scales, rest - 1);
        if (rest - 1 === 0) drop(chain.scales);
        if (variant === 'symmetric') {
          contrib = true;
          used.add('RowMatMulSym');
          replace.set(
            chain.add.field,
            callNode('RowMatMulSym', [y, w, s, chain.wScale, z, wzp, chain.bias], chain.add.outputs),
          );
        } else {
          const op = `RowMatMul${flat ? 'Flat' : ''}${wzp ? '' : 'NoZp'}`;
          used.add(op);
          contrib = true;
          const inputs = [y, w, s, chain.wScale, c, ...(wzp ? [wzp] : []), chain.bias, ...(flat ? [shape] : [])];
          replace.set(chain.add.field, callNode(op, inputs, chain.add.outputs));
        }
      } else if (variant === 'symmetric') {
        // The shared zero point 128 is a scalar: MatMulInteger takes it as it is. (ONNX Runtime's
        // fusion needs the very chain that was not found here, so it cannot misapply the bias.)
      } else {
        const op = wzp ? 'RowMatMulInt' : 'RowMatMulIntNoZp';
        used.add(op);
        replace.set(m.field, graphField(GRAPH_NODE, retypedNode(buf, m, op, ROW_QUANT_DOMAIN)));
      }
    }
  }

  // ---- model-level fields: IR version ≥ 8 (local functions), operator sets, the functions ----
  const modelReplace = new Map<Field, Out>();
  const ir = modelFields.find((f) => f.field === MODEL_IR_VERSION && f.wire === 0);
  if (ir && ir.value < 8) {
    const o = new Out();
    o.int(MODEL_IR_VERSION, 8);
    modelReplace.set(ir, o);
  }
  const modelExtra: Out[] = [];
  const addOpset = (domain: string, version: number): void => {
    const o = new Out();
    o.lenField(MODEL_OPSET_IMPORT, encodeOpset(domain, version));
    modelExtra.push(o);
  };
  addOpset(ROW_QUANT_DOMAIN, 1);
  if (contrib && !importsDomain(buf, modelFields, 'com.microsoft')) addOpset('com.microsoft', 1);
  const opsets = [encodeOpset('', opset), encodeOpset('com.microsoft', 1)];
  const functions: Record<string, () => Out> = {
    RowQuant: () => rowQuantFunction(opset, opsets),
    RowQuantSym: () => rowQuantSymFunction(opset, opsets),
    RowQuantFlat: () => rowQuantFlatFunction(opset, opsets),
    RowMatMul: () => rowMatMulFunction('RowMatMul', true, false, opsets),
    RowMatMulNoZp: () => rowMatMulFunction('RowMatMulNoZp', false, false, opsets),
    RowMatMulFlat: () => rowMatMulFunction('RowMatMulFlat', true, true, opsets),
    RowMatMulFlatNoZp: () => rowMatMulFunction('RowMatMulFlatNoZp', false, true, opsets),
    RowMatMulInt: () => rowMatMulIntFunction('RowMatMulInt', true, opsets),
    RowMatMulIntNoZp: () => rowMatMulIntFunction('RowMatMulIntNoZp', false, opsets),
    RowMatMulSym: () => rowMatMulSymFunction(opsets),
  };
  for (const name of used) {
    const o = new Out();
    o.lenField(MODEL_FUNCTIONS, (functions[name] as () => Out)());
    modelExtra.push(o);
  }

  const edit: GraphEdit = { replace, extra: [], dropValueInfo, modelReplace, modelExtra };
  const written = writeGraph(model, edit, inPlace);
  return { ok: true, ...written, quantizers: quantizers.length, matmuls };
}

function importsDomain(buf: Uint8Array, modelFields: readonly Field[], domain: string): boolean {
  for (const f of modelFields) {
    if (f.field !== MODEL_OPSET_IMPORT || f.wire !== WIRE_LEN) continue;
    for (const g of fields(buf, f.dataStart, f.dataEnd))
      if (g.field === OPSET_DOMAIN && g.wire === WIRE_LEN && str(buf, g) === domain) return true;
  }
  return false;
}

// ---- the functions ---------------------------------------------------------------------------

const f32 = (x: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return b;
};
const i64 = (values: readonly number[]): Uint8Array => {
  const b = new Uint8Array(8 * values.length);
  const view = new DataView(b.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return b;
};
const constant = (out: string, dataType: number, dims: readonly number[], raw: Uint8Array): Out =>
  encodeNode('Constant', [], [out], { value: { tensor: { dataType, dims, raw } } });

/** Smallest normal float32: the scale of an all-zero row (DynamicQuantizeLinear says 1; the product is 0 either way). */
const FLT_MIN = 1.1754943508222875e-38;

/** ReduceMin and ReduceMax of `x` over its last axis, keeping it (axes: attribute before opset 18, input since). */
function rowRange(opset: number, x: string): Out[] {
  const nodes: Out[] = [];
  if (opset >= 18) nodes.push(constant('axes', ELEM.INT64, [1], i64([-1])));
  for (const [op, out] of [
    ['ReduceMin', 'mn'],
    ['ReduceMax', 'mx'],
  ] as const) {
    if (opset >= 18) nodes.push(encodeNode(op, [x, 'axes'], [out], { keepdims: 1 }));
    else nodes.push(encodeNode(op, [x], [out], { axes: { ints: [-1] }, keepdims: 1 }));
  }
  return nodes;
}

/** y = saturate(round(x / s) + z) per row: QuantizeLinear per axis on the [rows, H] view. */
function quantizeRows(zeroPoint: string): Out[] {
  return [
    constant('flat', ELEM.INT64, [1], i64([-1])),
    encodeNode('Flatten', ['x'], ['x2'], { axis: -1 }),
    encodeNode('Reshape', ['s', 'flat'], ['s1']),
    encodeNode('Reshape', [zeroPoint, 'flat'], ['z1']),
    encodeNode('QuantizeLinear', ['x2', 's1', 'z1'], ['y2'], { axis: 0 }),
    encodeNode('Shape', ['x'], ['shape']),
    encodeNode('Reshape', ['y2', 'shape'], ['y']),
  ];
}

/**
 * DynamicQuantizeLinear's parameters per row of `x`, and its quantization of [rows, H] `x2`:
 * s = max((max(x, 0) − min(x, 0)) / 255, FLT_MIN), z = round_half_even(−min(x, 0) / s) (also as
 * `neg_z` = −z and uint8 `z8`), y2 = saturate(round(x2 / s) + z); c = [−s·z, 1], the left side of the
 * zero point's correction.
 */
function rowParams(opset: number, x: string): Out[] {
  return [
    ...rowRange(opset, x),
    constant('zero', ELEM.FLOAT, [], f32(0)),
    constant('qrange', ELEM.FLOAT, [], f32(255)),
    constant('tiny', ELEM.FLOAT, [], f32(FLT_MIN)),
    constant('flat', ELEM.INT64, [1], i64([-1])),
    encodeNode('Min', ['mn', 'zero'], ['lo']),
    encodeNode('Max', ['mx', 'zero'], ['hi']),
    encodeNode('Sub', ['hi', 'lo'], ['range']),
    encodeNode('Div', ['range', 'qrange'], ['s0']),
    encodeNode('Max', ['s0', 'tiny'], ['s']),
    // z = round_half_even(0 − lo / s) = −round_half_even(lo / s)
    encodeNode('Div', ['lo', 's'], ['lo_s']),
    encodeNode('Round', ['lo_s'], ['neg_z']),
    encodeNode('Neg', ['neg_z'], ['z']),
    encodeNode('Cast', ['z'], ['z8'], { to: ELEM.UINT8 }),
    encodeNode('Reshape', ['s', 'flat'], ['s1']),
    encodeNode('Reshape', ['z8', 'flat'], ['z1']),
    encodeNode('QuantizeLinear', ['x2', 's1', 'z1'], ['y2'], { axis: 0 }),
    encodeNode('Mul', ['s', 'neg_z'], ['offset']),
    encodeNode('Div', ['s', 's'], ['unit']), // exactly 1 (s is a positive normal float)
    encodeNode('Concat', ['offset', 'unit'], ['c_rows'], { axis: -1 }),
  ];
}

/** RowQuant(x) → (y uint8, s [.., 1], z [.., 1] float, c [rows, 2]): DynamicQuantizeLinear per row (last axis). */
function rowQuantFunction(opset: number, opsets: Out[]): Out {
  const nodes: Out[] = [
    encodeNode('Flatten', ['x'], ['x2'], { axis: -1 }),
    ...rowParams(opset, 'x'),
    encodeNode('Shape', ['x'], ['x_shape']),
    encodeNode('Reshape', ['y2', 'x_shape'], ['y']),
    encodeNode('Flatten', ['c_rows'], ['c'], { axis: -1 }),
  ];
  return encodeFunction(ROW_QUANT_DOMAIN, 'RowQuant', ['x'], ['y', 's', 'z', 'c'], nodes, opsets);
}

/**
 * RowQuantFlat(x) → (y [rows, H] uint8, s [rows, 1], z [rows, 1], c [rows, 2], shape): the same on the
 * [rows, H] view throughout, for products that all take it as it is (RowMatMulFlat); `shape` is x's
 * shape with its last axis left open, for the products' outputs.
 */
function rowQuantFlatFunction(opset: number, opsets: Out[]): Out {
  const nodes: Out[] = [
    encodeNode('Flatten', ['x'], ['x2'], { axis: -1 }),
    ...rowParams(opset, 'x2'),
    encodeNode('Identity', ['y2'], ['y']),
    encodeNode('Identity', ['c_rows'], ['c']),
    encodeNode('Shape', ['x'], ['x_shape']),
    constant('zero_i', ELEM.INT64, [1], i64([0])),
    encodeNode('Slice', ['x_shape', 'zero_i', 'flat'], ['lead']),
    encodeNode('Concat', ['lead', 'flat'], ['shape'], { axis: 0 }),
  ];
  return encodeFunction(ROW_QUANT_DOMAIN, 'RowQuantFlat', ['x'], ['y', 's', 'z', 'c', 'shape'], nodes, opsets);
}

/** The constant colsum(w − w_zp) as int32 [1, N]: a product with a row of ones (folded at load). */
function colsumNodes(wzp: readonly string[]): Out[] {
  return [
    encodeNode('Shape', ['w'], ['w_shape']),
    constant('zero_i', ELEM.INT64, [1], i64([0])),
    constant('one_i', ELEM.INT64, [1], i64([1])),
    encodeNode('Slice', ['w_shape', 'zero_i', 'one_i'], ['k']),
    encodeNode('Concat', ['one_i', 'k'], ['ones_shape'], { axis: 0 }),
    encodeNode('ConstantOfShape', ['ones_shape'], ['ones'], {
      value: { tensor: { dataType: ELEM.UINT8, dims: [1], raw: Uint8Array.of(1) } },
    }),
    encodeNode('MatMulInteger', ['ones', 'w', '', ...wzp], ['colsum']),
  ];
}

/**
 * RowMatMul(y, w, s, w_scale, c, w_zp, bias) → float [.., N]: s·w_scale·Σₖ (y − z)(w − w_zp) + bias as
 * MatMulIntegerToFloat(y, w, s, w_scale) + c · [w_scale ⊙ colsum(w − w_zp); bias] (Gemm, K = 2, into C).
 * Flat: y, s are [rows, ·] and the result is reshaped to `shape` at the end.
 */
function rowMatMulFunction(name: string, zeroPoint: boolean, flat: boolean, opsets: Out[]): Out {
  const wzp = zeroPoint ? ['w_zp'] : [];
  const nodes: Out[] = [
    encodeNode(
      'MatMulIntegerToFloat',
      ['y', 'w', 's', 'w_scale', '', ...wzp],
      ['full'],
      {},
      { domain: 'com.microsoft' },
    ),
    ...colsumNodes(wzp),
    encodeNode('Cast', ['colsum'], ['colsum_f'], { to: ELEM.FLOAT }),
    encodeNode('Mul', ['colsum_f', 'w_scale'], ['colsum_scaled']),
    constant('row', ELEM.INT64, [2], i64([1, -1])),
    encodeNode('Reshape', ['bias', 'row'], ['bias_row']),
    encodeNode('Concat', ['colsum_scaled', 'bias_row'], ['rhs'], { axis: 0 }),
    ...(flat
      ? [encodeNode('Gemm', ['c', 'rhs', 'full'], ['out2']), encodeNode('Reshape', ['out2', 'shape'], ['out'])]
      : [
          encodeNode('Flatten', ['full'], ['full2'], { axis: -1 }),
          encodeNode('Gemm', ['c', 'rhs', 'full2'], ['out2']),
          encodeNode('Shape', ['full'], ['full_shape']),
          encodeNode('Reshape', ['out2', 'full_shape'], ['out']),
        ]),
  ];
  const inputs = ['y', 'w', 's', 'w_scale', 'c', ...wzp, 'bias', ...(flat ? ['shape'] : [])];
  return encodeFunction(ROW_QUANT_DOMAIN, name, inputs, ['out'], nodes, opsets);
}

/**
 * RowMatMulInt(y, w, z, w_zp) → int32: Σₖ (y − z)(w − w_zp) with a per-row z — MatMulInteger without
 * A's zero point, minus z · colsum(w − w_zp), exactly in int32 (for products without the usual chain).
 */
function rowMatMulIntFunction(name: string, zeroPoint: boolean, opsets: Out[]): Out {
  const wzp = zeroPoint ? ['w_zp'] : [];
  const nodes: Out[] = [
    encodeNode('MatMulInteger', ['y', 'w', '', ...wzp], ['acc']),
    ...colsumNodes(wzp),
    encodeNode('Cast', ['z'], ['z_i'], { to: ELEM.INT32 }),
    encodeNode('Mul', ['z_i', 'colsum'], ['correction']),
    encodeNode('Sub', ['acc', 'correction'], ['out']),
  ];
  return encodeFunction(ROW_QUANT_DOMAIN, name, ['y', 'w', 'z', ...wzp], ['out'], nodes, opsets);
}

/** RowQuantSym(x) → (y uint8, s [.., 1], z = 128): symmetric per-row scale max|x| / 127, one zero point for all rows. */
function rowQuantSymFunction(opset: number, opsets: Out[]): Out {
  const nodes: Out[] = [
    ...rowRange(opset, 'x'),
    constant('qrange', ELEM.FLOAT, [], f32(127)),
    constant('tiny', ELEM.FLOAT, [], f32(FLT_MIN)),
    constant('z', ELEM.UINT8, [], Uint8Array.of(128)),
    encodeNode('Neg', ['mn'], ['neg_mn']),
    encodeNode('Max', ['neg_mn', 'mx'], ['amax']),
    encodeNode('Div', ['amax', 'qrange'], ['s0']),
    encodeNode('Max', ['s0', 'tiny'], ['s']),
    encodeNode('Shape', ['s'], ['s_shape']),
    encodeNode('ConstantOfShape', ['s_shape'], ['zs'], {
      value: { tensor: { dataType: ELEM.UINT8, dims: [1], raw: Uint8Array.of(128) } },
    }),
    ...quantizeRows('zs'),
  ];
  return encodeFunction(ROW_QUANT_DOMAIN, 'RowQuantSym', ['x'], ['y', 's', 'z'], nodes, opsets);
}

/** RowMatMulSym(y, w, s, w_scale, z, w_zp, bias) = MatMulIntegerToFloat(y, w, s, w_scale, z, w_zp) + bias. */
function rowMatMulSymFunction(opsets: Out[]): Out {
  const nodes: Out[] = [
    // the bias stays outside the integer GEMM: inside, it would be multiplied by the row scale
    encodeNode(
      'MatMulIntegerToFloat',
      ['y', 'w', 's', 'w_scale', 'z', 'w_zp'],
      ['full'],
      {},
      { domain: 'com.microsoft' },
    ),
    encodeNode('Add', ['full', 'bias'], ['out']),
  ];
  return encodeFunction(
    ROW_QUANT_DOMAIN,
    'RowMatMulSym',
    ['y', 'w', 's', 'w_scale', 'z', 'w_zp', 'bias'],
    ['out'],
    nodes,
    opsets,
  );
}
