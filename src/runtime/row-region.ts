// The row-local tail of an encoder: the ops before the vocabulary projection whose output at one
// position depends only on that position — the last layer's attention output projection, its
// residual additions and layer norms, its feed-forward block, the head's transform. mask-rows.ts
// gathers the mask rows where this region begins instead of just before the projection, so the
// region runs on N mask rows instead of B × S positions (for a 40-token prompt, 1/40 of the work).
//
// Exact by construction: every op in the region computes each row from the same row of its inputs
// (matrix products against constant weights, element-wise ops with constants that broadcast over
// rows, normalisations and reductions over the last axis). A dynamic quantizer computes its scale
// over every row it sees, so it may only be inside when the caller makes it per-row afterwards
// (row-quant.ts); otherwise the region stops before it. Anything not understood ends the region.

import { int64TensorValues, nodeAttributes, type NodeInfo, type ParsedModel } from './onnx/model-reader.ts';
import { LAST_AXIS_NORMS, UNARY_ELEMENTWISE } from './onnx/ranks.ts';

const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum']);
const REDUCTIONS = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceSumSquare', 'ReduceL2']);

export interface RowRegion {
  /** Nodes that run on the gathered rows (empty: gather at the cut itself). */
  nodes: Set<NodeInfo>;
  /** Tensors gathered where the region begins ([B, S, ·] each); [cut] when the region is empty. */
  frontier: string[];
}

/**
 * The row-local region that ends at `cut` (the projection's input), grown backwards through ops
 * that are row-local and whose every output is read only inside the region or by `downstream`.
 * `ranks` (onnx/ranks.ts) must know every tensor where the region begins to be of rank 3.
 */
export function rowLocalRegion(
  model: ParsedModel,
  cut: string,
  options: {
    /** The nodes after the cut that read it (the projection, or its quantizer). */
    downstream: ReadonlySet<NodeInfo>;
    ranks: ReadonlyMap<string, number>;
    /** Dynamic quantizers may be inside: the caller makes every one per-row afterwards. */
    throughQuantizers: boolean;
  },
): RowRegion {
  const { buf, nodes, initializers, producer, consumers, outputNames, opset } = model;
  const { downstream, ranks, throughQuantizers } = options;
  const empty: RowRegion = { nodes: new Set(), frontier: [cut] };
  const start = producer.get(cut);
  if (!start || outputNames.has(cut)) return empty;
  if (!(consumers.get(cut) ?? []).every((c) => downstream.has(c))) return empty;

  /** Dims of a constant (initializer or Constant node output); null when not a constant. */
  const constantDims = (t: string): number[] | null => {
    const init = initializers.get(t);
    if (init) return init.header.dims;
    const p = producer.get(t);
    if (p?.opType !== 'Constant') return null;
    return nodeAttributes(buf, p).get('value')?.t?.dims ?? null;
  };
  /** A constant that broadcasts the same way over [B, S, ·] and over [N, ·]. */
  const broadcastsOverRows = (dims: number[]): boolean => dims.length <= 1 || (dims.length === 2 && dims[0] === 1);
  const constInts = (t: string): number[] | null => {
    const init = initializers.get(t);
    return init ? int64TensorValues(buf, init.field) : null;
  };
  const lastAxisOnly = (n: NodeInfo, attr: string, fromInput: number): boolean => {
    const a = nodeAttributes(buf, n);
    const axes = a.get(attr)?.ints ?? (n.inputs[fromInput] ? constInts(n.inputs[fromInput] ?? '') : null);
    return axes?.length === 1 && axes[0] === -1 && (a.get('keepdims')?.i ?? 1) === 1;
  };

  /** Whether `n` is row-local, given which of its inputs are constants of which shape. */
  const rowLocal = (n: NodeInfo): boolean => {
    if (n.domain !== '' && n.domain !== 'ai.onnx' && n.domain !== 'com.microsoft') return false;
    const op = n.opType;
    const constantInputs = (check: (i: number, dims: number[]) => boolean): boolean =>
      n.inputs.every((t, i) => {
        if (!t) return true;
        const dims = constantDims(t);
        return dims === null || check(i, dims);
      });
    if (UNARY_ELEMENTWISE.has(op) || BINARY.has(op)) return constantInputs((_, d) => broadcastsOverRows(d));
    if (LAST_AXIS_NORMS.has(op)) {
      const axis = nodeAttributes(buf, n).get('axis')?.i ?? -1;
      return axis === -1 && constantInputs((i, d) => i >= 1 && d.length <= 1);
    }
    if (op === 'Softmax' || op === 'LogSoftmax') {
      const axis = nodeAttributes(buf, n).get('axis')?.i;
      return axis === -1 || (axis === undefined && opset >= 13);
    }
    if (REDUCTIONS.has(op)) return lastAxisOnly(n, 'axes', 1);
    if (op === 'MatMul')
      return constantDims(n.inputs[1] ?? '')?.length === 2 && constantDims(n.inputs[0] ?? '') === null;
    if (op === 'MatMulInteger') {
      if (!throughQuantizers) return false;
      const [a = '', w = '', , wzp = ''] = n.inputs;
      return (
        constantDims(w)?.length === 2 && constantDims(a) === null && (!wzp || (constantDims(wzp)?.length ?? 9) <= 1)
      );
    }
    if (op === 'DynamicQuantizeLinear') return throughQuantizers;
    return false;
  };

  const region = new Set<NodeInfo>();
  const needed = new Set<string>([cut]);
  for (let i = start.index; i >= 0; i--) {
    const n = nodes[i] as NodeInfo;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    if (!rowLocal(n)) continue;
    const readInside = n.outputs.every(
      (o) => !outputNames.has(o) && (consumers.get(o) ?? []).every((c) => region.has(c) || downstream.has(c)),
    );
    if (!readInside) continue;
    region.add(n);
    for (const t of n.inputs) if (t && constantDims(t) === null) needed.add(t);
  }
  if (region.size === 0) return empty;
  const made = new Set<string>();
  for (const n of region) for (const o of n.outputs) made.add(o);
  const frontier = [...needed].filter((t) => !made.has(t));
  // Every tensor gathered must be [B, S, ·] (rank 3), so that row b·S + s is position s of prompt b.
  if (frontier.some((t) => ranks.get(t) !== 3)) return empty;
  return { nodes: region, frontier };
}
