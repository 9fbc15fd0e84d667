// Batch-invariant dynamic quantization: rewrites a dynamically quantized ONNX model (what
// onnxruntime.quantization.quantize_dynamic emits: DynamicQuantizeLinear → MatMulInteger → Cast →
// Mul(scales) → Add(bias)) so that every activation is quantized per row — per token position, over
// the last axis only — instead of over the whole [B, S, H] tensor. Then a prompt's numbers depend on
// its own tokens only: not on what else shares its batch, not on the padding, not on timing.
//
//   before:  x ─ DynamicQuantizeLinear ─ (y, s, z) ─ MatMulInteger(y, W, z, w_zp) ─ Cast ─ Mul(·, s·w_s) ─ Add(b)
//   after:   x ─ clozelab.RowQuant ─ (y, s[.., 1], z[.., 1], c[M, 2]) ─ clozelab.RowMatMul(y, W, s, w_s, c, w_zp, b)
//
// That is the 'exact' variant; from opset 13 the default is 'symmetric' (one zero point for all rows,
// so no correction). This file replaces the nodes: row-quant-pattern.ts finds (or refuses) the
// pattern, and row-quant-functions.ts holds what the functions compute, and why that way. Where a
// product lacks quantize_dynamic's chain it is corrected in int32 (RowMatMulInt) and the chain is
// left as it is. Graphs it does not understand are left alone, with a reason. Pure bytes in, bytes out.

import { encodeField, encodeFunction, encodeNode, encodeOpset } from './onnx/message-encoders.ts';
import { parseModel, type NodeInfo, type ParsedModel } from './onnx/model-reader.ts';
import { ProtoWriter, type Field } from './onnx/protobuf.ts';
import { ELEM, GRAPH_NODE, MODEL_FUNCTIONS, MODEL_IR_VERSION, MODEL_OPSET_IMPORT } from './onnx/schema.ts';
import { writeGraph, type GraphEdit } from './onnx/write-graph.ts';
import {
  defaultRowQuantVariant,
  FUNCTIONS,
  ROW_QUANT_DOMAIN,
  SHARED,
  constant,
  i64,
  type FunctionName,
  type RowQuantVariant,
} from './row-quant-functions.ts';
import { matchDynamicQuantization } from './row-quant-pattern.ts';

export { defaultRowQuantVariant, ROW_QUANT_DOMAIN, type RowQuantVariant } from './row-quant-functions.ts';

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
    return rewrite(parsed, options.inPlace === true, options.variant ?? defaultRowQuantVariant());
  } catch (error) {
    return {
      ok: false,
      reason: `could not read the ONNX file (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

function rewrite(
  model: ParsedModel,
  inPlace: boolean,
  variant: RowQuantVariant,
): RowQuantRewrite | RowQuantUnsupported {
  const { buf, nodes, initializers, opset, modelFields } = model;
  const pattern = matchDynamicQuantization(model, variant);
  if (!pattern.ok) return pattern;
  const { quantizers, scaleUses } = pattern;
  if (quantizers.length === 0) return { ok: true, bytes: buf, quantizers: 0, matmuls: 0, inPlace: false };

  const replace = new Map<Field, ProtoWriter>();
  const dropValueInfo = new Set<string>(pattern.reshaped);
  const used = new Set<FunctionName>();
  let matmuls = 0;
  let contrib = false;
  const extra: ProtoWriter[] = [];
  const drop = (n: NodeInfo): void => {
    replace.set(n.field, new ProtoWriter());
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
      extra.push(encodeField(GRAPH_NODE, constant(name, dataType, dims, raw)));
      constants.set(key, name);
    }
    return name;
  };
  /** A row of K ones (uint8 [1, K]), one per K: the left side of colsum(w − w_zp). */
  const onesFor = (k: number): string => {
    const name = `${prefix}1x${k}`;
    if (!constants.has(name)) {
      extra.push(encodeField(GRAPH_NODE, constant(`${name}s`, ELEM.INT64, [2], i64([1, k]))));
      const value = { tensor: { dataType: ELEM.UINT8, dims: [1], raw: Uint8Array.of(1) } };
      extra.push(encodeField(GRAPH_NODE, encodeNode('ConstantOfShape', [`${name}s`], [name], { value })));
      constants.set(name, name);
    }
    return name;
  };
  const call = (op: FunctionName, inputs: string[], outputs: string[]): ProtoWriter => {
    used.add(op);
    if (op.startsWith('RowMatMul')) contrib = contrib || (op !== 'RowMatMulInt' && op !== 'RowMatMulIntNoZp');
    return encodeField(GRAPH_NODE, encodeNode(op, inputs, outputs, {}, { domain: ROW_QUANT_DOMAIN }));
  };
  const rowQuantConstants = (): string[] =>
    (['zero', 'q255', 'floor', 'flat', 'zeroI', 'pad', 'oneF'] as const).map((k) => shared(k));

  let serial = 0;
  const flatByInput = new Map<string, { y: string; s: string; c: string; shape: string }>();
  for (const { node: q, x, y, s, z, products, flat } of quantizers) {
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

    for (const { node: m, w, wzp, chain } of products) {
      if (replace.has(m.field)) continue;
      matmuls++;
      const ones = onesFor(initializers.get(w)?.header.dims[0] ?? 0);
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
  const modelReplace = new Map<Field, ProtoWriter>();
  const ir = modelFields.find((f) => f.field === MODEL_IR_VERSION && f.wire === 0);
  if (ir && ir.value < 8) modelReplace.set(ir, new ProtoWriter().int(MODEL_IR_VERSION, 8));
  const modelExtra: ProtoWriter[] = [encodeField(MODEL_OPSET_IMPORT, encodeOpset(ROW_QUANT_DOMAIN, 1))];
  if (contrib && !model.opsetDomains.has('com.microsoft'))
    modelExtra.push(encodeField(MODEL_OPSET_IMPORT, encodeOpset('com.microsoft', 1)));
  const opsets = [encodeOpset('', opset), encodeOpset('com.microsoft', 1)];
  for (const name of used) {
    const fn = FUNCTIONS[name](opset);
    const body = encodeFunction(ROW_QUANT_DOMAIN, name, fn.inputs, fn.outputs, fn.body, opsets);
    modelExtra.push(encodeField(MODEL_FUNCTIONS, body));
  }

  const edit: GraphEdit = { replace, extra, dropValueInfo, modelReplace, modelExtra };
  const written = writeGraph(model, edit, inPlace);
  return { ok: true, ...written, quantizers: quantizers.length, matmuls };
}
