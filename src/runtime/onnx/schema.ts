// Field numbers and enum values of the ONNX messages we read or write, from onnx.proto — one
// place for the numbers, shared by the graph rewrites and the fixture model generator.

export const MODEL_IR_VERSION = 1;
export const MODEL_PRODUCER_NAME = 2;
export const MODEL_PRODUCER_VERSION = 3;
export const MODEL_VERSION = 5;
export const MODEL_DOC_STRING = 6;
export const MODEL_GRAPH = 7;
export const MODEL_OPSET_IMPORT = 8;
export const MODEL_METADATA_PROPS = 14;
export const MODEL_FUNCTIONS = 25;

export const OPSET_DOMAIN = 1;
export const OPSET_VERSION = 2;

export const STRING_ENTRY_KEY = 1;
export const STRING_ENTRY_VALUE = 2;

export const GRAPH_NODE = 1;
export const GRAPH_NAME = 2;
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

export const ATTR_NAME = 1;
export const ATTR_F = 2;
export const ATTR_I = 3;
export const ATTR_S = 4;
export const ATTR_T = 5;
export const ATTR_FLOATS = 7;
export const ATTR_INTS = 8;
export const ATTR_TYPE = 20;

/** onnx.AttributeProto.AttributeType values used here. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export const TENSOR_DIMS = 1;
export const TENSOR_DATA_TYPE = 2;
export const TENSOR_INT64_DATA = 7;
export const TENSOR_NAME = 8;
export const TENSOR_RAW_DATA = 9;

export const VALUE_INFO_NAME = 1;
export const VALUE_INFO_TYPE = 2;
export const TYPE_TENSOR = 1;
export const TENSOR_TYPE_ELEM = 1;
export const TENSOR_TYPE_SHAPE = 2;
export const SHAPE_DIM = 1;
export const DIM_VALUE = 1;
export const DIM_PARAM = 2;

export const FUNCTION_NAME = 1;
export const FUNCTION_INPUT = 4;
export const FUNCTION_OUTPUT = 5;
export const FUNCTION_NODE = 7;
export const FUNCTION_OPSET_IMPORT = 9;
export const FUNCTION_DOMAIN = 10;

/** onnx.TensorProto.DataType values used here. */
export const ELEM = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type ElemType = (typeof ELEM)[keyof typeof ELEM];
