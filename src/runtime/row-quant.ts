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
// A row of zeros gets s = 2⁻¹¹⁸/255 instead of 1 (the product is 0 either way): max(x, 0) is floored
// at 2⁻¹¹⁸, which changes nothing for any row with a value beyond ±5e-29.
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
 * - 'symmetric' (the default from opset 13): scale max|x| / 127 per row and the zero point 128 for
 *   every row, so the product needs no zero-point correction. As close to the fp32 model as the
 *   model's own per-tensor quantization and within the batch-speed budget, where 'exact' is not
 *   (BENCHMARKS.md, "Per-row activation quantization").
 * - 'exact': DynamicQuantizeLinear's formula per row (asymmetric: a zero point per row), as above;
 *   the only variant for opset 11–12 (QuantizeLinear has no axis there).
 */
export type RowQuantVariant = 'exact' | 'symmetric';

/** The variant used when none is asked for: symmetric where the opset allows it. */
export function defaultRowQuantVariant(opset: number): RowQuantVariant {
  return opset >= 13 ? 'symmetric' : 'exact';
}

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
    return rewrite(parsed, options.inPlace === true, options.variant ?? defaultRowQuantVariant(parsed.opset));
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
  if (opset < 11) return { ok: false, reason: `opset ${opset}: per-row quantization needs opset 11 or later` };
  if (variant === 'symmetric' && opset < 13)
    return { ok: false, reason: `opset ${opset}: the symmetric variant needs opset 13 or later` };

  const soleConsumer = (t: string, op: string): NodeInfo | null => {
    const list = consumers.get(t) ?? [];
    const c = list[0];
    return list.length === 1 && c?.opType === op && isDefaultDomain(c) && !outputNames.has(t) ? c : null;
  };
  const otherInput = (n: NodeInfo, t: string): string =>
    (n.inputs.length === 2 ? (n.inputs[0] === t ? n.inputs[1] : n.inputs[0]) : '') ?? '';
  const chainOf = (m: NodeInfo, s: string): ScaleChain | null => {
    const cast = soleConsumer(m.outputs[0] ?? '', 'Cast');
    const mul = cast && soleConsumer(cast.outputs[0] ?? '', 'Mul');
    if (!cast || !mul) return null;
    const scales = producer.get(otherInput(mul, cast.outputs[0] ?? ''));
    if (scales?.opType !== 'Mul' || !isDefaultDomain(scales) || !scales.inputs.includes(s)) return null;
    const wScale = otherInput(scales, s);
    if (!initializers.has(wScale)) return null;
    const add = soleConsumer(mul.outputs[0] ?? '', 'Add');
    const bias = add ? otherInput(add, mul.outputs[0] ?? '') : '';
    if (!add || initializers.get(bias)?.header.dims.length !== 1) return null;
    return { cast, mul, scales, wScale, add, bias };
  };

  const replace = new Map<Field, Out>();
  const dropValueInfo = new Set<string>();
  const used = new Set<FunctionName>();
  let matmuls = 0;
  let contrib = false;
  const extra: Out[] = [];
  const drop = (n: NodeInfo): void => {
    replace.set(n.field, new Out());
    for (const o of n.outputs) dropValueInfo.add(o);
  };
  // Names this rewrite adds: short (they are repeated in every call, and the rewrite should fit in
  // place), under a prefix no tensor of the model uses.
  const taken = new Set<string>([...initializers.keys(), ...model.inputNames]);
  for (const n of nodes) for (const t of [...n.inputs, ...n.outputs]) taken.add(t);
  let prefix = 'rq:';
  while ([...taken].some((t) => t.startsWith(prefix))) prefix = `${prefix}~`;
  /** Shared constants (main-graph Constant nodes, made once), passed to the functions as inputs. */
  const constants = new Map<string, string>();
  const shared = (key: keyof typeof SHARED): string => {
    let name = constants.get(key);
    if (!name) {
      name = `${prefix}${key}`;
      const [dataType, dims, raw] = SHARED[key];
      extra.push(graphField(GRAPH_NODE, constant(name, dataType, dims, raw)));
      constants.set(key, name);
    }
    return name;
  };
  /** A row of K ones (uint8 [1, K]), one per K: the left side of colsum(w − w_zp). */
  const onesFor = (k: number): string => {
    const name = `${prefix}1x${k}`;
    if (!constants.has(name)) {
      extra.push(graphField(GRAPH_NODE, constant(`${name}s`, ELEM.INT64, [2], i64([1, k]))));
      extra.push(
        graphField(
          GRAPH_NODE,
          encodeNode('ConstantOfShape', [`${name}s`], [name], {
            value: { tensor: { dataType: ELEM.UINT8, dims: [1], raw: Uint8Array.of(1) } },
          }),
        ),
      );
      constants.set(name, name);
    }
    return name;
  };
  const call = (op: FunctionName, inputs: string[], outputs: string[]): Out => {
    used.add(op);
    if (op.startsWith('RowMatMul')) contrib = contrib || (op !== 'RowMatMulInt' && op !== 'RowMatMulIntNoZp');
    return graphField(GRAPH_NODE, encodeNode(op, inputs, outputs, {}, { domain: ROW_QUANT_DOMAIN }));
  };
  const rowQuantConstants = (): string[] =>
    (['zero', 'q255', 'floor', 'flat', 'zeroI', 'pad', 'oneF'] as const).map((k) => shared(k));
  /** Remaining consumers of each scale product Mul(s, w_scale); dropped once none is left. */
  const scaleUses = new Map<NodeInfo, number>();

  let serial = 0;
  const flatByInput = new Map<string, { y: string; s: string; c: string; shape: string }>();
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
      if (w?.header.dims.length !== 2 || (w.header.dataType !== ELEM.INT8 && w.header.dataType !== ELEM.UINT8))
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
    // whole path stays in two dimensions ([rows, H]): fewer reshapes, fewer nodes.
    const chains = users.map((m) => chainOf(m, s));
    const chainMuls = new Set(chains.map((ch) => ch?.mul));
    const flat =
      variant === 'exact' &&
      chains.every((ch) => ch !== null) &&
      (consumers.get(s) ?? []).every((m) => (consumers.get(m.outputs[0] ?? '') ?? []).every((d) => chainMuls.has(d)));

    // The quantizer: one call in its place. Exact: `c` (the correction's left side) and, when flat,
    // `shape` (the products' output shape) are new outputs. A flat quantizer of a tensor that another
    // one already quantizes is dropped (quantize_dynamic shares them itself; ONNX Runtime would merge
    // them only after inlining, having paid for every node).
    const same = flat ? flatByInput.get(x) : undefined;
    const id = serial++;
    const c = same?.c ?? `${prefix}c${id}`;
    const shape = same?.shape ?? `${prefix}s${id}`;
    const yq = same?.y ?? y;
    const sq = same?.s ?? s;
    const flatI = shared('flat');
    if (same) {
      drop(q);
    } else if (variant === 'symmetric') {
      replace.set(q.field, call('RowQuantSym', [x, shared('q127'), shared('tiny'), flatI, shared('z128')], [y, s, z]));
    } else if (flat) {
      flatByInput.set(x, { y, s, c, shape });
      replace.set(q.field, call('RowQuantFlat', [x, ...rowQuantConstants()], [y, s, z, c, shape]));
    } else {
      replace.set(q.field, call('RowQuant', [x, ...rowQuantConstants()], [y, s, z, c]));
    }

    for (const [u, m] of users.entries()) {
      if (replace.has(m.field)) continue;
      matmuls++;
      const [, w = '', , wzp = ''] = m.inputs;
      const ones = onesFor(initializers.get(w)?.header.dims[0] ?? 0);
      const chain = chains[u] ?? null;
      if (chain) {
        // The whole chain becomes one call, in the Add's place (its output keeps its name).
        for (const n of [m, chain.cast, chain.mul]) drop(n);
        const rest = scaleUses.get(chain.scales) ?? 1;
        scaleUses.set(chain.scales, rest - 1);
        if (rest - 1 === 0) drop(chain.scales);
        if (variant === 'symmetric') {
          replace.set(
            chain.add.field,
            call('RowMatMulSym', [y, w, s, chain.wScale, z, wzp, chain.bias], chain.add.outputs),
          );
        } else {
          const op = `RowMatMul${flat ? 'Flat' : ''}${wzp ? '' : 'NoZp'}` as const;
          const inputs = [yq, w, sq, chain.wScale, c, ...(wzp ? [wzp] : []), chain.bias, ones, shared('row')];
          replace.set(chain.add.field, call(op, flat ? [...inputs, shape] : inputs, chain.add.outputs));
        }
      } else if (variant === 'symmetric') {
        // The shared zero point 128 is a scalar: MatMulInteger takes it as it is. (ONNX Runtime's
        // fusion needs the very chain that was not found here, so it cannot misapply the bias.)
      } else {
        const op = wzp ? 'RowMatMulInt' : 'RowMatMulIntNoZp';
        const inputs = [y, w, z, ...(wzp ? [wzp] : []), ones];
        replace.set(m.field, call(op, inputs, m.outputs));
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
  for (const name of used) {
    const fn = FUNCTIONS[name](opset);
    const o = new Out();
    o.lenField(MODEL_FUNCTIONS, encodeFunction(ROW_QUANT_DOMAIN, name, fn.inputs, fn.outputs, fn.body, opsets));
    modelExtra.push(o);
  }

  const edit: GraphEdit = { replace, extra, dropValueInfo, modelReplace, modelExtra };
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
const n = (
  op: string,
  inputs: string[],
  outputs: string[],
  attrs: Parameters<typeof encodeNode>[3] = {},
  domain?: string,
): Out => encodeNode(op, inputs, outputs, attrs, domain ? { domain } : {});

/** Smallest normal float32: the scale of an all-zero row (DynamicQuantizeLinear says 1; the product is 0 either way). */
const FLT_MIN = 1.1754943508222875e-38;

/**
 * Constants the functions share, made once in the main graph and passed in as inputs (as Constant
 * nodes inside each function they would be made again for every call when ONNX Runtime inlines it).
 */
const SHARED = {
  zero: [ELEM.FLOAT, [], f32(0)],
  q255: [ELEM.FLOAT, [], f32(255)],
  q127: [ELEM.FLOAT, [], f32(127)],
  tiny: [ELEM.FLOAT, [], f32(FLT_MIN)],
  floor: [ELEM.FLOAT, [], f32(2 ** -118)],
  pad: [ELEM.INT64, [4], i64([0, 0, 0, 1])],
  oneF: [ELEM.FLOAT, [], f32(1)],
  flat: [ELEM.INT64, [1], i64([-1])],
  zeroI: [ELEM.INT64, [1], i64([0])],
  row: [ELEM.INT64, [2], i64([1, -1])],
  z128: [ELEM.UINT8, [], Uint8Array.of(128)],
} as const satisfies Record<string, readonly [number, readonly number[], Uint8Array]>;

interface FunctionDef {
  inputs: string[];
  outputs: string[];
  body: Out[];
}
type FunctionName =
  | 'RowQuant'
  | 'RowQuantFlat'
  | 'RowMatMul'
  | 'RowMatMulNoZp'
  | 'RowMatMulFlat'
  | 'RowMatMulFlatNoZp'
  | 'RowMatMulInt'
  | 'RowMatMulIntNoZp'
  | 'RowQuantSym'
  | 'RowMatMulSym';

/** ReduceMin and ReduceMax of `x` over its last axis, kept (axes: an attribute before opset 18, an input since). */
function rowRange(opset: number, x: string): Out[] {
  return (['ReduceMin', 'ReduceMax'] as const).map((op, i) => {
    const out = i === 0 ? 'mn' : 'mx';
    return opset >= 18
      ? n(op, [x, 'flat'], [out], { keepdims: 1 })
      : n(op, [x], [out], { axes: { ints: [-1] }, keepdims: 1 });
  });
}

/**
 * DynamicQuantizeLinear per row of [rows, H] `x2`: s = (max(x, 0) − min(x, 0)) / 255,
 * z = round_half_even(−min(x, 0) / s), y2 = saturate(round(x2 / s) + z) — by QuantizeLinear per axis,
 * the kernel DynamicQuantizeLinear uses; c2 = [−s·z, 1], the left side of the zero point's correction.
 */
function rowParams(opset: number): Out[] {
  return [
    n('Flatten', ['x'], ['x2'], { axis: -1 }),
    ...rowRange(opset, 'x2'),
    n('Min', ['mn', 'zero'], ['lo']),
    // max(x, 0), but at least 2⁻¹¹⁸ so that s is a normal float even for a row of zeros (where
    // DynamicQuantizeLinear says s = 1; the product is 0 either way). Elsewhere the same as 0: the
    // floor changes the range only of rows whose values all lie within ±5e-29.
    n('Max', ['mx', 'floor'], ['hi']),
    n('Sub', ['hi', 'lo'], ['range']),
    n('Div', ['range', 'qrange'], ['s2']),
    // z = round_half_even(0 − lo / s) = −round_half_even(lo / s)
    n('Div', ['lo', 's2'], ['lo_s']),
    n('Round', ['lo_s'], ['neg_z']),
    n('Neg', ['neg_z'], ['z2']),
    ...(opset >= 13
      ? [
          n('Cast', ['z2'], ['z8'], { to: ELEM.UINT8 }),
          n('Reshape', ['s2', 'flat'], ['s1']),
          n('Reshape', ['z8', 'flat'], ['z1']),
          n('QuantizeLinear', ['x2', 's1', 'z1'], ['y2'], { axis: 0 }),
        ]
      : [
          // before opset 13 QuantizeLinear has no axis: the same formula element-wise
          n('Div', ['x2', 's2'], ['x_s']),
          n('Round', ['x_s'], ['x_r']),
          n('Sub', ['x_r', 'neg_z'], ['x_z']),
          n('Clip', ['x_z', 'zero', 'qrange'], ['x_c']),
          n('Cast', ['x_c'], ['y2'], { to: ELEM.UINT8 }),
        ]),
    n('Mul', ['s2', 'neg_z'], ['offset']),
    n('Pad', ['offset', 'pad', 'one_f'], ['c2']), // [−s·z, 1]
  ];
}

const FUNCTIONS: Record<FunctionName, (opset: number) => FunctionDef> = {
  /** RowQuant(x, …) → (y uint8 shaped as x, s [.., 1], z [.., 1] float, c [rows, 2]). */
  RowQuant: (opset) => ({
    inputs: ['x', 'zero', 'qrange', 'floor', 'flat', 'zero_i', 'pad', 'one_f'],
    outputs: ['y', 's', 'z', 'c2'],
    body: [
      ...rowParams(opset),
      n('Shape', ['x'], ['x_shape']),
      n('Slice', ['x_shape', 'zero_i', 'flat'], ['lead']),
      n('Concat', ['lead', 'flat'], ['keep'], { axis: 0 }),
      n('Reshape', ['y2', 'x_shape'], ['y']),
      n('Reshape', ['s2', 'keep'], ['s']),
      n('Reshape', ['z2', 'keep'], ['z']),
    ],
  }),
  /**
   * RowQuantFlat(x, …) → (y [rows, H], s [rows, 1], z [rows, 1], c [rows, 2], shape): for products that
   * all take the [rows, H] view (RowMatMulFlat); `shape` is x's shape with its last axis left open.
   */
  RowQuantFlat: (opset) => ({
    inputs: ['x', 'zero', 'qrange', 'floor', 'flat', 'zero_i', 'pad', 'one_f'],
    outputs: ['y2', 's2', 'z2', 'c2', 'shape'],
    body: [
      ...rowParams(opset),
      // x's shape without its last axis (Shape takes start/end since opset 15), then −1
      ...(opset >= 15
        ? [n('Shape', ['x'], ['lead'], { end: -1 })]
        : [n('Shape', ['x'], ['x_shape']), n('Slice', ['x_shape', 'zero_i', 'flat'], ['lead'])]),
      n('Concat', ['lead', 'flat'], ['shape'], { axis: 0 }),
    ],
  }),
  RowMatMul: () => rowMatMul(true, false),
  RowMatMulNoZp: () => rowMatMul(false, false),
  RowMatMulFlat: () => rowMatMul(true, true),
  RowMatMulFlatNoZp: () => rowMatMul(false, true),
  RowMatMulInt: () => rowMatMulInt(true),
  RowMatMulIntNoZp: () => rowMatMulInt(false),
  /** RowQuantSym(x, …) → (y, s [.., 1], z = 128): symmetric per-row scale max|x| / 127, one zero point for all rows. */
  RowQuantSym: (opset) => ({
    inputs: ['x', 'qrange', 'tiny', 'flat', 'z128'],
    outputs: ['y', 's', 'z'],
    body: [
      ...(opset >= 18
        ? [
            n('ReduceMin', ['x', 'flat'], ['mn'], { keepdims: 1 }),
            n('ReduceMax', ['x', 'flat'], ['mx'], { keepdims: 1 }),
          ]
        : [
            n('ReduceMin', ['x'], ['mn'], { axes: { ints: [-1] }, keepdims: 1 }),
            n('ReduceMax', ['x'], ['mx'], { axes: { ints: [-1] }, keepdims: 1 }),
          ]),
      n('Neg', ['mn'], ['neg_mn']),
      n('Max', ['neg_mn', 'mx'], ['amax']),
      n('Div', ['amax', 'qrange'], ['s0']),
      n('Max', ['s0', 'tiny'], ['s']),
      n('Identity', ['z128'], ['z']),
      n('Flatten', ['x'], ['x2'], { axis: -1 }),
      n('Reshape', ['s', 'flat'], ['s1']),
      n('Shape', ['s1'], ['m']),
      n('Expand', ['z128', 'm'], ['z1']),
      n('QuantizeLinear', ['x2', 's1', 'z1'], ['y2'], { axis: 0 }),
      n('Shape', ['x'], ['x_shape']),
      n('Reshape', ['y2', 'x_shape'], ['y']),
    ],
  }),
  /** RowMatMulSym(y, w, s, w_scale, z, w_zp, bias) = MatMulIntegerToFloat(y, w, s, w_scale, z, w_zp) + bias. */
  RowMatMulSym: () => ({
    inputs: ['y', 'w', 's', 'w_scale', 'z', 'w_zp', 'bias'],
    outputs: ['out'],
    body: [
      // the bias stays outside the integer GEMM: inside, it would be multiplied by the row scale
      n('MatMulIntegerToFloat', ['y', 'w', 's', 'w_scale', 'z', 'w_zp'], ['full'], {}, 'com.microsoft'),
      n('Add', ['full', 'bias'], ['out']),
    ],
  }),
};

/**
 * RowMatMul(y, w, s, w_scale, c, w_zp, bias, ones, …) → float [.., N]: s·w_scale·Σₖ (y − z)(w − w_zp) + bias as
 * MatMulIntegerToFloat(y, w, s, w_scale) + c · [w_scale ⊙ colsum(w − w_zp); bias] — a Gemm with K = 2
 * that accumulates into its C; its right side is constant (folded at load): colsum is the product of
 * a row of ones with w. Flat: y, s are [rows, ·] and the result is reshaped to `shape` at the end.
 */
function rowMatMul(zeroPoint: boolean, flat: boolean): FunctionDef {
  const wzp = zeroPoint ? ['w_zp'] : [];
  return {
    inputs: ['y', 'w', 's', 'w_scale', 'c', ...wzp, 'bias', 'ones', 'row', ...(flat ? ['shape'] : [])],
    outputs: ['out'],
    body: [
      n('MatMulIntegerToFloat', ['y', 'w', 's', 'w_scale', '', ...wzp], ['full'], {}, 'com.microsoft'),
      // (ONNX-domain ops: ONNX Runtime's constant folding leaves contrib ops like MatMulIntegerToFloat alone)
      n('MatMulInteger', ['ones', 'w', '', ...wzp], ['colsum']),
      n('Cast', ['colsum'], ['colsum_f'], { to: ELEM.FLOAT }),
      n('Mul', ['colsum_f', 'w_scale'], ['colsum_scaled']),
      n('Reshape', ['bias', 'row'], ['bias_row']),
      n('Concat', ['colsum_scaled', 'bias_row'], ['rhs'], { axis: 0 }),
      ...(flat
        ? [n('Gemm', ['c', 'rhs', 'full'], ['out2']), n('Reshape', ['out2', 'shape'], ['out'])]
        : [
            n('Flatten', ['full'], ['full2'], { axis: -1 }),
            n('Gemm', ['c', 'rhs', 'full2'], ['out2']),
            n('Shape', ['full'], ['full_shape']),
            n('Reshape', ['out2', 'full_shape'], ['out']),
          ]),
    ],
  };
}

/**
 * RowMatMulInt(y, w, z, w_zp, ones) → int32: Σₖ (y − z)(w − w_zp) with a per-row z — MatMulInteger without
 * A's zero point, minus z · colsum(w − w_zp), exactly in int32 (for products without the usual chain).
 */
function rowMatMulInt(zeroPoint: boolean): FunctionDef {
  const wzp = zeroPoint ? ['w_zp'] : [];
  return {
    inputs: ['y', 'w', 'z', ...wzp, 'ones'],
    outputs: ['out'],
    body: [
      n('MatMulInteger', ['y', 'w', '', ...wzp], ['acc']),
      n('MatMulInteger', ['ones', 'w', '', ...wzp], ['colsum']),
      n('Cast', ['z'], ['z_i'], { to: ELEM.INT32 }),
      n('Mul', ['z_i', 'colsum'], ['correction']),
      n('Sub', ['acc', 'correction'], ['out']),
    ],
  };
}
