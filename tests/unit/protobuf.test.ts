// The protobuf wire format shared by the graph rewrites and the fixture generator
// (src/runtime/onnx/protobuf.ts), and the ONNX encoders and reader on top of it.
import { describe, expect, it } from 'vitest';
import { encodeNode, encodeTensor, encodeValueInfo } from '../../src/runtime/onnx/message-encoders.ts';
import { elemTypeOf, nameOf, parseNode, tensorHeader } from '../../src/runtime/onnx/model-reader.ts';
import {
  fields,
  fieldText,
  int64Values,
  ProtoWriter,
  readInt64,
  readVarint,
  WIRE_FIXED32,
  WIRE_LEN,
  WIRE_VARINT,
  type Field,
} from '../../src/runtime/onnx/protobuf.ts';
import { ELEM, NODE_ATTRIBUTE, VALUE_INFO_NAME } from '../../src/runtime/onnx/schema.ts';

const only = (bytes: Uint8Array): Field => {
  const all = [...fields(bytes, 0, bytes.length)];
  expect(all).toHaveLength(1);
  return all[0] as Field;
};

describe('protobuf wire format', () => {
  it('round-trips varints of every length, int64 negatives as ten bytes', () => {
    for (const n of [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1]) {
      const bytes = new ProtoWriter().varint(n).concat();
      expect(readVarint(bytes, 0)).toEqual([n, bytes.length]);
      expect(new ProtoWriter().varint(BigInt(n)).concat()).toEqual(bytes);
    }
    expect([...new ProtoWriter().varint(300).concat()]).toEqual([0xac, 0x02]);
    const minusOne = new ProtoWriter().varint(-1).concat();
    expect([...minusOne]).toEqual([...Array<number>(9).fill(0xff), 0x01]);
    expect(readInt64(minusOne, 0)).toEqual([-1, 10]);
    expect(readInt64(new ProtoWriter().varint(-300).concat(), 0)[0]).toBe(-300);
    expect(readInt64(new ProtoWriter().varint(300).concat(), 0)).toEqual([300, 2]);
    expect(new ProtoWriter().varint(-1n).concat()).toEqual(minusOne);
  });

  it('reads back int, float, string and bytes fields with their tags and ranges', () => {
    const big = Uint8Array.from({ length: 200 }, (_, i) => i);
    const bytes = new ProtoWriter().int(1, 42).float(2, 1.5).string(3, 'héllo').bytes(4, big).concat();
    const [i, f, s, b] = [...fields(bytes, 0, bytes.length)] as [Field, Field, Field, Field];
    expect(i).toMatchObject({ field: 1, wire: WIRE_VARINT, value: 42, start: 0 });
    expect(f).toMatchObject({ field: 2, wire: WIRE_FIXED32, start: i.end });
    expect(new DataView(bytes.buffer, f.end - 4, 4).getFloat32(0, true)).toBe(1.5);
    expect(s).toMatchObject({ field: 3, wire: WIRE_LEN });
    expect(fieldText(bytes, s)).toBe('héllo');
    expect(b.dataEnd - b.dataStart).toBe(200);
    expect(bytes.subarray(b.dataStart, b.dataEnd)).toEqual(big);
    expect(b.end).toBe(bytes.length);
  });

  it('keeps large payloads by reference and gathers small pieces into one chunk', () => {
    const big = new Uint8Array(1000).fill(7);
    const w = new ProtoWriter().int(1, 1).string(2, 'a').bytes(3, big).int(4, 2);
    const chunks = w.finish();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    expect(w.length).toBe(chunks.reduce((n, c) => n + c.length, 0));
  });

  it('nests messages and appends complete fields', () => {
    const child = new ProtoWriter().string(1, 'inner').int(2, 9);
    const parent = new ProtoWriter().message(5, child);
    const copy = new ProtoWriter().append(parent).concat();
    expect(copy).toEqual(parent.concat());
    const outer = only(copy);
    expect(outer).toMatchObject({ field: 5, wire: WIRE_LEN });
    const inner = [...fields(copy, outer.dataStart, outer.dataEnd)];
    expect(inner.map((g) => g.field)).toEqual([1, 2]);
    expect(fieldText(copy, inner[0] as Field)).toBe('inner');
    expect(inner[1]?.value).toBe(9);
  });

  it('round-trips packed ints and packed floats', () => {
    const ints = [0, 1, 300, 2 ** 40];
    const floats = [0, -1.25, 3.5, 1e-3];
    const bytes = new ProtoWriter().packedInts(1, ints).packedFloats(2, floats).concat();
    const [pi, pf] = [...fields(bytes, 0, bytes.length)] as [Field, Field];
    expect(int64Values(bytes, pi)).toEqual(ints);
    const view = new DataView(bytes.buffer, pf.dataStart, pf.dataEnd - pf.dataStart);
    expect(floats.map((_, k) => view.getFloat32(4 * k, true))).toEqual(floats.map((x) => Math.fround(x)));
  });

  it('refuses truncated input', () => {
    const bytes = new ProtoWriter().string(1, 'truncated').concat();
    expect(() => [...fields(bytes, 0, bytes.length - 1)]).toThrow(/truncated/);
    expect(() => readVarint(Uint8Array.of(0x80), 0)).toThrow(/truncated varint/);
  });
});

describe('ONNX messages on the wire format', () => {
  it('a node encoded by the rewrites reads back with its op, domain, inputs, outputs and attributes', () => {
    const bytes = new ProtoWriter()
      .message(1, encodeNode('Gather', ['a', 'b'], ['c'], { axis: 0, alpha: { float: 0.5 } }, { domain: 'x.y' }))
      .concat();
    const node = parseNode(bytes, only(bytes), 3);
    expect(node).toMatchObject({ index: 3, opType: 'Gather', domain: 'x.y', inputs: ['a', 'b'], outputs: ['c'] });
    const f = only(bytes);
    const attrs = [...fields(bytes, f.dataStart, f.dataEnd)].filter((g) => g.field === NODE_ATTRIBUTE);
    expect(attrs.map((a) => nameOf(bytes, a, 1))).toEqual(['axis', 'alpha']);
  });

  it('a tensor header reads back unpacked and packed dims, negative ones included', () => {
    const unpacked = new ProtoWriter().message(1, encodeTensor('w', ELEM.INT8, [4, -1], new Uint8Array(8))).concat();
    expect(tensorHeader(unpacked, only(unpacked))).toEqual({ name: 'w', dataType: ELEM.INT8, dims: [4, -1] });
    const packed = new ProtoWriter()
      .message(1, new ProtoWriter().packedInts(1, [2, -3]).int(2, ELEM.FLOAT).string(8, 'p'))
      .concat();
    expect(tensorHeader(packed, only(packed))).toEqual({ name: 'p', dataType: ELEM.FLOAT, dims: [2, -3] });
  });

  it('a value info reads back its name and element type', () => {
    const bytes = new ProtoWriter().message(11, encodeValueInfo('rows', ELEM.INT64, ['n'])).concat();
    expect(nameOf(bytes, only(bytes), VALUE_INFO_NAME)).toBe('rows');
    expect(elemTypeOf(bytes, only(bytes))).toBe(ELEM.INT64);
  });
});
