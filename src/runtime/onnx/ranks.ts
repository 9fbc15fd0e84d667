// Tensor ranks (number of dimensions, not the dimensions), inferred forward through a graph for
// the ops a transformer encoder is made of. A rewrite that changes a tensor's leading dimensions
// uses this to make sure it only touches tensors of the rank it expects; anything not understood
// stays unknown (absent from the map), and the rewrite then leaves that part alone.

import {
  int64TensorValues,
  nameOf,
  nodeAttributes,
  valueInfoRank,
  type NodeInfo,
  type ParsedModel,
} from './model-reader.ts';
import { GRAPH_INPUT, GRAPH_VALUE_INFO, VALUE_INFO_NAME } from './schema.ts';

/** Element-wise ops of one tensor (activations, casts): each output value from the same input value. */
export const UNARY_ELEMENTWISE: ReadonlySet<string> = new Set([
  'Abs',
  'BiasGelu',
  'Cast',
  'Ceil',
  'Clip',
  'Cos',
  'Elu',
  'Erf',
  'Exp',
  'FastGelu',
  'Floor',
  'Gelu',
  'HardSigmoid',
  'Identity',
  'LeakyRelu',
  'Log',
  'Neg',
  'QuickGelu',
  'Reciprocal',
  'Relu',
  'Round',
  'Sigmoid',
  'Sin',
  'Softplus',
  'Sqrt',
  'Tanh',
]);

/** Normalisations over the last axis. */
export const LAST_AXIS_NORMS: ReadonlySet<string> = new Set([
  'LayerNormalization',
  'SimplifiedLayerNormalization',
  'SkipLayerNormalization',
  'SkipSimplifiedLayerNormalization',
]);

/** Ops whose output 0 has the rank of input 0. */
const SAME_RANK = new Set([
  ...UNARY_ELEMENTWISE,
  ...LAST_AXIS_NORMS,
  'CumSum',
  'DequantizeLinear',
  'Dropout',
  'DynamicQuantizeLinear',
  'LogSoftmax',
  'Not',
  'QuantizeLinear',
  'Slice',
  'Softmax',
  'Transpose',
]);

/** Element-wise ops with multidirectional broadcasting: the output has the largest input rank. */
const BROADCAST = new Set([
  'Add',
  'And',
  'Div',
  'Equal',
  'Greater',
  'Less',
  'Max',
  'Min',
  'Mul',
  'Or',
  'Pow',
  'Sub',
  'Sum',
  'Where',
]);

const MATRIX_PRODUCTS = new Set([
  'MatMul',
  'MatMulInteger',
  'MatMulIntegerToFloat',
  'DynamicQuantizeMatMul',
  'FusedMatMul',
]);

const REDUCTIONS = new Set([
  'ReduceMean',
  'ReduceSum',
  'ReduceMax',
  'ReduceMin',
  'ReduceSumSquare',
  'ReduceL2',
  'ReduceProd',
]);

/** Ranks of every tensor whose rank follows from the graph inputs' declared shapes and the constants. */
export function inferRanks(model: ParsedModel): Map<string, number> {
  const { buf, gFields, nodes, initializers } = model;
  const rank = new Map<string, number>();
  /** Values of small constant int64 vectors (shapes, axes), by tensor name. */
  const ints = new Map<string, number[]>();
  for (const [name, { field, header }] of initializers) {
    rank.set(name, header.dims.length);
    if (header.dims.length <= 1 && (header.dims[0] ?? 1) <= 16) {
      const v = int64TensorValues(buf, field);
      if (v) ints.set(name, v);
    }
  }
  /** Ranks the file declares for intermediate tensors (value_info): used where inference has none. */
  const declared = new Map<string, number>();
  for (const f of gFields) {
    if (f.field !== GRAPH_INPUT && f.field !== GRAPH_VALUE_INFO) continue;
    const name = nameOf(buf, f, VALUE_INFO_NAME);
    const r = valueInfoRank(buf, f);
    if (r === null || initializers.has(name)) continue;
    if (f.field === GRAPH_INPUT) rank.set(name, r);
    else declared.set(name, r);
  }
  /** Length of a 1-D int64 tensor (a shape being built), when known. */
  const lengths = new Map<string, number>();
  const lengthOf = (t: string): number | undefined => ints.get(t)?.length ?? lengths.get(t);

  for (const n of nodes) {
    out(n);
    for (const o of n.outputs) if (!rank.has(o) && declared.has(o)) rank.set(o, declared.get(o)!);
  }
  return rank;

  function out(n: NodeInfo): void {
    const r = (i: number): number | undefined => rank.get(n.inputs[i] ?? '');
    const set = (value: number | undefined, i = 0): void => {
      const o = n.outputs[i];
      if (o && value !== undefined && value >= 0) rank.set(o, value);
    };
    const setLength = (value: number | undefined): void => {
      const o = n.outputs[0];
      if (o && value !== undefined && value >= 0) lengths.set(o, value);
    };
    const attrs = () => nodeAttributes(buf, n);
    const op = n.opType;
    if (op === 'Constant') {
      const t = attrs().get('value')?.t;
      if (!t) return;
      set(t.dims.length);
      const o = n.outputs[0];
      if (o && t.dims.length <= 1) {
        const v = int64TensorValues(buf, t.field);
        if (v) ints.set(o, v);
      }
    } else if (SAME_RANK.has(op)) {
      set(r(0));
      if (op === 'DynamicQuantizeLinear') {
        set(0, 1);
        set(0, 2);
      }
      if (op === 'Slice') sliceLength(n);
      else if (op === 'Cast' || op === 'Identity') setLength(lengthOf(n.inputs[0] ?? ''));
    } else if (BROADCAST.has(op)) {
      const all = n.inputs.filter(Boolean).map((i) => rank.get(i));
      if (all.every((x) => x !== undefined)) set(Math.max(...all));
      // arithmetic on shape vectors (e.g. a head count times a head size): same length
      const vectors = n.inputs.filter((i) => rank.get(i) === 1).map(lengthOf);
      if (all.every((x) => x !== undefined && x <= 1) && vectors.length > 0 && vectors.every((l) => l === vectors[0]))
        setLength(vectors[0]);
    } else if (op === 'Range') {
      set(1);
    } else if (op === 'Size') {
      set(0);
    } else if (op === 'ConstantOfShape') {
      set(lengthOf(n.inputs[0] ?? ''));
    } else if (MATRIX_PRODUCTS.has(op)) {
      const a = r(0);
      const b = r(1);
      if (a !== undefined && b !== undefined && a >= 2 && b >= 2) set(Math.max(a, b));
    } else if (op === 'Gemm' || op === 'Flatten') {
      set(2);
    } else if (op === 'Shape') {
      set(1);
      const x = r(0);
      if (x !== undefined) {
        // opset 15: Shape(x, start, end) is a slice of the shape
        const a = attrs();
        const clamp = (v: number) => Math.min(x, Math.max(0, v < 0 ? v + x : v));
        setLength(Math.max(0, clamp(a.get('end')?.i ?? x) - clamp(a.get('start')?.i ?? 0)));
      }
    } else if (op === 'Gather') {
      const data = r(0);
      const idx = r(1);
      if (data !== undefined && idx !== undefined) set(data + idx - 1);
      // picking entries of a shape vector
      if (data === 1 && idx === 1) setLength(ints.get(n.inputs[1] ?? '')?.length);
    } else if (op === 'Unsqueeze' || op === 'Squeeze') {
      const axes = attrs().get('axes')?.ints ?? ints.get(n.inputs[1] ?? '');
      const x = r(0);
      if (x !== undefined && axes) set(op === 'Unsqueeze' ? x + axes.length : x - axes.length);
      if (op === 'Unsqueeze' && x === 0 && axes?.length === 1 && n.outputs[0]) lengths.set(n.outputs[0], 1);
    } else if (op === 'Concat') {
      set(r(0));
      if (r(0) === 1 && n.outputs[0]) {
        const parts = n.inputs.map(lengthOf);
        if (parts.every((p) => p !== undefined))
          lengths.set(
            n.outputs[0],
            parts.reduce((s, p) => s + p, 0),
          );
      }
    } else if (op === 'Reshape' || op === 'Expand') {
      const len = lengthOf(n.inputs[1] ?? '');
      if (op === 'Reshape') set(len);
      else if (len !== undefined && r(0) !== undefined) set(Math.max(len, r(0)!));
    } else if (REDUCTIONS.has(op)) {
      const a = attrs();
      const keep = (a.get('keepdims')?.i ?? 1) === 1;
      const axes = a.get('axes')?.ints ?? ints.get(n.inputs[1] ?? '');
      if (keep) set(r(0));
      else if (axes && r(0) !== undefined) set(r(0)! - axes.length);
    }
  }

  /** Length of a slice of a shape vector (x.size()[:-2] in a PyTorch export), when its bounds are constants. */
  function sliceLength(n: NodeInfo): void {
    const len = lengthOf(n.inputs[0] ?? '');
    const o = n.outputs[0];
    if (len === undefined || rank.get(n.inputs[0] ?? '') !== 1 || !o) return;
    const a = nodeAttributes(buf, n);
    // From opset 10 the bounds are inputs; an input that is there but not a constant is unknown.
    const bound = (attr: string, input: number): number[] | null | undefined =>
      n.inputs[input] ? (ints.get(n.inputs[input]) ?? null) : a.get(attr)?.ints;
    const starts = bound('starts', 1);
    const ends = bound('ends', 2);
    const axes = bound('axes', 3);
    const steps = n.inputs[4] ? (ints.get(n.inputs[4]) ?? null) : undefined;
    if (starts?.length !== 1 || ends?.length !== 1 || axes === null || steps === null) return;
    if (axes && !(axes.length === 1 && (axes[0] === 0 || axes[0] === -1))) return;
    if (steps && !(steps.length === 1 && steps[0] === 1)) return;
    const clamp = (v: number) => Math.min(len, Math.max(0, v < 0 ? v + len : v));
    lengths.set(o, Math.max(0, clamp(ends[0]!) - clamp(starts[0]!)));
  }
}
