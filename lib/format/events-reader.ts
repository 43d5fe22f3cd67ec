/**
 * Readers of a run's optional events file and steal table, whole. The events file can grow with the
 * run (a day is tens of millions of intervals): what reads a long run walks its batches instead
 * (events-batches.ts); `readEvents` gathers them, for small files and tests.
 */
import { tableFromIPC, Type, type Table } from "apache-arrow";
import { readAllBytes, sequentialReader, toRandomAccess, type ByteSourceInput } from "./byte-source";
import { STEAL_COLUMN, type EventKind, type EventsMeta } from "./events-contract";
import { readEventBatches } from "./events-batches";
import { recoverEvents, stealRecoveredNote } from "./events-recovery";
import { column, eventsMetaOf, numbers } from "./events-columns";
import { FormatError } from "./errors";
import { encodeFileTail } from "./run-footer";

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
  /** "recovered: N seconds of steal, the recording did not finish", for a file without its footer (a crash). */
  recovered?: string;
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

function joined(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `runs/<id>.events.arrow`, whole: intervals sorted by start, each ending at or after it, of a known kind. */
export async function readEvents(input: ByteSourceInput, file: string): Promise<RunEvents> {
  const read = await readEventBatches(input, file);
  const ts: Float64Array[] = [];
  const end: Float64Array[] = [];
  const cpu: Float64Array[] = [];
  const kind: EventKind[] = [];
  const name: string[] = [];
  for await (const batch of read.batches) {
    ts.push(batch.ts);
    end.push(batch.end);
    cpu.push(Float64Array.from(batch.cpu));
    for (let i = 0; i < batch.kind.length; i++) {
      kind.push(batch.kind[i]);
      name.push(batch.name[i]);
    }
  }
  const recovered = read.recovered();
  return {
    meta: read.meta,
    ts: joined(ts),
    end: joined(end),
    kind,
    name,
    cpu: Int32Array.from(joined(cpu)),
    ...(recovered ? { recovered } : {}),
  };
}

/** `runs/<id>.steal.arrow`: one row per second of the run, seconds increasing, steal never negative. */
export async function readSteal(input: ByteSourceInput, file: string): Promise<RunSteal> {
  let bytes = await allBytes(input);
  // Streamed during the run: a crash leaves it without its footer, read up to its last whole batch.
  const recovery = await recoverEvents(bytes, file);
  if (recovery) {
    const tail = encodeFileTail(recovery.schema, recovery.blocks);
    const whole = new Uint8Array(recovery.wholeBytes + tail.byteLength);
    whole.set(bytes.subarray(0, recovery.wholeBytes));
    whole.set(tail, recovery.wholeBytes);
    bytes = whole;
  }
  const table = arrowTable(bytes, file, "a run's steal table");
  const meta = eventsMetaOf(table.schema, file, false);
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
  return { meta, second, stealNs, ...(recovery ? { recovered: stealRecoveredNote(recovery) } : {}) };
}
