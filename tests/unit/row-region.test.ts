/**
 * The row-local tail before the vocabulary projection (src/runtime/row-region.ts): which ops may run
 * on the gathered mask rows only, and where the region must stop — on small hand-made graphs, so
 * that each refusal is seen alone. (The fixture models' tails, and that their numbers do not move,
 * are in tests/integration/perf-mask-rows.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { parseModel, type ParsedModel } from '../../src/runtime/onnx/model-reader.ts';
import { inferRanks } from '../../src/runtime/onnx/ranks.ts';
import { rowLocalRegion } from '../../src/runtime/row-region.ts';
import { DataType, GraphBuilder, modelBytesOf } from '../../scripts/fixtures/onnx.ts';

interface TailOptions {
  /** Rank the graph input declares (3: [batch, seq, 4]). */
  inputRank?: 2 | 3;
  normAxis?: number;
  /** Shape of the constant the first Add adds (the bias). */
  biasDims?: number[];
  /** The first Add's output is also a graph output. */
  exposeSum?: boolean;
  /**
   * The input goes through a Reshape first: to the constant shape [0, 0, 4]; to x.size()[:-1] + (4,)
   * as PyTorch exports it (Shape → Slice → Concat); or to a shape whose length is unknown (Slice up
   * to a computed end).
   */
  reshape?: 'constant' | 'torch' | 'unknown';
  /** The product is dynamically quantized (quantize_dynamic's chain). */
  quantized?: boolean;
}

/** x → [Reshape] → MatMul(W) (or its q8 chain) → Add(bias) → LayerNormalization → MatMul(W2) = logits. */
function tail(o: TailOptions = {}): { model: ParsedModel; cut: string; projection: string } {
  const g = new GraphBuilder('tail');
  const dims = o.inputRank === 2 ? ['rows', 4] : ['batch', 'seq', 4];
  let x = g.input('x', DataType.FLOAT, dims);
  if (o.reshape === 'constant') x = g.node('Reshape', [x, g.constInt64([0, 0, 4])]);
  if (o.reshape === 'torch' || o.reshape === 'unknown') {
    const shape = g.node('Shape', [x]);
    const end =
      o.reshape === 'torch' ? g.constInt64([-1]) : g.node('Sub', [g.node('Size', [shape]), g.constInt64([1])]);
    const lead = g.node('Slice', [shape, g.constInt64([0]), end, g.constInt64([0])]);
    x = g.node('Reshape', [x, g.node('Concat', [lead, g.constInt64([4])], { axis: 0 })]);
  }
  const w = new Float32Array(16).fill(0.5);
  let product: string;
  if (o.quantized) {
    const [y, s, z] = g.nodeN('DynamicQuantizeLinear', [x], 3) as [string, string, string];
    const wq = g.initializer('wq', new Int8Array(16).fill(3), [4, 4]);
    const acc = g.node('Cast', [g.node('MatMulInteger', [y, wq, z, g.initializer('wzp', Int8Array.of(0), [])])], {
      to: DataType.FLOAT,
    });
    product = g.node('Mul', [acc, g.node('Mul', [s, g.initializer('ws', Float32Array.of(0.1), [])])]);
  } else {
    product = g.node('MatMul', [x, g.initializer('w', w, [4, 4])]);
  }
  const biasDims = o.biasDims ?? [4];
  const bias = g.initializer('b', new Float32Array(biasDims.reduce((a, b) => a * b, 1)).fill(0.1), biasDims);
  const sum = o.exposeSum ? g.nodeNamed('Add', [product, bias], 'sum') : g.node('Add', [product, bias]);
  if (o.exposeSum) g.output('sum', DataType.FLOAT, dims);
  const cut = g.node(
    'LayerNormalization',
    [sum, g.initializer('gamma', new Float32Array(4).fill(1), [4]), g.initializer('beta', new Float32Array(4), [4])],
    { axis: o.normAxis ?? -1 },
  );
  g.nodeNamed('MatMul', [cut, g.initializer('w2', new Float32Array(24).fill(0.2), [4, 6])], 'logits');
  g.output('logits', DataType.FLOAT, [...dims.slice(0, -1), 6]);
  const bytes = modelBytesOf(g, {
    opset: 17,
    irVersion: 8,
    producerName: 't',
    producerVersion: '1',
    docString: '',
    metadata: {},
  });
  const model = parseModel(bytes);
  if ('error' in model) throw new Error(model.error);
  return { model, cut, projection: 'logits' };
}

function region(o: TailOptions = {}, throughQuantizers = false) {
  const { model, cut, projection } = tail(o);
  const downstream = new Set(model.nodes.filter((n) => n.outputs.includes(projection)));
  const r = rowLocalRegion(model, cut, { downstream, ranks: inferRanks(model), throughQuantizers });
  return { ops: [...r.nodes].map((n) => n.opType).sort(), frontier: r.frontier, cut };
}

describe('rowLocalRegion', () => {
  it('grows back from the cut through products against constant weights, biases and the layer norm', () => {
    expect(region()).toMatchObject({ ops: ['Add', 'LayerNormalization', 'MatMul'], frontier: ['x'] });
  });

  it('starts after a Reshape whose shape has 3 entries: a constant, or x.size()[:-1] + (4,) as PyTorch exports it', () => {
    for (const reshape of ['constant', 'torch'] as const) {
      const r = region({ reshape });
      expect(r.ops).toEqual(['Add', 'LayerNormalization', 'MatMul']);
      expect(r.frontier).toHaveLength(1);
      expect(r.frontier[0]).not.toBe('x');
    }
    const unknown = region({ reshape: 'unknown' });
    expect(unknown).toMatchObject({ ops: [], frontier: [unknown.cut] });
  });

  it('gathers only tensors known to be [batch, seq, ·]: a rank-2 input keeps the rows at the cut', () => {
    const r = region({ inputRank: 2 });
    expect(r.ops).toEqual([]);
    expect(r.frontier).toEqual([r.cut]);
  });

  it('stops at a normalisation over another axis than the last', () => {
    const r = region({ normAxis: 2 });
    expect(r).toMatchObject({ ops: [], frontier: [r.cut] });
  });

  it('stops where a tensor is also read outside (a graph output)', () => {
    expect(region({ exposeSum: true })).toMatchObject({ ops: ['LayerNormalization'], frontier: ['sum'] });
  });

  it('stops at a constant that would not broadcast the same over [N, ·] as over [B, S, ·]', () => {
    expect(region({ biasDims: [1, 1, 4] }).ops).toEqual(['LayerNormalization']);
    expect(region({ biasDims: [1, 4] }).ops).toEqual(['Add', 'LayerNormalization', 'MatMul']);
  });

  it('goes through a dynamic quantizer only when the caller makes it per-row', () => {
    const perTensor = region({ quantized: true }, false);
    expect(perTensor).toMatchObject({ ops: [], frontier: [perTensor.cut] });
    const perRow = region({ quantized: true }, true);
    expect(perRow.ops).toEqual([
      'Add',
      'Cast',
      'DynamicQuantizeLinear',
      'LayerNormalization',
      'MatMulInteger',
      'Mul',
      'Mul',
    ]);
    expect(perRow.frontier).toEqual(['x']);
  });
});

describe('inferRanks', () => {
  it('follows broadcasting, products, Reshape by a constant shape and the quantizer outputs', () => {
    const { model } = tail({ reshape: 'constant', quantized: true });
    const ranks = inferRanks(model);
    const byOp = (op: string) => model.nodes.find((n) => n.opType === op)!;
    expect(ranks.get('x')).toBe(3);
    expect(ranks.get(byOp('Reshape').outputs[0]!)).toBe(3);
    expect(byOp('DynamicQuantizeLinear').outputs.map((t) => ranks.get(t))).toEqual([3, 0, 0]);
    expect(ranks.get(byOp('MatMulInteger').outputs[0]!)).toBe(3);
    expect(ranks.get('logits')).toBe(3);
  });
});
