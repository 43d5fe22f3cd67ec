/**
 * The few pieces of Arrow IPC a run reader needs, decoded directly: message framing, the file footer's
 * block list, and where each top-level column's buffers sit in a record batch body. Reading columns
 * straight from the body (no apache-arrow Table/Vector per batch) keeps a 50M-sample run at one pass
 * over typed arrays, and the footer blocks are the batch index used for `File.slice` / HTTP Range.
 * apache-arrow's `Message.decode` and `Footer.decode` still parse the flatbuffer metadata.
 */
import { Message, MessageHeader, Type, type DataType, type Field, type Schema } from "apache-arrow";

export const FILE_MAGIC = "ARROW1";
/** "ARROW1" plus padding to 8 bytes, at the start of the file format. */
export const FILE_HEADER_BYTES = 8;

export interface IpcBlock {
  /** Where the message starts (its continuation marker). */
  offset: number;
  /** Framing plus flatbuffer metadata plus padding. */
  metaDataLength: number;
  bodyLength: number;
}

export function startsWithMagic(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 6) return false;
  for (let i = 0; i < 6; i++) if (bytes[i] !== FILE_MAGIC.charCodeAt(i)) return false;
  return true;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface MessagePrefix {
  /** Bytes of framing before the metadata (8, or 4 for the pre-0.15 format). */
  framing: number;
  /** Metadata length including padding; 0 marks the end of the stream. */
  metadataLength: number;
}

/** Reads the 4 or 8 framing bytes; returns null if fewer than 4 bytes are given. */
export function decodePrefix(bytes: Uint8Array): MessagePrefix | null {
  if (bytes.byteLength < 4) return null;
  const dv = view(bytes);
  const first = dv.getInt32(0, true);
  if (first !== -1) return { framing: 4, metadataLength: first };
  if (bytes.byteLength < 8) return null;
  return { framing: 8, metadataLength: dv.getInt32(4, true) };
}

export function decodeMessage(metadata: Uint8Array): Message {
  return Message.decode(metadata);
}

export { MessageHeader };

export interface ColumnSlot {
  name: string;
  field: Field;
  /** Index into the record batch's field nodes. */
  node: number;
  /** Index of the validity buffer; the data buffer follows it. */
  buffer: number;
}

function layout(type: DataType): { nodes: number; buffers: number } | null {
  let own: number;
  switch (type.typeId) {
    case Type.Null:
      own = 0;
      break;
    case Type.Int:
    case Type.Float:
    case Type.Bool:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Interval:
    case Type.Duration:
    case Type.FixedSizeBinary:
    case Type.Dictionary:
      own = 2;
      break;
    case Type.Binary:
    case Type.Utf8:
    case Type.LargeBinary:
    case Type.LargeUtf8:
      own = 3;
      break;
    case Type.List:
    case Type.LargeList:
    case Type.Map:
      own = 2;
      break;
    case Type.FixedSizeList:
    case Type.Struct:
      own = 1;
      break;
    case Type.Union:
      own = (type as DataType & { mode: number }).mode === 0 ? 1 : 2;
      break;
    default:
      return null;
  }
  let nodes = 1;
  let buffers = own;
  if (type.typeId !== Type.Dictionary) {
    for (const child of type.children ?? []) {
      const inner = layout(child.type);
      if (!inner) return null;
      nodes += inner.nodes;
      buffers += inner.buffers;
    }
  }
  return { nodes, buffers };
}

/**
 * Node and buffer indices of the named top-level columns. Columns after the last one asked for may
 * have any type; a column of a layout this reader does not know (view types) before them is reported.
 */
export function columnSlots(
  schema: Schema,
  names: readonly string[],
): { slots: Map<string, ColumnSlot>; unknownBefore?: Field } {
  const slots = new Map<string, ColumnSlot>();
  let node = 0;
  let buffer = 0;
  for (const field of schema.fields) {
    if (names.includes(field.name) && !slots.has(field.name))
      slots.set(field.name, { name: field.name, field, node, buffer });
    if (slots.size === names.length) break;
    const size = layout(field.type);
    if (!size) return { slots, unknownBefore: field };
    node += size.nodes;
    buffer += size.buffers;
  }
  return { slots };
}
