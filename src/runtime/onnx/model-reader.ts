// Reads what a graph rewrite needs from an ONNX ModelProto: the nodes (op, domain, inputs,
// outputs), the graph's inputs and outputs, the initializers' headers and the operator sets —
// with the byte range of every field, so that the writer can copy what it does not change.
// Weights (initializers' data) are never decoded.

import { fields, fieldText, int64Values, WIRE_LEN, WIRE_VARINT, type Field } from './protobuf.ts';
import {
  GRAPH_INITIALIZER,
  GRAPH_INPUT,
  GRAPH_NODE,
  GRAPH_OUTPUT,
  MODEL_GRAPH,
  MODEL_OPSET_IMPORT,
  NODE_DOMAIN,
  NODE_INPUT,
  NODE_OP_TYPE,
  NODE_OUTPUT,
  OPSET_DOMAIN,
  OPSET_VERSION,
  TENSOR_DATA_TYPE,
  TENSOR_DIMS,
  TENSOR_NAME,
  TENSOR_TYPE_ELEM,
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
