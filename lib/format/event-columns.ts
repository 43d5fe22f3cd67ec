/**
 * A batch of a run's events as typed columns, for walking many events (the timeline's events track at
 * middle zoom): times as Float64Array, kinds as small integer codes (their index in EVENT_KINDS), and
 * names kept as their utf8 bytes, made into strings only when asked (an exact event list, a sample's
 * causes). Decoding so allocates nothing per event.
 */
import { Type, type Data, type Int, type Schema, type Table } from "apache-arrow";
import { columnSlots, type ColumnSlot } from "./arrow-ipc";
import { typedView, type BatchHeader } from "./column-decoding";
import { EVENT_KINDS, EVENTS_COLUMN, type EventKind } from "./events-contract";
import { column } from "./events-columns";
import { FormatError } from "./errors";
import { parseFramed } from "./ipc-messages";

export interface EventColumns {
  ts: Float64Array;
  end: Float64Array;
  /** Each event's kind as its index in EVENT_KINDS. */
  kind: Uint8Array;
  /** Event i's name. */
  name(i: number): string;
  /** Whether event i's name is `name` (compared without making it a string). */
  nameIs(i: number, name: string): boolean;
}

/**
 * Arrays a walk decodes batch after batch into (and a source reads into, when it can), so that walking
 * many batches allocates nothing per batch: columns decoded into it hold until its next use.
 */
export class EventScratch {
  private bytes = new Uint8Array(0);
  private doubles = new Float64Array(0);
  private codes = new Uint8Array(0);

  /** A buffer of `n` bytes (grown, never shrunk). */
  bytesFor(n: number): Uint8Array {
    if (this.bytes.byteLength < n) this.bytes = new Uint8Array(Math.max(n, this.bytes.byteLength * 1.25));
    return this.bytes.subarray(0, n);
  }

  /** Room for the ts and end of `rows` events, and their kinds. */
  columnsFor(rows: number): { ts: Float64Array; end: Float64Array; kind: Uint8Array } {
    if (this.codes.length < rows) {
      this.doubles = new Float64Array(2 * rows);
      this.codes = new Uint8Array(rows);
    }
    return {
      ts: this.doubles.subarray(0, rows),
      end: this.doubles.subarray(rows, 2 * rows),
      kind: this.codes.subarray(0, rows),
    };
  }
}

/** An EventKind's code (its index in EVENT_KINDS). */
export const KIND_CODE: ReadonlyMap<EventKind, number> = new Map(EVENT_KINDS.map((k, i) => [k, i]));

/** Events held as strings (a whole file read, a test's fixture), seen as columns. */
export function eventColumnsOf(events: {
  ts: Float64Array;
  end: Float64Array;
  kind: readonly EventKind[];
  name: readonly string[];
}): EventColumns {
  const kind = new Uint8Array(events.kind.length);
  let last: EventKind | undefined;
  let code = 0;
  for (let i = 0; i < kind.length; i++) {
    const k = events.kind[i];
    if (k !== last) code = KIND_CODE.get((last = k))!;
    kind[i] = code;
  }
  const { name } = events;
  return { ts: events.ts, end: events.end, kind, name: (i) => name[i], nameIs: (i, s) => name[i] === s };
}

const EVENT_SLOTS = [
  EVENTS_COLUMN.ts,
  EVENTS_COLUMN.end,
  EVENTS_COLUMN.kind,
  EVENTS_COLUMN.name,
  EVENTS_COLUMN.cpu,
];

/** Where the five columns sit in a batch's nodes and buffers; null when the schema is not the plain one (then the table path decodes). */
export function eventSlots(schema: Schema): ColumnSlot[] | null {
  const { slots } = columnSlots(schema, EVENT_SLOTS);
  const found = EVENT_SLOTS.map((n) => slots.get(n));
  if (found.some((s) => !s)) return null;
  const [ts, end, kind, name, cpu] = found as ColumnSlot[];
  const int = (s: ColumnSlot, bits: number) =>
    s.field.type.typeId === Type.Int && (s.field.type as Int).bitWidth === bits;
  const utf8 = (s: ColumnSlot) => s.field.type.typeId === Type.Utf8;
  return int(ts, 64) && int(end, 64) && utf8(kind) && utf8(name) && int(cpu, 32)
    ? [ts, end, kind, name, cpu]
    : null;
}

/** A utf8 column's value offsets and bytes (value i is bytes[offsets[i]..offsets[i + 1])). */
interface Utf8Values {
  offsets: Int32Array;
  bytes: Uint8Array;
}

/**
 * The columns of one record batch, straight from its framed message's body (no Arrow table, no copy
 * of the message): null when the batch is compressed (then the table path decodes, or says why not).
 */
export function eventColumnsOfMessage(
  slots: ColumnSlot[],
  bytes: Uint8Array,
  file: string,
  firstRow: number,
  offset: number,
  scratch?: EventScratch,
): EventColumns | null {
  const message = parseFramed(file, bytes, offset);
  const header = message.header as BatchHeader;
  if (header.compression) return null;
  const { body } = message;
  const rows = Number(header.length);
  const region = (slot: ColumnSlot, i: number, byteLength: number): Uint8Array => {
    const node = header.nodes[slot.node];
    const buffer = header.buffers[slot.buffer + i];
    const at = buffer ? Number(buffer.offset) : 0;
    if (!node || Number(node.length) !== rows || !buffer || Number(buffer.length) < byteLength)
      throw new FormatError({
        file,
        field: slot.name,
        expected: `${rows} values in the record batch at byte ${offset}`,
        found: node ? `${Number(node.length)}` : "none",
      });
    if (Number(node.nullCount))
      throw new FormatError({
        file,
        field: slot.name,
        expected: "no missing values",
        found: `${Number(node.nullCount)} nulls`,
      });
    if (at + byteLength > body.byteLength)
      throw new FormatError({
        file,
        field: slot.name,
        expected: `${byteLength} bytes of values in the record batch at byte ${offset}`,
        found: "the message's end",
      });
    return body.subarray(at, at + byteLength);
  };
  const utf8Of = (slot: ColumnSlot): Utf8Values => {
    const offsets = int32s(region(slot, 1, 4 * (rows + 1)));
    const bytes = region(slot, 2, offsets[rows]);
    return { offsets, bytes };
  };
  const [ts, end, kind, name, cpu] = slots;
  region(cpu, 1, 4 * rows); // not decoded, checked all the same: every row's value there, none missing
  const into = scratch?.columnsFor(rows);
  return checked(
    doubles(int32s(region(ts, 1, 8 * rows)), into?.ts),
    doubles(int32s(region(end, 1, 8 * rows)), into?.end),
    kindCodes(utf8Of(kind), file, firstRow, into?.kind),
    names(utf8Of(name)),
    file,
    firstRow,
  );
}

/** The columns of one record batch of an events file decoded as an Arrow table, checked as `readEventBatches` checks them. */
export function eventColumnsOfTable(table: Table, file: string, firstRow: number): EventColumns {
  const int64 = (name: string) => {
    const [data] = one(column(table, file, name, Type.Int, "int64").data);
    const values = data.values as BigInt64Array;
    return doubles(new Int32Array(values.buffer, values.byteOffset + data.offset * 8, data.length * 2));
  };
  const utf8Of = (name: string): Utf8Values => {
    const [data] = one(column(table, file, name, Type.Utf8, "utf8").data);
    return {
      offsets: (data.valueOffsets as Int32Array).subarray(data.offset, data.offset + data.length + 1),
      bytes: data.values as Uint8Array,
    };
  };
  const kind = kindCodes(utf8Of(EVENTS_COLUMN.kind), file, firstRow);
  column(table, file, EVENTS_COLUMN.cpu, Type.Int, "int32"); // not decoded, checked all the same
  return checked(
    int64(EVENTS_COLUMN.ts),
    int64(EVENTS_COLUMN.end),
    kind,
    names(utf8Of(EVENTS_COLUMN.name)),
    file,
    firstRow,
  );
}

/** A record batch's column is one chunk (`tableFromIPC` of one batch). */
function one(chunks: readonly Data[]): [Data] {
  if (chunks.length !== 1) throw new Error(`an events batch's column in ${chunks.length} chunks, not 1`);
  return [chunks[0]];
}

function checked(
  ts: Float64Array,
  end: Float64Array,
  kind: Uint8Array,
  { name, nameIs }: Pick<EventColumns, "name" | "nameIs">,
  file: string,
  firstRow: number,
): EventColumns {
  // One flag folded over the rows (no branch per row); the row at fault is found only when it is unset.
  let ok = 1;
  for (let i = 0, previous = -Infinity; i < ts.length; i++) {
    const t = ts[i];
    ok &= +(t >= previous) & +(end[i] >= t);
    previous = t;
  }
  if (!ok)
    for (let i = 0; i < ts.length; i++) {
      if (i && ts[i] < ts[i - 1])
        throw new FormatError({
          file,
          field: EVENTS_COLUMN.ts,
          row: firstRow + i,
          expected: `events sorted by start (at or after ${ts[i - 1]})`,
          found: String(ts[i]),
        });
      if (end[i] < ts[i])
        throw new FormatError({
          file,
          field: EVENTS_COLUMN.end,
          row: firstRow + i,
          expected: `an end at or after the start (${ts[i]})`,
          found: String(end[i]),
        });
    }
  return { ts, end, kind, name, nameIs };
}

/** A region's bytes as int32 words (copied only when misaligned). */
const int32s = (bytes: Uint8Array) => typedView(Int32Array, bytes, 0, bytes.byteLength / 4);

/**
 * int64 values given as 32-bit words (little-endian) to numbers, each the nearest double to its value
 * (as Number(bigint) gives it): no BigInt made per value.
 */
function doubles(words: Int32Array, into?: Float64Array): Float64Array {
  const out = into ?? new Float64Array(words.length / 2);
  for (let i = 0, j = 0; i < out.length; i++, j += 2) out[i] = words[j + 1] * 4294967296 + (words[j] >>> 0);
  return out;
}

const KIND_BYTES = EVENT_KINDS.map((k) => Uint8Array.from(k, (c) => c.charCodeAt(0)));
/** Every kind's bytes end to end, each at KIND_AT[code] (one typed array: the check below stays monomorphic). */
const KIND_FLAT = Uint8Array.from(EVENT_KINDS.join(""), (c) => c.charCodeAt(0));
const KIND_AT = Int32Array.from(EVENT_KINDS, (_, k) => EVENT_KINDS.slice(0, k).join("").length);
/** A value's length and first two bytes, folded: no two kinds share one (checked below). */
const head = (n: number, b0: number, b1: number) => ((n & 15) << 10) | ((b0 & 31) << 5) | (b1 & 31);
/** The kind a value of that head can be (then its bytes are compared), or -1 none. */
const KIND_BY_HEAD = new Int8Array(1 << 14).fill(-1);
for (const [k, b] of KIND_BYTES.entries()) {
  const at = head(b.length, b[0], b[1]);
  if (KIND_BY_HEAD[at] !== -1)
    throw new Error(`event kinds ${EVENT_KINDS[k]} and ${EVENT_KINDS[KIND_BY_HEAD[at]]} share a head`);
  KIND_BY_HEAD[at] = k;
}

/** The kind column's codes, read from its bytes; an unknown kind is a FormatError naming the row. */
function kindCodes(
  { offsets, bytes }: Utf8Values,
  file: string,
  firstRow: number,
  into?: Uint8Array,
): Uint8Array {
  const out = into ?? new Uint8Array(offsets.length - 1);
  let unknown = -1;
  for (let i = 0; i < out.length; i++) {
    const from = offsets[i];
    const n = offsets[i + 1] - from;
    const code = n > 1 && n < 16 ? KIND_BY_HEAD[head(n, bytes[from], bytes[from + 1])] : -1;
    let differ = code < 0 ? 1 : 0;
    for (let b = 0, at = KIND_AT[code] ?? 0; b < n && !differ; b++)
      differ = bytes[from + b] ^ KIND_FLAT[at + b];
    if (differ) {
      unknown = i;
      break;
    }
    out[i] = code;
  }
  if (unknown >= 0) {
    const from = offsets[unknown];
    throw new FormatError({
      file,
      field: EVENTS_COLUMN.kind,
      row: firstRow + unknown,
      expected: `one of ${EVENT_KINDS.join(", ")}`,
      found: JSON.stringify(utf8.decode(bytes.subarray(from, offsets[unknown + 1]))),
    });
  }
  return out;
}

const utf8 = new TextDecoder();

/**
 * Each value of a utf8 column made a string when asked (ASCII straight from the bytes, the rest through
 * TextDecoder), or compared with a string from its bytes (an ASCII string byte by byte; others decoded).
 */
function names({ offsets, bytes }: Utf8Values): Pick<EventColumns, "name" | "nameIs"> {
  const name = (i: number) => {
    const from = offsets[i];
    const to = offsets[i + 1];
    for (let b = from; b < to; b++) if (bytes[b] > 0x7f) return utf8.decode(bytes.subarray(from, to));
    return String.fromCharCode.apply(null, bytes.subarray(from, to) as unknown as number[]);
  };
  const nameIs = (i: number, s: string) => {
    const from = offsets[i];
    if (offsets[i + 1] - from !== s.length) return name(i) === s;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c > 0x7f) return name(i) === s;
      if (bytes[from + k] !== c) return false;
    }
    return true;
  };
  return { name, nameIs };
}
