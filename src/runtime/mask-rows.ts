// Graph surgery for "mask rows only": rewrites a masked-LM ONNX model so that the vocabulary
// projection (the largest matrix of the model: hidden × vocab) runs only for the rows we read —
// the mask positions — instead of every position of every prompt.
//
//   before:  … → t [B, S, H] → (DynamicQuantizeLinear →) MatMul(·, W[H, V]) → (+bias) → logits [B, S, V]
//   after:   … → t [B, S, H] → Flatten(axis 2) → Gather(rows) → (DQL →) MatMul → (+bias) → logits [N, V]
//
// `rows` is a new int64 input [N] with flat indices (batch row × padded length + position). Every
// position still flows through the encoder (attention needs it); only the projection, and the
// [B, S, V] output copy, shrink to the N mask rows. fp32 results equal the plain model's at the
// mask rows (checked by tests/integration/perf-mask-rows.test.ts). For dynamically quantized (q8)
// models the projection's activation scale is computed over the gathered rows instead of the whole
// padded batch, so results differ slightly — as they already do between two batch compositions.
//
// Pure bytes in, bytes out: a minimal protobuf reader/writer for the few ONNX messages involved;
// weights (initializers) are never decoded. With `inPlace` they are not even copied: the changed
// head and tail are written around them in the caller's buffer (and can be restored afterwards).
// No model runtime imports.

export const MASK_ROWS_INPUT = 'clozelab_mask_rows';

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
  /** True when `bytes` is a view of the input buffer, rewritten in place (no copy of the weights). */
  inPlace: boolean;
  /** In-place only: puts the input buffer's original bytes back (once the bytes have been consumed). */
  restore?: () => void;
}

export interface MaskRowsUnsupported {
  ok: false;
  reason: string;
}

// ---- protobuf wire format ----------------------------------------------------------------------

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

interface Field {
  field: number;
  wire: number;
  /** Byte range of the whole field (tag included). */
  start: number;
  end: number;
  /** Payload range for length-delimited fields. */
  dataStart: number;
  dataEnd: number;
  /** Value of a varint field (as a number; large values lose precision, which we never need). */
  value: number;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 1;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    result += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift *= 128;
  }
  throw new Error('varint too long');
}

function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let dataStart = pos;
    let dataEnd = pos;
    let value = 0;
    switch (wire) {
      case WIRE_VARINT: {
        const [v, p2] = readVarint(buf, pos);
        value = v;
        pos = p2;
        break;
      }
      case WIRE_FIXED64:
        pos += 8;
        break;
      case WIRE_LEN: {
        const [len, p2] = readVarint(buf, pos);
        dataStart = p2;
        dataEnd = p2 + len;
        pos = dataEnd;
        break;
      }
      case WIRE_FIXED32:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${wire}`);
    }
    if (pos > end) throw new Error('truncated protobuf message');
    yield { field, wire, start: fieldStart, end: pos, dataStart, dataEnd, value };
  }
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function str(buf: Uint8Array, f: Field): string {
  return decoder.decode(buf.subarray(f.dataStart, f.dataEnd));
}

/** Growable output made of small encoded pieces and views into the source buffer. */
class Out {
  readonly parts: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  varint(n: number): void {
    const bytes: number[] = [];
    let v = n;
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.push(Uint8Array.from(bytes));
  }
  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  lenField(field: number, payload: Out | Uint8Array): void {
    this.tag(field, WIRE_LEN);
    if (payload instanceof Out) {
      this.varint(payload.length);
      for (const p of payload.parts) this.push(p);
    } else {
      this.varint(payload.length);
      this.push(payload);
    }
  }
  string(field: number, s: string): void {
    this.lenField(field, encoder.encode(s));
  }
  int(field: number, n: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(n);
  }
  concat(): Uint8Array {
    const result = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      result.set(p, at);
      at += p.length;
    }
    return result;
  }
}

// ---- ONNX messages (field numbers from onnx.proto) --------------------------------------------

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const TENSOR_NAME = 8;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_TYPE_ELEM = 1;
const TENSOR_TYPE_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_PARAM = 2;
const ATTR_NAME = 1;
const ATTR_I = 3;
const ATTR_TYPE = 20;
const ATTR_TYPE_INT = 2;
const ELEM_INT64 = 7;

interface NodeInfo {
  index: number;
  field: Field;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
}

function parseNode(buf: Uint8Array, f: Field, index: number): NodeInfo {
  const node: NodeInfo = { index, field: f, opType: '', domain: '', inputs: [], outputs: [] };
  for (const g of fields(buf, f.dataStart, f.dataEnd)) {
    if (g.field === NODE_INPUT) node.inputs.push(str(buf, g));
    else if (g.field === NODE_OUTPUT) node.outputs.push(str(buf, g));
    else if (g.field === NODE_OP_TYPE) node.opType = str(buf, g);
    else if (g.field === NODE_DOMAIN) node.domain = str(buf, g);
  }
  return node;
}

function nameOf(buf: Uint8Array, f: Field, nameField: number): string {
  for (const g of fields(buf, f.dataStart, f.dataEnd))
    if (g.field === nameField && g.wire === WIRE_LEN) return str(buf, g);
  return '';
}

/** Element type of a tensor ValueInfoProto (0 when absent). */
function elemTypeOf(buf: Uint8Array, f: Field): number {
  for (const g of fields(buf, f.dataStart, f.dataEnd)) {
    if (g.field !== VALUE_INFO_TYPE) continue;
    for (const t of fields(buf, g.dataStart, g.dataEnd)) {
      if (t.field !== TYPE_TENSOR) continue;
      for (const e of fields(buf, t.dataStart, t.dataEnd)) if (e.field === TENSOR_TYPE_ELEM) return e.value;
    }
  }
  return 0;
}

function encodeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  intAttrs: Record<string, number>,
): Out {
  const out = new Out();
  for (const i of inputs) out.string(NODE_INPUT, i);
  for (const o of outputs) out.string(NODE_OUTPUT, o);
  out.string(NODE_NAME, name);
  out.string(NODE_OP_TYPE, opType);
  for (const [key, value] of Object.entries(intAttrs)) {
    const attr = new Out();
    attr.string(ATTR_NAME, key);
    attr.int(ATTR_I, value);
    attr.int(ATTR_TYPE, ATTR_TYPE_INT);
    out.lenField(NODE_ATTRIBUTE, attr);
  }
  return out;
}

/** The node with input `index` renamed; every other field copied byte for byte. */
function renameNodeInput(buf: Uint8Array, node: NodeInfo, inputIndex: number, newName: string): Out {
  const out = new Out();
  let seen = 0;
  for (const g of fields(buf, node.field.dataStart, node.field.dataEnd)) {
    if (g.field === NODE_INPUT) {
      if (seen++ === inputIndex) {
        out.string(NODE_INPUT, newName);
        continue;
      }
    }
    out.push(buf.subarray(g.start, g.end));
  }
  return out;
}

/** A tensor ValueInfoProto with one symbolic dimension per entry of `dims`, or no shape at all. */
function encodeValueInfo(name: string, elemType: number, dims: string[] | null): Out {
  const tensor = new Out();
  tensor.int(TENSOR_TYPE_ELEM, elemType);
  if (dims) {
    const shape = new Out();
    for (const d of dims) {
      const dim = new Out();
      dim.string(DIM_PARAM, d);
      shape.lenField(SHAPE_DIM, dim);
    }
    tensor.lenField(TENSOR_TYPE_SHAPE, shape);
  }
  const type = new Out();
  type.lenField(TYPE_TENSOR, tensor);
  const info = new Out();
  info.string(VALUE_INFO_NAME, name);
  info.lenField(VALUE_INFO_TYPE, type);
  return info;
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
  } = {},
): MaskRowsRewrite | MaskRowsUnsupported {
  try {
    return rewrite(model, options.logitsName ?? 'logits', options.allowedInputs ?? null, options.inPlace === true);
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
): MaskRowsRewrite | MaskRowsUnsupported {
  const modelFields = [...fields(buf, 0, buf.length)];
  const graphFields = modelFields.filter((f) => f.field === MODEL_GRAPH && f.wire === WIRE_LEN);
  if (graphFields.length !== 1) return { ok: false, reason: 'the file has no single graph' };
  const graph = graphFields[0] as Field;
  const gFields = [...fields(buf, graph.dataStart, graph.dataEnd)];

  const nodes: NodeInfo[] = [];
  const nodeOfField = new Map<Field, NodeInfo>();
  const initializers = new Set<string>();
  const inputNames = new Set<string>();
  for (const f of gFields) {
    if (f.field === GRAPH_NODE) {
      const node = parseNode(buf, f, nodes.length);
      nodes.push(node);
      nodeOfField.set(f, node);
    } else if (f.field === GRAPH_INITIALIZER) initializers.add(nameOf(buf, f, TENSOR_NAME));
    else if (f.field === GRAPH_INPUT) inputNames.add(nameOf(buf, f, VALUE_INFO_NAME));
  }
  if (inputNames.has(MASK_ROWS_INPUT)) return { ok: false, reason: 'the model was already rewritten' };
  for (const name of inputNames) {
    if (allowedInputs && !initializers.has(name) && !allowedInputs.includes(name)) {
      return { ok: false, reason: `the model needs an input the fast path does not provide ("${name}")` };
    }
  }
  const outputField = gFields.find((f) => f.field === GRAPH_OUTPUT && nameOf(buf, f, VALUE_INFO_NAME) === logitsName);
  if (!outputField) return { ok: false, reason: `the model has no "${logitsName}" output` };

  const producer = new Map<string, NodeInfo>();
  const consumers = new Map<string, NodeInfo[]>();
  for (const n of nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) {
      if (!i) continue;
      const list = consumers.get(i) ?? [];
      list.push(n);
      consumers.set(i, list);
    }
  }

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

  // Tensors whose shapes change: drop their (optional) value_info hints.
  const reshaped = new Set<string>();
  for (const n of [projection, target, ...passThrough]) for (const o of n.outputs) reshaped.add(o);

  const flat = `${cut}__clozelab_flat`;
  const rows = `${cut}__clozelab_rows`;
  const lastInput = lastOf(gFields, GRAPH_INPUT);
  const rowsInput = encodeValueInfo(MASK_ROWS_INPUT, ELEM_INT64, ['mask_rows']);
  /** The graph's fields from `list`, rewritten; `strip`: nodes written without their (optional) name. */
  const emit = (
    list: readonly Field[],
    strip: ReadonlySet<Field>,
    inputHere: 'after-last-input' | 'first' | 'none',
  ): Out => {
    const out = new Out();
    if (inputHere === 'first') out.lenField(GRAPH_INPUT, rowsInput);
    for (const f of list) {
      if (f.field === GRAPH_NODE) {
        const node = nodeOfField.get(f) as NodeInfo;
        if (node === target) {
          out.lenField(GRAPH_NODE, encodeNode('Flatten', [cut], [flat], 'clozelab_rows_flatten', { axis: 2 }));
          out.lenField(
            GRAPH_NODE,
            encodeNode('Gather', [flat, MASK_ROWS_INPUT], [rows], 'clozelab_rows_gather', { axis: 0 }),
          );
          out.lenField(GRAPH_NODE, renameNodeInput(buf, target, 0, rows));
          continue;
        }
        if (strip.has(f)) {
          out.lenField(GRAPH_NODE, withoutName(buf, f));
          continue;
        }
      } else if (f.field === GRAPH_OUTPUT && f === outputField) {
        out.lenField(GRAPH_OUTPUT, encodeValueInfo(logitsName, elemTypeOf(buf, f) || 1, null));
        continue;
      } else if (f.field === GRAPH_VALUE_INFO && reshaped.has(nameOf(buf, f, VALUE_INFO_NAME))) {
        continue;
      }
      out.push(buf.subarray(f.start, f.end));
      if (inputHere === 'after-last-input' && f === lastInput) out.lenField(GRAPH_INPUT, rowsInput);
    }
    return out;
  };
  const modelBefore = modelFields.filter((f) => f.end <= graph.start);
  const modelAfter = modelFields.filter((f) => f.start >= graph.end);
  const graphTag = (length: number): Out => {
    const o = new Out();
    o.tag(MODEL_GRAPH, WIRE_LEN);
    o.varint(length);
    return o;
  };

  if (inPlace) {
    const done = rewriteInPlace(buf, gFields, modelBefore, modelAfter, emit, graphTag, nodeOfField, target);
    if (done)
      return { ok: true, bytes: done.bytes, restore: done.restore, cut, projection: projection.opType, inPlace: true };
  }
  const newGraph = emit(gFields, new Set(), 'after-last-input');
  const out = new Out();
  for (const f of modelFields) {
    if (f === graph) out.lenField(MODEL_GRAPH, newGraph);
    else out.push(buf.subarray(f.start, f.end));
  }
  return { ok: true, bytes: out.concat(), cut, projection: projection.opType, inPlace: false };
}

type Emit = (
  list: readonly Field[],
  strip: ReadonlySet<Field>,
  inputHere: 'after-last-input' | 'first' | 'none',
) => Out;

/**
 * The rewrite without copying the weights: the initializers (all but a few kilobytes of the file)
 * stay where they are; the new head (model fields, graph header, nodes) is written just before
 * them and the new tail (inputs, outputs, value_info, later model fields) just after them, and the
 * result is a view of `buf`. The head may not grow, so optional node names are dropped until it
 * fits. Returns null (nothing written) where the layout does not allow it.
 */
function rewriteInPlace(
  buf: Uint8Array,
  gFields: readonly Field[],
  modelBefore: readonly Field[],
  modelAfter: readonly Field[],
  emit: Emit,
  graphTag: (length: number) => Out,
  nodeOfField: ReadonlyMap<Field, NodeInfo>,
  target: NodeInfo,
): { bytes: Uint8Array; restore: () => void } | null {
  const inits = gFields.filter((f) => f.field === GRAPH_INITIALIZER);
  if (inits.length === 0) return null;
  const first = inits[0] as Field;
  const last = inits[inits.length - 1] as Field;
  // The initializers must be one contiguous run.
  if (gFields.some((f) => f.field !== GRAPH_INITIALIZER && f.start >= first.start && f.end <= last.end)) return null;
  const before = gFields.filter((f) => f.end <= first.start);
  const after = gFields.filter((f) => f.start >= last.end);
  const span = last.end - first.start;
  const inputInTail = after.some((f) => f.field === GRAPH_INPUT);

  for (const inputHere of inputInTail ? (['tail', 'head'] as const) : (['head'] as const)) {
    const strip = new Set<Field>();
    const named = before.filter((f) => f.field === GRAPH_NODE && nodeOfField.get(f) !== target && hasName(buf, f));
    for (let attempt = 0; attempt < 64; attempt++) {
      const graphHead = emit(before, strip, inputHere === 'head' ? 'first' : 'none');
      const graphTail = emit(after, strip, inputHere === 'tail' ? 'after-last-input' : 'none');
      const graphLength = graphHead.length + span + graphTail.length;
      const head = new Out();
      for (const f of modelBefore) head.push(buf.subarray(f.start, f.end));
      for (const p of graphTag(graphLength).parts) head.push(p);
      for (const p of graphHead.parts) head.push(p);
      const tail = new Out();
      for (const p of graphTail.parts) tail.push(p);
      for (const f of modelAfter) tail.push(buf.subarray(f.start, f.end));
      if (tail.length > buf.length - last.end) break; // try the input in the head
      const excess = head.length - first.start;
      if (excess <= 0) {
        // Materialise first: both pieces are partly views of the bytes they will overwrite.
        const headBytes = head.concat();
        const tailBytes = tail.concat();
        const start = first.start - headBytes.length;
        const savedHead = buf.slice(start, first.start);
        const savedTail = buf.slice(last.end, last.end + tailBytes.length);
        buf.set(headBytes, start);
        buf.set(tailBytes, last.end);
        return {
          bytes: buf.subarray(start, last.end + tailBytes.length),
          restore: () => {
            buf.set(savedHead, start);
            buf.set(savedTail, last.end);
          },
        };
      }
      // Drop names of more nodes (each saves its name field), then try again.
      let saved = 0;
      while (saved < excess + 16 && named.length > 0) {
        const f = named.shift() as Field;
        strip.add(f);
        saved += f.end - f.start - withoutName(buf, f).length;
      }
      if (saved === 0) return null;
    }
  }
  return null;
}

function hasName(buf: Uint8Array, f: Field): boolean {
  for (const g of fields(buf, f.dataStart, f.dataEnd)) if (g.field === NODE_NAME) return true;
  return false;
}

/** A NodeProto without its name field (names are optional; ORT names unnamed nodes itself). */
function withoutName(buf: Uint8Array, f: Field): Out {
  const out = new Out();
  for (const g of fields(buf, f.dataStart, f.dataEnd))
    if (g.field !== NODE_NAME) out.push(buf.subarray(g.start, g.end));
  return out;
}

function lastOf(list: readonly Field[], field: number): Field | undefined {
  for (let i = list.length - 1; i >= 0; i--) if ((list[i] as Field).field === field) return list[i];
  return undefined;
}
