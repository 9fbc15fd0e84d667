// The model-local ONNX functions (ModelProto.functions, IR version 8) that row-quant.ts calls in
// place of each quantizer and each product, and the constants they share. ONNX Runtime inlines
// them; as functions each quantizer and each product is one node of about its old size in the main
// graph, so the rewrite fits in place around the untouched weights (onnx/write-graph.ts).
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
// Where a product lacks quantize_dynamic's Cast → Mul → Add chain, RowMatMulInt corrects it in int32
// instead (MatMulInteger without A's zero point, minus z · colsum, exact).
//
// Not fused: ONNX Runtime's own DynamicQuantizeMatMul / MatMulIntegerToFloat fusion (per-tensor
// scale, bias folded into the GEMM). Beware that when that fusion meets a per-row A scale *and* a
// bias (ONNX Runtime 1.30), the bias gets multiplied by the row scale — wrong; these functions never
// produce that pattern.

import { encodeNode, type AttrValue } from './onnx/message-encoders.ts';
import type { ProtoWriter } from './onnx/protobuf.ts';
import { ELEM } from './onnx/schema.ts';

/** Domain of the model-local functions. */
export const ROW_QUANT_DOMAIN = 'clozelab';

/**
 * - 'symmetric' (measured alternative, opset 13+): scale max|x| / 127 per row and the zero point 128
 *   for every row, so the product needs no zero-point correction (BENCHMARKS.md).
 * - 'exact' (the default): DynamicQuantizeLinear's formula per row (asymmetric: a zero point per row).
 */
export type RowQuantVariant = 'exact' | 'symmetric';

/** The variant used when none is asked for. */
export function defaultRowQuantVariant(): RowQuantVariant {
  // Symmetric is cheaper, but its q8 logits move further from a per-tensor backend's (WebGPU's parity
  // check against WASM: max |Δlogit| 0.21 > 0.05), so the exact formula stays the default.
  return 'exact';
}

const f32 = (x: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return b;
};
/** Little-endian int64 bytes (a Constant's raw data). */
export const i64 = (values: readonly number[]): Uint8Array => {
  const b = new Uint8Array(8 * values.length);
  const view = new DataView(b.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return b;
};
/** A Constant node with the given tensor. */
export const constant = (out: string, dataType: number, dims: readonly number[], raw: Uint8Array): ProtoWriter =>
  encodeNode('Constant', [], [out], { value: { tensor: { dataType, dims, raw } } });
const n = (
  op: string,
  inputs: string[],
  outputs: string[],
  attrs: Readonly<Record<string, AttrValue>> = {},
  domain?: string,
): ProtoWriter => encodeNode(op, inputs, outputs, attrs, domain ? { domain } : {});

/** Smallest normal float32: the scale of an all-zero row (DynamicQuantizeLinear says 1; the product is 0 either way). */
const FLT_MIN = 1.1754943508222875e-38;

/**
 * Constants the functions share, made once in the main graph and passed in as inputs (as Constant
 * nodes inside each function they would be made again for every call when ONNX Runtime inlines it).
 */
export const SHARED = {
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

export interface FunctionDef {
  inputs: string[];
  outputs: string[];
  body: ProtoWriter[];
}
export type FunctionName =
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
function rowRange(opset: number, x: string): ProtoWriter[] {
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
function rowParams(opset: number): ProtoWriter[] {
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

export const FUNCTIONS: Record<FunctionName, (opset: number) => FunctionDef> = {
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
      ...rowRange(opset, 'x'),
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
