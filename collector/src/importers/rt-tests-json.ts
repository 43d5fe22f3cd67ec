import { readFile } from "node:fs/promises";
import { FormatError } from "../../../lib/format/errors";

/**
 * The JSON that rt-tests programs write with --json (rt_write_json): a header (command line, version,
 * times, sysinfo) and per-thread results. rt-tests spells two keys with a stray colon ("cmdline:",
 * "rt_test_version:"); both spellings are read.
 */
export interface RtTestsJson {
  cmdline?: string;
  version?: string;
  start_time?: string;
  end_time?: string;
  return_code?: number;
  sysinfo?: Record<string, unknown>;
  resolution_in_ns?: number;
  threads: [string, Record<string, unknown>][];
}

export async function readRtTestsJson(file: string): Promise<RtTestsJson> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new FormatError({
      file,
      expected: "JSON written by an rt-tests program (--json)",
      found: (error as Error).message,
    });
  }
  const thread = json.thread;
  if (!thread || typeof thread !== "object" || Array.isArray(thread))
    throw new FormatError({ file, field: "thread", expected: "an object of per-thread results" });
  const str = (...keys: string[]) => keys.map((k) => json[k]).find((v): v is string => typeof v === "string");
  return {
    cmdline: str("cmdline", "cmdline:"),
    version: str("rt_test_version", "rt_test_version:"),
    start_time: str("start_time"),
    end_time: str("end_time"),
    return_code: typeof json.return_code === "number" ? json.return_code : undefined,
    sysinfo:
      typeof json.sysinfo === "object" && json.sysinfo
        ? (json.sysinfo as Record<string, unknown>)
        : undefined,
    resolution_in_ns: typeof json.resolution_in_ns === "number" ? json.resolution_in_ns : undefined,
    threads: Object.entries(thread as Record<string, Record<string, unknown>>),
  };
}

export function numberField(
  file: string,
  thread: string,
  value: Record<string, unknown>,
  key: string,
): number {
  const v = value[key];
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new FormatError({
      file,
      field: `thread.${thread}.${key}`,
      expected: "a number",
      found: JSON.stringify(v),
    });
  return v;
}

export function histogramField(
  file: string,
  thread: string,
  value: Record<string, unknown>,
): [string, number][] {
  const h = value.histogram;
  if (!h || typeof h !== "object" || Array.isArray(h))
    throw new FormatError({
      file,
      field: `thread.${thread}.histogram`,
      expected: "an object of bucket: count",
    });
  return Object.entries(h as Record<string, unknown>).map(([bucket, count]) => {
    if (
      typeof count !== "number" ||
      !Number.isInteger(count) ||
      count < 0 ||
      !Number.isFinite(Number(bucket))
    )
      throw new FormatError({
        file,
        field: `thread.${thread}.histogram.${bucket}`,
        expected: "a bucket number with a non-negative integer count",
        found: JSON.stringify(count),
      });
    return [bucket, count];
  });
}
