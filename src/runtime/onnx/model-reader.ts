// Reads what a graph rewrite needs from an ONNX ModelProto: the nodes (op, domain, inputs,
// outputs), the graph's inputs and outputs, the initializers' headers and the operator sets —
// with the byte range of every field, so that the writer can copy what it does not change.
// Weights (initializers' data) are never decoded.

import { fields, fieldText, int64Values, readInt64, WIRE_LEN, WIRE_VARINT, type Field } from './protobuf.ts';
import {
  ATTR_I,
  ATTR_INTS,
  ATTR_NAME,
  ATTR_T,
  ELEM,
  GRAPH_INITIALIZER,
  GRAPH_INPUT,
  GRAPH_NODE,
  GRAPH_OUTPUT,
  MODEL_GRAPH,
  MODEL_OPSET_IMPORT,
  NODE_ATTRIBUTE,
  NODE_DOMAIN,
  NODE_INPUT,
  NODE_OP_TYPE,
  NODE_OUTPUT,
  OPSET_DOMAIN,
  OPSET_VERSION,
  TENSOR_DATA_TYPE,
  TENSOR_DIMS,
  TENSOR_INT64_DATA,
  TENSOR_NAME,
  TENSOR_RAW_DATA,
  SHAPE_DIM,
  TENSOR_TYPE_ELEM,
  TENSOR_TYPE_SHAPE,
  TYPE_TENSOR,
  VALUE_INFO_NAME,
  VALUE_INFO_TYPE,
} from './schema.ts';

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
    if (g.field === NODE_INPUT) node.inputs.push(fieldText(buf, g));
    else if (g.field === NODE_OUTPUT) node.outputs.push(fieldText(buf, g));
    else if (g.field === NODE_OP_TYPE) node.opType = fieldText(buf, g);
    else if (g.field === NODE_DOMAIN) node.domain = fieldText(buf, g);
  }
  return node;
}

/** The string field `nameField` of the message in `f` ('' when absent). */
export function nameOf(buf: Uint8Array, f: Field, nameField: number): string {
  for (const g of fields(buf, f.dataStart, f.dataEnd))
    if (g.field === nameField && g.wire === WIRE_LEN) return fieldText(buf, g);
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
    if (g.field === TENSOR_NAME && g.wire === WIRE_LEN) header.name = fieldText(buf, g);
    else if (g.field === TENSOR_DATA_TYPE && g.wire === WIRE_VARINT) header.dataType = g.value;
    else if (g.field === TENSOR_DIMS && (g.wire === WIRE_VARINT || g.wire === WIRE_LEN))
      header.dims.push(...int64Values(buf, g));
  }
  return header;
}

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
  /** Domains of the operator sets the model imports ('' for the default one). */
  opsetDomains: Set<string>;
  producer: Map<string, NodeInfo>;
  consumers: Map<string, NodeInfo[]>;
}

export function parseModel(buf: Uint8Array): ParsedModel | { error: string } {
  const modelFields = [...fields(buf, 0, buf.length)];
  const graphFields = modelFields.filter((f) => f.field === MODEL_GRAPH && f.wire === WIRE_LEN);
  if (graphFields.length !== 1) return { error: 'the file has no single graph' };
  const graph = graphFields[0] as Field;
  let opset = 0;
  const opsetDomains = new Set<string>();
  for (const f of modelFields) {
    if (f.field !== MODEL_OPSET_IMPORT || f.wire !== WIRE_LEN) continue;
    let domain = '';
    let version = 0;
    for (const g of fields(buf, f.dataStart, f.dataEnd)) {
      if (g.field === OPSET_DOMAIN && g.wire === WIRE_LEN) domain = fieldText(buf, g);
      else if (g.field === OPSET_VERSION && g.wire === WIRE_VARINT) version = g.value;
    }
    opsetDomains.add(domain);
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
    opsetDomains,
    producer,
    consumers,
  };
}

/** One attribute of a node, as far as the rewrites read them: integers, and a tensor's header. */
export interface AttributeInfo {
  i?: number;
  ints?: number[];
  t?: TensorHeader & { field: Field };
}

/** The attributes of `node` by name (floats and strings are not read). */
export function nodeAttributes(buf: Uint8Array, node: NodeInfo): Map<string, AttributeInfo> {
  const out = new Map<string, AttributeInfo>();
  for (const g of fields(buf, node.field.dataStart, node.field.dataEnd)) {
    if (g.field !== NODE_ATTRIBUTE || g.wire !== WIRE_LEN) continue;
    let name = '';
    const attr: AttributeInfo = {};
    for (const a of fields(buf, g.dataStart, g.dataEnd)) {
      if (a.field === ATTR_NAME && a.wire === WIRE_LEN) name = fieldText(buf, a);
      else if (a.field === ATTR_I && a.wire === WIRE_VARINT) attr.i = readInt64(buf, a.dataStart)[0];
      else if (a.field === ATTR_INTS) (attr.ints ??= []).push(...int64Values(buf, a));
      else if (a.field === ATTR_T && a.wire === WIRE_LEN) attr.t = { ...tensorHeader(buf, a), field: a };
    }
    if (name) out.set(name, attr);
  }
  return out;
}

/** The values of a small int64 TensorProto (raw_data or int64_data); null for another type. */
export function int64TensorValues(buf: Uint8Array, tensor: Field): number[] | null {
  let dataType = 0;
  const values: number[] = [];
  for (const g of fields(buf, tensor.dataStart, tensor.dataEnd)) {
    if (g.field === TENSOR_DATA_TYPE && g.wire === WIRE_VARINT) dataType = g.value;
    else if (g.field === TENSOR_INT64_DATA) values.push(...int64Values(buf, g));
    else if (g.field === TENSOR_RAW_DATA && g.wire === WIRE_LEN) {
      const view = new DataView(buf.buffer, buf.byteOffset + g.dataStart, g.dataEnd - g.dataStart);
      for (let at = 0; at + 8 <= view.byteLength; at += 8) values.push(Number(view.getBigInt64(at, true)));
    }
  }
  return dataType === ELEM.INT64 ? values : null;
}

/** The rank a tensor ValueInfoProto declares (null when it declares no shape). */
export function valueInfoRank(buf: Uint8Array, f: Field): number | null {
  for (const g of fields(buf, f.dataStart, f.dataEnd)) {
    if (g.field !== VALUE_INFO_TYPE || g.wire !== WIRE_LEN) continue;
    for (const t of fields(buf, g.dataStart, g.dataEnd)) {
      if (t.field !== TYPE_TENSOR || t.wire !== WIRE_LEN) continue;
      for (const s of fields(buf, t.dataStart, t.dataEnd)) {
        if (s.field !== TENSOR_TYPE_SHAPE || s.wire !== WIRE_LEN) continue;
        let rank = 0;
        for (const d of fields(buf, s.dataStart, s.dataEnd)) if (d.field === SHAPE_DIM) rank++;
        return rank;
      }
    }
  }
  return null;
}
