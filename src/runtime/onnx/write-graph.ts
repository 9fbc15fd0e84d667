// Writes an edited model back: the fields an edit replaces, drops or adds, around everything it
// leaves alone — in place around the untouched initializers where it fits, so that a rewrite of a
// model of hundreds of megabytes copies only a few kilobytes.

import type { ParsedModel } from './model-reader.ts';
import { nameOf } from './model-reader.ts';
import { encodeField } from './message-encoders.ts';
import { fields, ProtoWriter, WIRE_LEN, type Field } from './protobuf.ts';
import {
  GRAPH_INITIALIZER,
  GRAPH_NODE,
  GRAPH_VALUE_INFO,
  MODEL_GRAPH,
  NODE_DOC_STRING,
  NODE_NAME,
  VALUE_INFO_NAME,
} from './schema.ts';

export interface GraphEdit {
  /** Original graph fields replaced by complete encoded fields (tags included); an empty writer drops the field. */
  replace: Map<Field, ProtoWriter>;
  /** New complete graph fields (nodes, initializers, inputs): placed where they fit, in this order per region. */
  extra: ProtoWriter[];
  /** value_info entries (optional shape hints) to drop, e.g. of tensors whose shape changes. */
  dropValueInfo?: ReadonlySet<string>;
  /** Model (not graph) fields replaced, e.g. the IR version. */
  modelReplace?: Map<Field, ProtoWriter>;
  /** New complete model fields (operator set imports, functions). */
  modelExtra?: ProtoWriter[];
}

export interface WrittenModel {
  bytes: Uint8Array;
  /** True when `bytes` is a view of the input buffer, rewritten in place (no copy of the weights). */
  inPlace: boolean;
  /** In-place only: puts the input buffer's original bytes back (once the bytes have been consumed). */
  restore?: () => void;
}

/** Writes the fields of a graph region, edited; `strip`: nodes written without name and doc string; `dropHints`: no value_info. */
type EmitRegion = (list: readonly Field[], strip: ReadonlySet<Field>, dropHints: boolean) => ProtoWriter;

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
  const modelField = (f: Field): ProtoWriter => {
    const r = edit.modelReplace?.get(f);
    return r ? new ProtoWriter().append(r) : new ProtoWriter().raw(buf.subarray(f.start, f.end));
  };
  const modelBefore = new ProtoWriter();
  for (const f of modelFields.filter((m) => m.end <= graph.start)) modelBefore.append(modelField(f));
  const modelAfter = new ProtoWriter();
  for (const f of modelFields.filter((m) => m.start >= graph.end)) modelAfter.append(modelField(f));
  const emit: EmitRegion = (list, strip, dropHints) => {
    const out = new ProtoWriter();
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
      out.raw(buf.subarray(f.start, f.end));
    }
    return out;
  };
  const modelExtra = edit.modelExtra ?? [];

  if (inPlace) {
    const strippable = gFields.filter(
      (f) => f.field === GRAPH_NODE && nodeOfField.has(f) && !edit.replace.has(f) && hasNameOrDoc(buf, f),
    );
    const done = writeInPlace(buf, gFields, { modelBefore, modelAfter, emit }, edit.extra, modelExtra, strippable);
    if (done) return { ...done, inPlace: true };
  }
  const newGraph = emit(gFields, new Set(), false);
  for (const e of edit.extra) newGraph.append(e);
  const out = new ProtoWriter().append(modelBefore).message(MODEL_GRAPH, newGraph).append(modelAfter);
  for (const e of modelExtra) out.append(e);
  return { bytes: out.concat(), inPlace: false };
}

/** A NodeProto field without its name and doc string (both optional). */
function strippedNode(buf: Uint8Array, f: Field): ProtoWriter {
  const payload = new ProtoWriter();
  for (const g of fields(buf, f.dataStart, f.dataEnd))
    if (g.field !== NODE_NAME && g.field !== NODE_DOC_STRING) payload.raw(buf.subarray(g.start, g.end));
  return encodeField(GRAPH_NODE, payload);
}

function hasNameOrDoc(buf: Uint8Array, f: Field): boolean {
  for (const g of fields(buf, f.dataStart, f.dataEnd))
    if (g.field === NODE_NAME || g.field === NODE_DOC_STRING) return true;
  return false;
}

/** The graph field's tag and length (what precedes its payload). */
function graphTag(length: number): ProtoWriter {
  return new ProtoWriter().tag(MODEL_GRAPH, WIRE_LEN).varint(length);
}

const totalLength = (list: readonly ProtoWriter[]): number => list.reduce((n, e) => n + e.length, 0);

/**
 * The in-place layout (see writeGraph). Room is made as needed: node names (and doc strings) are
 * dropped a few at a time, in file order, until the edit fits — so that a later rewrite of the
 * result still finds names to give up — and value_info hints last.
 */
function writeInPlace(
  buf: Uint8Array,
  gFields: readonly Field[],
  model: { modelBefore: ProtoWriter; modelAfter: ProtoWriter; emit: EmitRegion },
  extra: readonly ProtoWriter[],
  modelExtra: readonly ProtoWriter[],
  strippable: readonly Field[],
): { bytes: Uint8Array; restore: () => void } | null {
  const { modelBefore, modelAfter, emit } = model;
  const inits = gFields.filter((f) => f.field === GRAPH_INITIALIZER);
  if (inits.length === 0) return null;
  const first = inits[0] as Field;
  const last = inits[inits.length - 1] as Field;
  // The initializers must be one contiguous run.
  if (gFields.some((f) => f.field !== GRAPH_INITIALIZER && f.start >= first.start && f.end <= last.end)) return null;
  const before = gFields.filter((f) => f.end <= first.start);
  const after = gFields.filter((f) => f.start >= last.end);
  const span = last.end - first.start;
  const extraLength = totalLength(extra);
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
    const place = (items: readonly ProtoWriter[]): { head: ProtoWriter[]; tail: ProtoWriter[] } => {
      const head: ProtoWriter[] = [];
      const tail: ProtoWriter[] = [];
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
    const head = new ProtoWriter().append(modelBefore);
    for (const e of m.head) head.append(e);
    const graphTailOut = new ProtoWriter().append(graphTail);
    for (const e of g.tail) graphTailOut.append(e);
    const graphLength = graphHead.length + totalLength(g.head) + span + graphTailOut.length;
    head.append(graphTag(graphLength)).append(graphHead);
    for (const e of g.head) head.append(e);
    const tail = new ProtoWriter().append(graphTailOut).append(modelAfter);
    for (const e of m.tail) tail.append(e);
    // Materialise first: both pieces are partly views of the bytes they will overwrite.
    const headBytes = head.concat();
    const tailBytes = tail.concat();
    const start = first.start - headBytes.length;
    if (start < 0 || last.end + tailBytes.length > buf.length) return null;
    // Copies (new Uint8Array of a view): a Node Buffer's slice() is a view, which the writes below
    // would change too, and restore() would then put the rewritten bytes back.
    const savedHead = new Uint8Array(buf.subarray(start, first.start));
    const savedTail = new Uint8Array(buf.subarray(last.end, last.end + tailBytes.length));
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
