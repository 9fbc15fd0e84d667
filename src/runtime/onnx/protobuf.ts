// Protocol-buffers wire format, both ways, and nothing ONNX-specific. The load-time graph rewrites
// and the fixture model generator (scripts/fixtures/onnx.ts) both write through `ProtoWriter`.
//
// The reader yields the byte ranges of a message's fields without decoding payloads, so a rewrite
// can copy or skip a field — a weight tensor, say — without ever looking inside it. The writer keeps
// large payloads as references to the caller's buffers, so a model is never copied into one
// contiguous buffer before it is written out. Pure: no DOM or Node APIs.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

// ---- reading -----------------------------------------------------------------------------------

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

/** The varint at `pos`: [value, position after it]. */
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

/** The fields of the message in `buf[start, end)`, in file order. */
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

/** The int64 varint at `pos` with its sign (two's complement over 64 bits): [value, position after it]. */
export function readInt64(buf: Uint8Array, pos: number): [number, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [Number(BigInt.asIntN(64, result)), pos];
    shift += 7n;
  }
  throw new Error('varint too long');
}

/** The values of one occurrence of a repeated int64 field, packed or not, with their signs. */
export function int64Values(buf: Uint8Array, f: Field): number[] {
  if (f.wire === WIRE_VARINT) return [readInt64(buf, f.dataStart)[0]];
  const values: number[] = [];
  let pos = f.dataStart;
  while (pos < f.dataEnd) {
    const [v, next] = readInt64(buf, pos);
    values.push(v);
    pos = next;
  }
  return values;
}

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/** The payload of a length-delimited field as UTF-8 text. */
export function fieldText(buf: Uint8Array, f: Field): string {
  return textDecoder.decode(buf.subarray(f.dataStart, f.dataEnd));
}

// ---- writing -----------------------------------------------------------------------------------

/** Payloads at least this long are kept by reference; shorter bytes are copied into the next chunk. */
const REFERENCE_AT = 64;

/**
 * A message being written: a list of chunks — small encoded pieces gathered into one, large
 * payloads (and other writers' chunks) kept by reference. Chainable.
 */
export class ProtoWriter {
  /** Finished chunks, in order. */
  private readonly chunks: Uint8Array[] = [];
  /** Small bytes not yet flushed into a chunk. */
  private pending: number[] = [];
  private flushedLength = 0;

  get length(): number {
    return this.flushedLength + this.pending.length;
  }

  private flush(): void {
    if (this.pending.length > 0) {
      this.chunks.push(Uint8Array.from(this.pending));
      this.flushedLength += this.pending.length;
      this.pending = [];
    }
  }

  private pushChunk(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.flushedLength += bytes.length;
  }

  /** Bytes that are already encoded (e.g. a field copied from a parsed message). */
  raw(bytes: Uint8Array): this {
    if (bytes.length < REFERENCE_AT) {
      for (const b of bytes) this.pending.push(b);
      return this;
    }
    this.flush();
    this.pushChunk(bytes);
    return this;
  }

  /** Everything `other` holds, as it is (it holds complete fields). */
  append(other: ProtoWriter): this {
    this.flush();
    for (const c of other.finish()) this.pushChunk(c);
    return this;
  }

  /** Unsigned or signed 64-bit varint (negative numbers use 10-byte two's complement). */
  varint(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff) {
      let n = value;
      while (n > 0x7f) {
        this.pending.push((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      this.pending.push(n);
      return this;
    }
    let v = typeof value === 'bigint' ? value : BigInt(value);
    if (v < 0n) v = BigInt.asUintN(64, v);
    while (v > 0x7fn) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** int32 / int64 / enum / bool field. */
  int(field: number, value: number | bigint): this {
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  /** float field (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    for (const x of b) this.pending.push(x);
    return this;
  }

  /** Length-delimited bytes field. */
  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, WIRE_LEN).varint(value.length).raw(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** Embedded message. */
  message(field: number, child: ProtoWriter): this {
    return this.tag(field, WIRE_LEN).varint(child.length).append(child);
  }

  /** Packed repeated varints (valid for proto2 repeated int64 too: parsers accept both encodings). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.message(field, inner);
  }

  /** Packed repeated floats. */
  packedFloats(field: number, values: readonly number[]): this {
    const b = new Uint8Array(values.length * 4);
    const dv = new DataView(b.buffer);
    values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }

  /** The serialised message as a list of chunks (concatenate them in order). */
  finish(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }

  /** The serialised message in one buffer. */
  concat(): Uint8Array {
    const result = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.finish()) {
      result.set(c, at);
      at += c.length;
    }
    return result;
  }
}
