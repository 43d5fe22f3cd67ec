/**
 * Readers of a run's optional events file and steal table. Both are small beside the run (an hour of
 * events is a few million rows at most), so each is read whole and checked row by row.
 */
import { tableFromIPC, Type, type Table, type Vector } from "apache-arrow";
import { FILE_HEADER_BYTES } from "./arrow-ipc";
import { readAllBytes, sequentialReader, toRandomAccess, type ByteSourceInput } from "./byte-source";
import {
  EVENT_KINDS,
  EVENTS_COLUMN,
  EVENTS_META,
  STEAL_COLUMN,
  eventsMetaSchema,
  isEventKind,
  type EventKind,
  type EventsMeta,
} from "./events-contract";
import { FormatError } from "./errors";
import { eventsRecoveredNote, recoverEvents } from "./events-recovery";

export interface RunEvents {
  meta: EventsMeta;
  /** Start and end of each interval, ns since the run started (the samples' time base). */
  ts: Float64Array;
  end: Float64Array;
  kind: EventKind[];
  name: string[];
  cpu: Int32Array;
  /** "recovered: N events, the recording did not finish", for a file without its footer (a crash). */
  recovered?: string;
}

export interface RunSteal {
  meta: EventsMeta | null;
  second: Int32Array;
  stealNs: Float64Array;
}

async function allBytes(input: ByteSourceInput): Promise<Uint8Array> {
  const random = toRandomAccess(input);
  if (random) return random.read(0, random.size);
  return readAllBytes(sequentialReader(input).rest());
}

function arrowTable(bytes: Uint8Array, file: string, what: string): Table {
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    throw new FormatError({ file, expected: `an Arrow IPC file (${what})`, found: (error as Error).message });
  }
}

function column(table: Table, file: string, name: string, type: Type, typeName: string): Vector {
  const vector = table.getChild(name);
  if (!vector)
    throw new FormatError({ file, field: name, expected: `a column "${name}" (${typeName})`, found: "none" });
  if (vector.type.typeId !== type)
    throw new FormatError({ file, field: name, expected: typeName, found: String(vector.type) });
  if (vector.nullCount)
    throw new FormatError({
      file,
      field: name,
      expected: "no missing values",
      found: `${vector.nullCount} nulls`,
    });
  return vector;
}

function numbers(vector: Vector): Float64Array {
  const out = new Float64Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    const values = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < data.length; i++) out[at++] = Number(values[data.offset + i]);
  }
  return out;
}

function metaOf(table: Table, file: string, required: boolean): EventsMeta | null {
  const text = table.schema.metadata.get(EVENTS_META);
  if (text === undefined) {
    if (!required) return null;
    throw new FormatError({
      file,
      field: EVENTS_META,
      expected: "the schema metadata of an events file",
      found: "none",
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FormatError({ file, field: EVENTS_META, expected: "a JSON object", found: text.slice(0, 80) });
  }
  const parsed = eventsMetaSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError({
      file,
      field: `${EVENTS_META}.${issue.path.join(".")}`,
      expected: issue.message,
    });
  }
  return parsed.data;
}

/** `runs/<id>.events.arrow`: intervals sorted by start, each ending at or after it, of a known kind. */
export async function readEvents(input: ByteSourceInput, file: string): Promise<RunEvents> {
  const bytes = await allBytes(input);
  const recovery = await recoverEvents(bytes, file);
  // A recording that did not finish: its messages after the magic, up to the last whole batch, as a stream.
  const table = arrowTable(
    recovery ? bytes.subarray(FILE_HEADER_BYTES, recovery.wholeBytes) : bytes,
    file,
    "a run's events",
  );
  const meta = metaOf(table, file, true)!;
  const ts = numbers(column(table, file, EVENTS_COLUMN.ts, Type.Int, "int64"));
  const end = numbers(column(table, file, EVENTS_COLUMN.end, Type.Int, "int64"));
  const kindColumn = column(table, file, EVENTS_COLUMN.kind, Type.Utf8, "utf8");
  const nameColumn = column(table, file, EVENTS_COLUMN.name, Type.Utf8, "utf8");
  const cpu = Int32Array.from(numbers(column(table, file, EVENTS_COLUMN.cpu, Type.Int, "int32")));
  const kind: EventKind[] = new Array(ts.length);
  const name: string[] = new Array(ts.length);
  for (let i = 0; i < ts.length; i++) {
    if (i > 0 && ts[i] < ts[i - 1])
      throw new FormatError({
        file,
        field: EVENTS_COLUMN.ts,
        row: i,
        expected: `events sorted by start (at or after ${ts[i - 1]})`,
        found: String(ts[i]),
      });
    if (end[i] < ts[i])
      throw new FormatError({
        file,
        field: EVENTS_COLUMN.end,
        row: i,
        expected: `an end at or after the start (${ts[i]})`,
        found: String(end[i]),
      });
    const k = String(kindColumn.get(i));
    if (!isEventKind(k))
      throw new FormatError({
        file,
        field: EVENTS_COLUMN.kind,
        row: i,
        expected: `one of ${EVENT_KINDS.join(", ")}`,
        found: `"${k}"`,
      });
    kind[i] = k;
    name[i] = String(nameColumn.get(i));
  }
  return {
    meta,
    ts,
    end,
    kind,
    name,
    cpu,
    ...(recovery ? { recovered: eventsRecoveredNote(recovery) } : {}),
  };
}

/** `runs/<id>.steal.arrow`: one row per second of the run, seconds increasing, steal never negative. */
export async function readSteal(input: ByteSourceInput, file: string): Promise<RunSteal> {
  const table = arrowTable(await allBytes(input), file, "a run's steal table");
  const meta = metaOf(table, file, false);
  const second = Int32Array.from(numbers(column(table, file, STEAL_COLUMN.second, Type.Int, "int32")));
  const stealNs = numbers(column(table, file, STEAL_COLUMN.steal, Type.Int, "int64"));
  for (let i = 0; i < second.length; i++) {
    if (i > 0 && second[i] <= second[i - 1])
      throw new FormatError({
        file,
        field: STEAL_COLUMN.second,
        row: i,
        expected: `seconds increasing (after ${second[i - 1]})`,
        found: String(second[i]),
      });
    if (!(stealNs[i] >= 0))
      throw new FormatError({
        file,
        field: STEAL_COLUMN.steal,
        row: i,
        expected: "a non-negative duration",
        found: String(stealNs[i]),
      });
  }
  return { meta, second, stealNs };
}
