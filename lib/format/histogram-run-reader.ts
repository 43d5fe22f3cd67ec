/**
 * A histogram run (imported from cyclictest or oslat, which keep no samples): `bucket_ns` (the
 * bucket's lower bound) and `count`, both integers. Small, so it is read whole.
 */
import { tableFromIPC, Type } from "apache-arrow";
import { readAllBytes, sequentialReader, toRandomAccess, type ByteSourceInput } from "./byte-source";
import { COLUMN } from "./contract";
import { FormatError } from "./errors";
import { readRunHeader, type RunHeader } from "./run-reader";

export interface HistogramRun {
  header: RunHeader;
  bucketNs: Float64Array;
  count: Float64Array;
}

async function allBytes(input: ByteSourceInput): Promise<Uint8Array> {
  const random = toRandomAccess(input);
  if (random) return random.read(0, random.size);
  return readAllBytes(sequentialReader(input).rest());
}

export async function readHistogramRun(input: ByteSourceInput, file: string): Promise<HistogramRun> {
  const bytes = await allBytes(input);
  const header = await readRunHeader(bytes, file);
  const table = tableFromIPC(bytes);
  const column = (name: string): Float64Array => {
    const vector = table.getChild(name);
    if (!vector)
      throw new FormatError({
        file,
        field: name,
        expected: `a column "${name}" in a histogram run`,
        found: "none",
      });
    if (vector.type.typeId !== Type.Int)
      throw new FormatError({ file, field: name, expected: "an integer type", found: String(vector.type) });
    const out = new Float64Array(vector.length);
    for (let i = 0; i < vector.length; i++) {
      const v = Number(vector.get(i));
      if (!(v >= 0))
        throw new FormatError({
          file,
          field: name,
          row: i,
          expected: "a non-negative value",
          found: String(v),
        });
      out[i] = v;
    }
    return out;
  };
  return { header, bucketNs: column(COLUMN.bucket), count: column(COLUMN.count) };
}
