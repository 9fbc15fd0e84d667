// The pattern row-quant.ts rewrites, found or refused: every DynamicQuantizeLinear of the model with
// the integer products it feeds, and for each product quantize_dynamic's float chain when it has one.
// Anything else that reads a quantized tensor, its scale or its zero point — a fused op, a graph
// output, a product against a non-constant weight — is a reason to leave the model alone.

import type { NodeInfo, ParsedModel } from './onnx/model-reader.ts';
import { ELEM } from './onnx/schema.ts';
import { ROW_QUANT_DOMAIN, type RowQuantVariant } from './row-quant-functions.ts';

/** Ops that quantize their float input over the whole tensor inside one fused kernel. */
const FUSED_DYNAMIC_OPS = new Set(['DynamicQuantizeMatMul', 'DynamicQuantizeLSTM', 'QAttention', 'ConvInteger']);

/** quantize_dynamic's float side of a product: MatMulInteger → Cast → Mul(·, Mul(s, w_scale)) → Add(·, bias). */
export interface ScaleChain {
  cast: NodeInfo;
  mul: NodeInfo;
  scales: NodeInfo;
  wScale: string;
  add: NodeInfo;
  bias: string;
}

/** One MatMulInteger fed by a quantizer: weight, weight zero point ('' when absent), its chain. */
export interface QuantizedProduct {
  node: NodeInfo;
  w: string;
  wzp: string;
  chain: ScaleChain | null;
}

export interface QuantizerMatch {
  node: NodeInfo;
  /** Float input; quantized output, scale, zero point. */
  x: string;
  y: string;
  s: string;
  z: string;
  products: QuantizedProduct[];
  /** Every product has its chain and nothing else reads the scale: the path can stay [rows, H]. */
  flat: boolean;
}

export type QuantizationPattern =
  | {
      ok: true;
      /** In graph order; empty for a model without dynamic quantization. */
      quantizers: QuantizerMatch[];
      /** Consumers of each scale product Mul(s, w_scale) (the product is dropped once none is left). */
      scaleUses: Map<NodeInfo, number>;
      /** Tensors whose shape changes (scales, zero points, scale products): their value_info hints go. */
      reshaped: Set<string>;
    }
  | { ok: false; reason: string };

const isDefaultDomain = (n: NodeInfo): boolean => n.domain === '' || n.domain === 'ai.onnx';

export function matchDynamicQuantization(model: ParsedModel, variant: RowQuantVariant): QuantizationPattern {
  const { nodes, initializers, outputNames, consumers, producer, opset } = model;
  for (const n of nodes) {
    if (n.domain === ROW_QUANT_DOMAIN) return { ok: false, reason: 'the model was already rewritten' };
    if (FUSED_DYNAMIC_OPS.has(n.opType))
      return { ok: false, reason: `${n.opType} quantizes whole tensors inside one fused op` };
  }
  const scaleUses = new Map<NodeInfo, number>();
  const reshaped = new Set<string>();
  const quantizerNodes = nodes.filter((n) => n.opType === 'DynamicQuantizeLinear');
  if (quantizerNodes.length === 0) return { ok: true, quantizers: [], scaleUses, reshaped };
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

  const quantizers: QuantizerMatch[] = [];
  for (const q of quantizerNodes) {
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
        reshaped.add(o);
      }
      scaleUses.set(c, (consumers.get(c.outputs[0] ?? '') ?? []).length);
    }
    for (const t of [s, z]) reshaped.add(t);

    // When every product has quantize_dynamic's chain (and nothing else reads the scale), the
    // whole path stays in two dimensions ([rows, H]): fewer reshapes, fewer nodes.
    const chains = users.map((m) => chainOf(m, s));
    const chainMuls = new Set(chains.map((ch) => ch?.mul));
    const flat =
      variant === 'exact' &&
      chains.every((ch) => ch !== null) &&
      (consumers.get(s) ?? []).every((m) => (consumers.get(m.outputs[0] ?? '') ?? []).every((d) => chainMuls.has(d)));
    const products = users.map((m, u) => {
      const [, w = '', , wzp = ''] = m.inputs;
      return { node: m, w, wzp, chain: chains[u] ?? null };
    });
    quantizers.push({ node: q, x, y, s, z, products, flat });
  }
  return { ok: true, quantizers, scaleUses, reshaped };
}
