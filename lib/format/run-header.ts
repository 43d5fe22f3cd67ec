/**
 * What a run file's schema says: its header (test, kind, `latency:run` fields, columns) and, for a
 * sample run, where its required columns sit (checked against the contract).
 */
import { Type, type DataType, type Int, type Schema } from "apache-arrow";
import { columnSlots, type ColumnSlot } from "./arrow-ipc";
import { COLUMN, META } from "./contract";
import { FormatError, type FormatProblem } from "./errors";
import { runFieldsSchema, type RunFields } from "./manifest";

export interface RunHeader {
  file: string;
  format: "file" | "stream";
  kind: "samples" | "histogram";
  test?: string;
  /** `latency:run`, validated; `{}` when absent or unusable (see `problems`). */
  fields: RunFields;
  metadata: Record<string, string>;
  columns: { name: string; type: string }[];
  /** Problems that do not stop reading (a bad `latency:run` value). */
  problems: FormatProblem[];
  /** A file-format run without its footer, read up to its last whole batch (lib/format/recovery.ts). */
  recovered?: boolean;
}

export interface RunContext {
  file: string;
  schema: Schema;
  header: RunHeader;
  ts: ColumnSlot;
  duration: ColumnSlot;
  thread?: ColumnSlot;
}

export function typeName(type: DataType): string {
  return String(type);
}

export function isInteger(type: DataType): type is Int {
  return type.typeId === Type.Int;
}

export function headerFrom(file: string, schema: Schema, format: "file" | "stream"): RunHeader {
  const metadata = Object.fromEntries(schema.metadata);
  const problems: FormatProblem[] = [];
  let fields: RunFields = {};
  const raw = metadata[META.run];
  if (raw !== undefined) {
    try {
      const parsed = runFieldsSchema.safeParse(JSON.parse(raw));
      if (parsed.success) fields = parsed.data;
      else {
        const issue = parsed.error.issues[0];
        problems.push({
          file,
          field: `${META.run}.${issue.path.join(".")}`,
          expected: issue.message,
        });
      }
    } catch {
      problems.push({ file, field: META.run, expected: "a JSON object", found: raw.slice(0, 40) });
    }
  }
  return {
    file,
    format,
    kind: metadata[META.kind] === "histogram" ? "histogram" : "samples",
    test: metadata[META.test],
    fields,
    metadata,
    columns: schema.fields.map((f) => ({ name: f.name, type: typeName(f.type) })),
    problems,
  };
}

export function contextFrom(file: string, schema: Schema, format: "file" | "stream"): RunContext {
  const header = headerFrom(file, schema, format);
  if (header.kind === "histogram")
    throw new FormatError({
      file,
      field: META.kind,
      expected: "a sample run (this is a histogram run: read it with readHistogramRun)",
      found: "histogram",
    });
  const wanted = [COLUMN.ts, COLUMN.duration, COLUMN.thread];
  const present = wanted.filter((name) => schema.fields.some((f) => f.name === name));
  const { slots, unknownBefore } = columnSlots(schema, present);
  for (const name of [COLUMN.ts, COLUMN.duration]) {
    const slot = slots.get(name);
    if (!slot) {
      if (unknownBefore && present.includes(name))
        throw new FormatError({
          file,
          field: unknownBefore.name,
          expected: `a column type this reader can skip before "${name}"`,
          found: typeName(unknownBefore.type),
        });
      throw new FormatError({
        file,
        field: name,
        expected: `a column "${name}" (${name === COLUMN.ts ? "int64" : "an integer type"})`,
        found: `columns ${schema.fields.map((f) => f.name).join(", ") || "none"}`,
      });
    }
    if (!isInteger(slot.field.type))
      throw new FormatError({
        file,
        field: name,
        expected: name === COLUMN.ts ? "int64 or uint64" : "an integer type (int64 or uint32 typical)",
        found: typeName(slot.field.type),
      });
  }
  const thread = slots.get(COLUMN.thread);
  return {
    file,
    schema,
    header,
    ts: slots.get(COLUMN.ts)!,
    duration: slots.get(COLUMN.duration)!,
    thread: thread && isInteger(thread.field.type) ? thread : undefined,
  };
}
