// The little protobuf and ONNX plumbing shared by the load-time graph rewrites (mask-rows.ts,
// row-quant.ts): a reader that yields the byte ranges of a message's fields without decoding
// payloads, a writer made of small encoded pieces and views into the source buffer, encoders for
// the few ONNX messages a rewrite creates (nodes, small tensors, value infos), and `writeGraph`,
// which assembles a rewritten model — in place, around the untouched initializers, where it fits.
//
// Weights (initializers) are never decoded or copied: a rewrite only parses node, input and output
// messages and the initializers' headers. No model runtime imports.

// ---- protobuf wire format ----------------------------------------------------------------------

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export interface Field {
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

export function readVarint(buf: Uint8Array, pos: number): [number, number] {
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

export function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
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

export function str(buf: Uint8Array, f: Field): string {
  return decoder.decode(buf.subarray(f.dataStart, f.dataEnd));
}

/** Signed value of an int64 varint (two's complement over 64 bits; small magnitudes only). */
function signed(v: number): number {
  return v >= 2 ** 63 ? v - 2 ** 64 : v;
}

/** Growable output made of small encoded pieces and views into the source buffer. */
export class Out {
  readonly parts: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  append(other: Out): void {
    for (const p of other.parts) this.push(p);
  }
  varint(n: number): void {
    const bytes: number[] = [];
    if (n < 0) {
      // int64 two's complement: ten bytes
      let v = BigInt.asUintN(64, BigInt(n));
      for (let i = 0; i < 9; i++) {
        bytes.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      bytes.push(Number(v));
    } else {
      let v = n;
      while (v >= 0x80) {
        bytes.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      bytes.push(v);
    }
    this.push(Uint8Array.from(bytes));
  }
  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  lenField(field: number, payload: Out | Uint8Array): void {
    this.tag(field, WIRE_LEN);
    if (payload instanceof Out) {
      this.varint(payload.length);
      this.append(payload);
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
  float(field: number, x: number): void {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    this.push(b);
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

export function varintLength(n: number): number {
  let len = 1;
  let v = n;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    len++;
  }
  return len;
}

// ---- ONNX messages (field numbers from onnx.proto) --------------------------------------------

export const MODEL_GRAPH = 7;
export const MODEL_OPSET_IMPORT = 8;
export const OPSET_DOMAIN = 1;
export const OPSET_VERSION = 2;
export const GRAPH_NODE = 1;
export const GRAPH_INITIALIZER = 5;
export const GRAPH_INPUT = 11;
export const GRAPH_OUTPUT = 12;
export const GRAPH_VALUE_INFO = 13;
export const NODE_INPUT = 1;
export const NODE_OUTPUT = 2;
export const NODE_NAME = 3;
export const NODE_OP_TYPE = 4;
export const NODE_ATTRIBUTE = 5;
export const NODE_DOC_STRING = 6;
export const NODE_DOMAIN = 7;
export const TENSOR_DIMS = 1;
export const TENSOR_DATA_TYPE = 2;
export const TENSOR_NAME = 8;
export const TENSOR_RAW_DATA = 9;
export const VALUE_INFO_NAME = 1;
export const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_TYPE_ELEM = 1;
const TENSOR_TYPE_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_PARAM = 2;
const ATTR_NAME = 1;
const ATTR_F = 2;
const ATTR_I = 3;
const ATTR_T = 5;
const ATTR_INTS = 8;
const ATTR_TYPE = 20;
const ATTR_TYPE_FLOAT = 1;
const ATTR_TYPE_INT = 2;
const ATTR_TYPE_TENSOR = 4;
const ATTR_TYPE_INTS = 7;
export const MODEL_IR_VERSION = 1;
export const MODEL_FUNCTIONS = 25;
const FUNCTION_NAME = 1;
const FUNCTION_INPUT = 4;
const FUNCTION_OUTPUT = 5;
const FUNCTION_NODE = 7;
const FUNCTION_OPSET_IMPORT = 9;
const FUNCTION_DOMAIN = 10;

/** onnx.TensorProto.DataType values used here. */
export const ELEM = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;

export interface NodeInfo {
  index: number;
  field: Field;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
}

export function parseNode(buf: Uint8Array, f: Field, index: number): NodeInfo {
  const node: NodeInfo = { index, field: f, opType: '', domain: '', inputs: [], outputs: [] };
  for (const g of fields(buf, f.dataStart, f.dataEnd)) {
    if (g.field === NODE_INPUT) node.inputs.push(str(buf, g));
    else if (g.field === NODE_OUTPUT) node.outputs.push(str(buf, g));
    else if (g.field === NODE_OP_TYPE) node.opType = str(buf, g);
    else if (g.field === NODE_DOMAIN) node.domain = str(buf, g);
  }
  return node;
}

export function nameOf(buf: Uint8Array, f: Field, nameField: number): string {
  for (const g of fields(buf, f.dataStart, f.dataEnd))
    if (g.field === nameField && g.wire === WIRE_LEN) return str(buf, g);
  return '';
}

/** Element type of a tensor ValueInfoProto (0 when absent). */
export function elemTypeOf(buf: Uint8Array, f: Field): number {
  for (const g of fields(buf, f.dataStart, f.dataEnd)) {
    if (g.field !== VALUE_INFO_TYPE) continue;
    for (const t of fields(buf, g.dataStart, g.dataEnd)) {
      if (t.field !== TYPE_TENSOR) continue;
      for (const e of fields(buf, t.dataStart, t.dataEnd)) if (e.field === TENSOR_TYPE_ELEM) return e.value;
    }
  }
  return 0;
}

/** Header of an initializer (TensorProto): name, element type, dims — its data is not read. */
export interface TensorHeader {
  name: string;
  dataType: number;
  dims: number[];
}

export function tensorHeader(buf: Uint8Array, f: Field): TensorHeader {
  const header: TensorHeader = { name: '', dataType: 0, dims: [] };
  for (const g of fields(buf, f.dataStart, f.dataEnd)) {
    if (g.field === TENSOR_NAME && g.wire === WIRE_LEN) header.name = str(buf, g);
    else if (g.field === TENSOR_DATA_TYPE && g.wire === WIRE_VARINT) header.dataType = g.value;
    else if (g.field === TENSOR_DIMS && g.wire === WIRE_VARINT) header.dims.push(signed(g.value));
    else if (g.field === TENSOR_DIMS && g.wire === WIRE_LEN) {
      // packed
      let pos = g.dataStart;
      while (pos < g.dataEnd) {
        const [v, next] = readVarint(buf, pos);
        header.dims.push(signed(v));
        pos = next;
      }
    }
  }
  return header;
}

export type AttrValue =
  | number
  | { float: number }
  | { ints: readonly number[] }
  | { tensor: { dataType: number; dims: readonly number[]; raw: Uint8Array } };

/** A NodeProto. Nodes made by the rewrites carry no name (optional; ORT names nodes itself). */
export function encodeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: Readonly<Record<string, AttrValue>> = {},
  options: { name?: string; domain?: string } = {},
): Out {
  const out = new Out();
  for (const i of inputs) out.string(NODE_INPUT, i);
  for (const o of outputs) out.string(NODE_OUTPUT, o);
  if (options.name) out.string(NODE_NAME, options.name);
  out.string(NODE_OP_TYPE, opType);
  if (options.domain) out.string(NODE_DOMAIN, options.domain);
  for (const [key, value] of Object.entries(attrs)) {
    const attr = new Out();
    attr.string(ATTR_NAME, key);
    if (typeof value === 'number') {
      attr.int(ATTR_I, value);
      attr.int(ATTR_TYPE, ATTR_TYPE_INT);
    } else if ('float' in value) {
      attr.float(ATTR_F, value.float);
      attr.int(ATTR_TYPE, ATTR_TYPE_FLOAT);
    } else if ('tensor' in value) {
      const t = value.tensor;
      attr.lenField(ATTR_T, encodeTensor('', t.dataType, t.dims, t.raw));
      attr.int(ATTR_TYPE, ATTR_TYPE_TENSOR);
    } else {
      for (const v of value.ints) attr.int(ATTR_INTS, v);
      attr.int(ATTR_TYPE, ATTR_TYPE_INTS);
    }
    out.lenField(NODE_ATTRIBUTE, attr);
  }
  return out;
}

/** The node with its inputs replaced by `inputs` (same count or fewer); every other field copied byte for byte. */
export function withInputs(buf: Uint8Array, node: NodeInfo, inputs: readonly string[], stripName = false): Out {
  const out = new Out();
  let written = false;
  for (const g of fields(buf, node.field.dataStart, node.field.dataEnd)) {
    if (g.field === NODE_INPUT) {
      if (!written) for (const i of inputs) out.string(NODE_INPUT, i);
      written = true;
      continue;
    }
    if (stripName && (g.field === NODE_NAME || g.field === NODE_DOC_STRING)) continue;
    out.push(buf.subarray(g.start, g.end));
  }
  return out;
}

/** A small TensorProto initializer with raw data. */
export function encodeTensor(name: string, dataType: number, dims: readonly number[], raw: Uint8Array): Out {
  const out = new Out();
  for (const d of dims) out.int(TENSOR_DIMS, d);
  out.int(TENSOR_DATA_TYPE, dataType);
  if (name) out.string(TENSOR_NAME, name);
  out.lenField(TENSOR_RAW_DATA, raw);
  return out;
}

/** A tensor ValueInfoProto with one symbolic dimension per entry of `dims`, or no shape at all. */
export function encodeValueInfo(name: string, elemType: number, dims: string[] | null): Out {
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

/** An OperatorSetIdProto. */
export function encodeOpset(domain: string, version: number): Out {
  const out = new Out();
  if (domain) out.string(OPSET_DOMAIN, domain);
  out.int(OPSET_VERSION, version);
  return out;
}

/** A model-local FunctionProto (ModelProto.functions, IR version 8). */
export function encodeFunction(
  domain: string,
  name: string,
  inputs: readonly string[],
  outputs: readonly string[],
  nodes: readonly Out[],
  opsets: readonly Out[],
): Out {
  const out = new Out();
  out.string(FUNCTION_NAME, name);
  for (const i of inputs) out.string(FUNCTION_INPUT, i);
  for (const o of outputs) out.string(FUNCTION_OUTPUT, o);
  for (const n of nodes) out.lenField(FUNCTION_NODE, n);
  for (const o of opsets) out.lenField(FUNCTION_OPSET_IMPORT, o);
  out.string(FUNCTION_DOMAIN, domain);
  return out;
}

/** The node as a call of another op (op type and domain replaced; inputs, outputs and the rest kept). */
export function retypedNode(buf: Uint8Array, node: NodeInfo, opType: string, domain: string): Out {
  const out = new Out();
  for (const g of fields(buf, node.field.dataStart, node.field.dataEnd)) {
    if (g.field === NODE_OP_TYPE) {
      out.string(NODE_OP_TYPE, opType);
      if (domain) out.string(NODE_DOMAIN, domain);
      continue;
    }
    if (g.field === NODE_DOMAIN) continue;
    out.push(buf.subarray(g.start, g.end));
  }
  return out;
}

/** One complete graph field (tag + length + payload). */
export function graphField(field: number, payload: Out): Out {
  const out = new Out();
  out.lenField(field, payload);
  return out;
}

/** A NodeProto field without its name and doc string (both optional). */
function strippedNode(buf: Uint8Array, f: Field): Out {
  const payload = new Out();
  for (const g of fields(buf, f.dataStart, f.dataEnd))
    if (g.field !== NODE_NAME && g.field !== NODE_DOC_STRING) payload.push(buf.subarray(g.start, g.end));
  return graphField(GRAPH_NODE, payload);
}

// ---- a parsed model ----------------------------------------------------------------------------

export interface ParsedModel {
  buf: Uint8Array;
  modelFields: Field[];
  graph: Field;
  /** The graph's fields in file order. */
  gFields: Field[];
  nodes: NodeInfo[];
  nodeOfField: Map<Field, NodeInfo>;
  initializers: Map<string, { field: Field; header: TensorHeader }>;
  inputNames: Set<string>;
  outputNames: Set<string>;
  /** Version of the default (ai.onnx) operator set, 0 when absent. */
  opset: number;
  producer: Map<string, NodeInfo>;
  consumers: Map<string, NodeInfo[]>;
}

export function parseModel(buf: Uint8Array): ParsedModel | { error: string } {
  const modelFields = [...fields(buf, 0, buf.length)];
  const graphFields = modelFields.filter((f) => f.field === MODEL_GRAPH && f.wire === WIRE_LEN);
  if (graphFields.length !== 1) return { error: 'the file has no single graph' };
  const graph = graphFields[0] as Field;
  let opset = 0;
  for (const f of modelFields) {
    if (f.field !== MODEL_OPSET_IMPORT || f.wire !== WIRE_LEN) continue;
    let domain = '';
    let version = 0;
    for (const g of fields(buf, f.dataStart, f.dataEnd)) {
      if (g.field === OPSET_DOMAIN && g.wire === WIRE_LEN) domain = str(buf, g);
      else if (g.field === OPSET_VERSION && g.wire === WIRE_VARINT) version = g.value;
    }
    if (domain === '' || domain === 'ai.onnx') opset = version;
  }
  const gFields = [...fields(buf, graph.dataStart, graph.dataEnd)];
  const nodes: NodeInfo[] = [];
  const nodeOfField = new Map<Field, NodeInfo>();
  const initializers = new Map<string, { field: Field; header: TensorHeader }>();
  const inputNames = new Set<string>();
  const outputNames = new Set<string>();
  for (const f of gFields) {
    if (f.field === GRAPH_NODE) {
      const node = parseNode(buf, f, nodes.length);
      nodes.push(node);
      nodeOfField.set(f, node);
    } else if (f.field === GRAPH_INITIALIZER) {
      const header = tensorHeader(buf, f);
      initializers.set(header.name, { field: f, header });
    } else if (f.field === GRAPH_INPUT) inputNames.add(nameOf(buf, f, VALUE_INFO_NAME));
    else if (f.field === GRAPH_OUTPUT) outputNames.add(nameOf(buf, f, VALUE_INFO_NAME));
  }
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
  return {
    buf,
    modelFields,
    graph,
    gFields,
    nodes,
    nodeOfField,
    initializers,
    inputNames,
    outputNames,
    opset,
    producer,
    consumers,
  };
}

// ---- writing a rewritten model -----------------------------------------------------------------

export interface GraphEdit {
  /** Original graph fields replaced by complete encoded fields (tags included); an empty Out drops the field. */
  replace: Map<Field, Out>;
  /** New complete graph fields (nodes, initializers, inputs): placed where they fit, in this order per region. */
  extra: Out[];
  /** value_info entries (optional shape hints) to drop, e.g. of tensors whose shape changes. */
  dropValueInfo?: ReadonlySet<string>;
  /** Model (not graph) fields replaced, e.g. the IR version. */
  modelReplace?: Map<Field, Out>;
  /** New complete model fields (operator set imports, functions). */
  modelExtra?: Out[];
}

export interface WrittenModel {
  bytes: Uint8Array;
  /** True when `bytes` is a view of the input buffer, rewritten in place (no copy of the weights). */
  inPlace: boolean;
  /** In-place only: puts the input buffer's original bytes back (once the bytes have been consumed). */
  restore?: () => void;
}

/**
 * Assembles the edited model. With `inPlace` the initializers (all but a few kilobytes of the file)
 * stay where they are: the new head (model fields, graph header, the fields before the
 * initializers) is written just before them and the new tail (the fields after them, later model
 * fields) just after them, and the result is a view of the input buffer. New fields go wherever
 * there is room (protobuf readers collect repeated fields wherever they appear, and ONNX Runtime
 * sorts nodes itself). Where the edit does not fit, optional bytes are given up, in order: node
 * names and doc strings, then value_info shape hints. Falls back to a copy when even that does not fit.
 */
export function writeGraph(model: ParsedModel, edit: GraphEdit, inPlace: boolean): WrittenModel {
  const { buf, modelFields, graph, gFields, nodeOfField } = model;
  const modelField = (f: Field): Out => {
    const o = new Out();
    const r = edit.modelReplace?.get(f);
    if (r) o.append(r);
    else o.push(buf.subarray(f.start, f.end));
    return o;
  };
  const modelBefore = new Out();
  for (const f of modelFields.filter((m) => m.end <= graph.start)) modelBefore.append(modelField(f));
  const modelAfter = new Out();
  for (const f of modelFields.filter((m) => m.start >= graph.end)) modelAfter.append(modelField(f));
  /** The fields of `list`, edited; `strip`: nodes written without name and doc string; `dropHints`: no value_info. */
  const emit = (list: readonly Field[], strip: ReadonlySet<Field>, dropHints: boolean): Out => {
    const out = new Out();
    for (const f of list) {
      const replacement = edit.replace.get(f);
      if (replacement) {
        out.append(replacement);
        continue;
      }
      if (f.field === GRAPH_VALUE_INFO && (dropHints || edit.dropValueInfo?.has(nameOf(buf, f, VALUE_INFO_NAME))))
        continue;
      if (strip.has(f)) {
        out.append(strippedNode(buf, f));
        continue;
      }
      out.push(buf.subarray(f.start, f.end));
    }
    return out;
  };
  const graphTag = (length: number): Out => {
    const o = new Out();
    o.tag(MODEL_GRAPH, WIRE_LEN);
    o.varint(length);
    return o;
  };
  const modelExtra = edit.modelExtra ?? [];

  if (inPlace) {
    const strippable = gFields.filter(
      (f) => f.field === GRAPH_NODE && nodeOfField.has(f) && !edit.replace.has(f) && hasNameOrDoc(buf, f),
    );
    const done = writeInPlace(
      buf,
      gFields,
      modelBefore,
      modelAfter,
      emit,
      graphTag,
      edit.extra,
      modelExtra,
      strippable,
    );
    if (done) return { ...done, inPlace: true };
  }
  const newGraph = emit(gFields, new Set(), false);
  for (const e of edit.extra) newGraph.append(e);
  const out = new Out();
  out.append(modelBefore);
  out.lenField(MODEL_GRAPH, newGraph);
  out.append(modelAfter);
  for (const e of modelExtra) out.append(e);
  return { bytes: out.concat(), inPlace: false };
}

function hasNameOrDoc(buf: Uint8Array, f: Field): boolean {
  for (const g of fields(buf, f.dataStart, f.dataEnd))
    if (g.field === NODE_NAME || g.field === NODE_DOC_STRING) return true;
  return false;
}

/**
 * The in-place layout (see writeGraph). Room is made as needed: node names (and doc strings) are
 * dropped a few at a time, in file order, until the edit fits — so that a later rewrite of the
 * result still finds names to give up — and value_info hints last.
 */
function writeInPlace(
  buf: Uint8Array,
  gFields: readonly Field[],
  modelBefore: Out,
  modelAfter: Out,
  emit: (list: readonly Field[], strip: ReadonlySet<Field>, dropHints: boolean) => Out,
  graphTag: (length: number) => Out,
  extra: readonly Out[],
  modelExtra: readonly Out[],
  strippable: readonly Field[],
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
  const extraLength = extra.reduce((n, e) => n + e.length, 0);
  const strip = new Set<Field>();
  const toStrip = [...strippable];
  let dropHints = false;

  for (let attempt = 0; attempt < 10_000; attempt++) {
    const graphHead = emit(before, strip, dropHints);
    const graphTail = emit(after, strip, dropHints);
    // The graph's length tag is at most this long (the real length is not larger than this bound).
    const tagBound = graphTag(graphHead.length + span + graphTail.length + extraLength).length;
    let headRoom = first.start - modelBefore.length - tagBound - graphHead.length;
    let tailRoom = buf.length - last.end - graphTail.length - modelAfter.length;
    // New fields go where there is room; model fields only outside the graph (head: before its tag).
    let missing = Math.max(0, -headRoom) + Math.max(0, -tailRoom);
    const place = (items: readonly Out[]): { head: Out[]; tail: Out[] } => {
      const head: Out[] = [];
      const tail: Out[] = [];
      for (const e of items) {
        if (e.length <= tailRoom) {
          tail.push(e);
          tailRoom -= e.length;
        } else if (e.length <= headRoom) {
          head.push(e);
          headRoom -= e.length;
        } else missing += e.length;
      }
      return { head, tail };
    };
    const m = place(modelExtra);
    const g = place(extra);
    if (missing > 0) {
      // Make room: more names, else the hints, else give up (the caller copies).
      let saved = 0;
      while (saved < missing + 64 && toStrip.length > 0) {
        const f = toStrip.shift() as Field;
        strip.add(f);
        saved += f.end - f.start - strippedNode(buf, f).length;
      }
      if (saved > 0) continue;
      if (!dropHints) {
        dropHints = true;
        continue;
      }
      return null;
    }
    const head = new Out();
    head.append(modelBefore);
    for (const e of m.head) head.append(e);
    const graphTailOut = new Out();
    graphTailOut.append(graphTail);
    for (const e of g.tail) graphTailOut.append(e);
    const graphLength = graphHead.length + g.head.reduce((n, e) => n + e.length, 0) + span + graphTailOut.length;
    head.append(graphTag(graphLength));
    head.append(graphHead);
    for (const e of g.head) head.append(e);
    const tail = new Out();
    tail.append(graphTailOut);
    tail.append(modelAfter);
    for (const e of m.tail) tail.append(e);
    // Materialise first: both pieces are partly views of the bytes they will overwrite.
    const headBytes = head.concat();
    const tailBytes = tail.concat();
    const start = first.start - headBytes.length;
    if (start < 0 || last.end + tailBytes.length > buf.length) return null;
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
  return null;
}
