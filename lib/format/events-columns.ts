/** The checks an events or steal file's columns and schema metadata pass, with errors naming the field. */
import { Type, type Schema, type Table, type Vector } from "apache-arrow";
import { EVENTS_META, eventsMetaSchema, type EventsMeta } from "./events-contract";
import { FormatError } from "./errors";

export function column(table: Table, file: string, name: string, type: Type, typeName: string): Vector {
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

export function numbers(vector: Vector): Float64Array {
  const out = new Float64Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    const values = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < data.length; i++) out[at++] = Number(values[data.offset + i]);
  }
  return out;
}

/** The `latency:events` metadata of a schema; null when absent and not `required`. */
export function eventsMetaOf(schema: Schema, file: string, required: boolean): EventsMeta | null {
  const text = schema.metadata.get(EVENTS_META);
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

const utf8 = new TextDecoder();

/**
 * A utf8 column's values as strings, read from its buffers: ASCII (kernel names nearly always are) built
 * straight from the bytes, the rest through TextDecoder. Several times faster than a `get` per row.
 */
export function strings(vector: Vector): string[] {
  const out: string[] = new Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      const from = offsets[data.offset + i];
      const to = offsets[data.offset + i + 1];
      let ascii = true;
      for (let b = from; b < to; b++)
        if (bytes[b] > 0x7f) {
          ascii = false;
          break;
        }
      out[at++] = ascii
        ? String.fromCharCode.apply(null, bytes.subarray(from, to) as unknown as number[])
        : utf8.decode(bytes.subarray(from, to));
    }
  }
  return out;
}
