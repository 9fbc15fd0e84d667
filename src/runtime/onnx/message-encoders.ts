// Encoders for the few ONNX messages a graph rewrite creates: nodes (new, or an existing one with
// other inputs), small tensors, value infos, operator set imports and model-local functions.

import type { NodeInfo } from './model-reader.ts';
import { fields, ProtoWriter } from './protobuf.ts';
import {
  ATTR_F,
  ATTR_I,
  ATTR_INTS,
  ATTR_NAME,
  ATTR_T,
  ATTR_TYPE,
  ATTRIBUTE_TYPE,
  DIM_PARAM,
  FUNCTION_DOMAIN,
  FUNCTION_INPUT,
  FUNCTION_NAME,
  FUNCTION_NODE,
  FUNCTION_OPSET_IMPORT,
  FUNCTION_OUTPUT,
  NODE_ATTRIBUTE,
  NODE_DOMAIN,
  NODE_INPUT,
  NODE_NAME,
  NODE_OP_TYPE,
  NODE_OUTPUT,
  OPSET_DOMAIN,
  OPSET_VERSION,
  SHAPE_DIM,
  TENSOR_DATA_TYPE,
  TENSOR_DIMS,
  TENSOR_NAME,
  TENSOR_RAW_DATA,
  TENSOR_TYPE_ELEM,
  TENSOR_TYPE_SHAPE,
  TYPE_TENSOR,
  VALUE_INFO_NAME,
  VALUE_INFO_TYPE,
} from './schema.ts';

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
): ProtoWriter {
  const out = new ProtoWriter();
  for (const i of inputs) out.string(NODE_INPUT, i);
  for (const o of outputs) out.string(NODE_OUTPUT, o);
  if (options.name) out.string(NODE_NAME, options.name);
  out.string(NODE_OP_TYPE, opType);
  if (options.domain) out.string(NODE_DOMAIN, options.domain);
  for (const [key, value] of Object.entries(attrs)) {
    const attr = new ProtoWriter();
    attr.string(ATTR_NAME, key);
    if (typeof value === 'number') {
      attr.int(ATTR_I, value).int(ATTR_TYPE, ATTRIBUTE_TYPE.INT);
    } else if ('float' in value) {
      attr.float(ATTR_F, value.float).int(ATTR_TYPE, ATTRIBUTE_TYPE.FLOAT);
    } else if ('tensor' in value) {
      const t = value.tensor;
      attr.message(ATTR_T, encodeTensor('', t.dataType, t.dims, t.raw)).int(ATTR_TYPE, ATTRIBUTE_TYPE.TENSOR);
    } else {
      for (const v of value.ints) attr.int(ATTR_INTS, v);
      attr.int(ATTR_TYPE, ATTRIBUTE_TYPE.INTS);
    }
    out.message(NODE_ATTRIBUTE, attr);
  }
  return out;
}

/** The node with its inputs replaced by `inputs` (same count or fewer); every other field copied byte for byte. */
export function withInputs(buf: Uint8Array, node: NodeInfo, inputs: readonly string[]): ProtoWriter {
  const out = new ProtoWriter();
  let written = false;
  for (const g of fields(buf, node.field.dataStart, node.field.dataEnd)) {
    if (g.field === NODE_INPUT) {
      if (!written) for (const i of inputs) out.string(NODE_INPUT, i);
      written = true;
      continue;
    }
    out.raw(buf.subarray(g.start, g.end));
  }
  return out;
}

/** A small TensorProto with raw data (an initializer, or a Constant's value when `name` is empty). */
export function encodeTensor(name: string, dataType: number, dims: readonly number[], raw: Uint8Array): ProtoWriter {
  const out = new ProtoWriter();
  for (const d of dims) out.int(TENSOR_DIMS, d);
  out.int(TENSOR_DATA_TYPE, dataType);
  if (name) out.string(TENSOR_NAME, name);
  return out.bytes(TENSOR_RAW_DATA, raw);
}

/** A tensor ValueInfoProto with one symbolic dimension per entry of `dims`, or no shape at all. */
export function encodeValueInfo(name: string, elemType: number, dims: string[] | null): ProtoWriter {
  const tensor = new ProtoWriter().int(TENSOR_TYPE_ELEM, elemType);
  if (dims) {
    const shape = new ProtoWriter();
    for (const d of dims) shape.message(SHAPE_DIM, new ProtoWriter().string(DIM_PARAM, d));
    tensor.message(TENSOR_TYPE_SHAPE, shape);
  }
  const type = new ProtoWriter().message(TYPE_TENSOR, tensor);
  return new ProtoWriter().string(VALUE_INFO_NAME, name).message(VALUE_INFO_TYPE, type);
}

/** An OperatorSetIdProto. */
export function encodeOpset(domain: string, version: number): ProtoWriter {
  const out = new ProtoWriter();
  if (domain) out.string(OPSET_DOMAIN, domain);
  return out.int(OPSET_VERSION, version);
}

/** A model-local FunctionProto (ModelProto.functions, IR version 8). */
export function encodeFunction(
  domain: string,
  name: string,
  inputs: readonly string[],
  outputs: readonly string[],
  nodes: readonly ProtoWriter[],
  opsets: readonly ProtoWriter[],
): ProtoWriter {
  const out = new ProtoWriter();
  out.string(FUNCTION_NAME, name);
  for (const i of inputs) out.string(FUNCTION_INPUT, i);
  for (const o of outputs) out.string(FUNCTION_OUTPUT, o);
  for (const n of nodes) out.message(FUNCTION_NODE, n);
  for (const o of opsets) out.message(FUNCTION_OPSET_IMPORT, o);
  return out.string(FUNCTION_DOMAIN, domain);
}

/** One complete field (tag + length + payload) of a graph or model. */
export function encodeField(field: number, payload: ProtoWriter): ProtoWriter {
  return new ProtoWriter().message(field, payload);
}
