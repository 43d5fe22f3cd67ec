import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { manifestSchema } from "../../lib/format/manifest";
import importCommand from "../src/commands/import";
import { readTable, runMetadata, tempDir } from "./helpers";

const fixture = (name: string) => join(import.meta.dirname, "fixtures", name);

async function importInto(args: string[]) {
  const out = join(tempDir(), "bundle");
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  const status = await importCommand.run([...args, "-o", out]);
  vi.restoreAllMocks();
  expect(status).toBe(0);
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
  const table = (id: string) => readTable(join(out, manifest.runs.find((r) => r.id === id)!.file));
  return { out, manifest, table };
}

const column = (t: ReturnType<typeof readTable>, name: string) =>
  Array.from(t.getChild(name)!.toArray() as BigInt64Array, Number);

describe("import", () => {
  it("cyclictest --json: a histogram run per thread, us buckets in ns, overflow = cycles - counted", async () => {
    const { manifest, table } = await importInto([
      fixture("cyclictest.json"),
      "--environment",
      "enlightened",
    ]);
    expect(manifest.runs.map((r) => r.id)).toEqual(["cyclictest-t0", "cyclictest-t1"]);
    expect(manifest.runs[0]).toMatchObject({
      test: "cyclictest",
      kind: "histogram",
      environment: "enlightened",
      cpu: 0,
    });
    const t0 = table("cyclictest-t0");
    expect(t0.schema.metadata.get("latency:kind")).toBe("histogram");
    expect(t0.schema.metadata.get("latency:test")).toBe("cyclictest");
    expect(column(t0, "bucket_ns")).toEqual([2000, 3000, 4000, 5000, 12000, 87000]);
    expect(column(t0, "count")).toEqual([1200, 7100, 1500, 180, 15, 3]);
    expect(runMetadata(t0)).toMatchObject({
      source: "cyclictest",
      cmdline: expect.stringContaining("--histogram=100"),
      version: "2.6",
      sysinfo: { release: "6.12.0-rt5", realtime: 1 },
      cycles: 10000,
      min: 2000,
      max: 143000,
      avg: 3120,
      overflow: 2,
      environment: "enlightened",
    });
    expect(runMetadata(table("cyclictest-t1"))).toMatchObject({ overflow: 0, max: 40000, cpu: 1 });
  });

  it("oslat --json: keys are bucket upper edges in us; the bucket's lower bound is stored", async () => {
    const { manifest, table } = await importInto([fixture("oslat.json")]);
    expect(manifest.runs.map((r) => r.id)).toEqual(["oslat-t0"]);
    const t = table("oslat-t0");
    expect(column(t, "bucket_ns")).toEqual([0, 1000, 2000, 4000, 18000]);
    expect(column(t, "count")).toEqual([9876543210, 1021, 12, 4, 1]);
    expect(runMetadata(t)).toMatchObject({
      source: "oslat",
      cpu: 1,
      counter_mhz: 2100,
      min: 1000,
      max: 19000,
      bucket_width_ns: 1000,
    });
  });

  it("jittersamples CSV: a sample run per CPU, starting at the intended wake-up", async () => {
    const { manifest, table } = await importInto([fixture("jittersamples.csv")]);
    expect(manifest.runs.map((r) => r.id)).toEqual(["jittersamples-cpu0", "jittersamples-cpu1"]);
    const cpu0 = table("jittersamples-cpu0");
    expect(cpu0.schema.metadata.get("latency:kind")).toBeUndefined();
    expect(cpu0.schema.metadata.get("latency:test")).toBe("jitterdebugger");
    expect(column(cpu0, "ts_ns")).toEqual([0, 1_000_000 + 1000, 2_000_000 - 38_000, 3_000_000 + 1000]);
    expect(column(cpu0, "duration_ns")).toEqual([3000, 2000, 41000, 2000]);
    expect(runMetadata(cpu0)).toMatchObject({ cpu: 0, origin_monotonic_ns: 1234_000_097_000 });
    expect(column(table("jittersamples-cpu1"), "duration_ns")).toEqual([5000, 4000, 3000]);
  });

  it("sysjitter --raw files: one run each, interruptions in time order (the sorted form too)", async () => {
    const { manifest, table } = await importInto([fixture("sysjitter-raw.0"), fixture("sysjitter-raw.1")]);
    expect(manifest.runs.map((r) => r.id)).toEqual(["sysjitter-raw-t0", "sysjitter-raw-t1"]);
    const t0 = table("sysjitter-raw-t0");
    expect(column(t0, "ts_ns")).toEqual([249_700, 4_240_000, 8_240_000, 899_980_300]);
    expect(column(t0, "duration_ns")).toEqual([300, 10000, 10000, 19700]);
    expect(runMetadata(t0)).toMatchObject({
      source: "sysjitter",
      thread: 0,
      cpu_mhz: 2100,
      threshold_ns: 200,
      interruptions: 4,
    });
    const t1 = table("sysjitter-raw-t1");
    expect(column(t1, "ts_ns")).toEqual([2_999_000, 4_999_700, 6_994_300]);
    expect(column(t1, "duration_ns")).toEqual([1000, 300, 5700]);
  });

  it("plain CSV ts_ns,duration_ns: times from the first row, the test as given", async () => {
    const { manifest, table } = await importInto([
      fixture("samples.csv"),
      "--test",
      "switch",
      "--scenario",
      "cpu-load",
    ]);
    expect(manifest.runs[0]).toMatchObject({ id: "samples", test: "switch", scenario: "cpu-load" });
    const t = table("samples");
    expect(column(t, "ts_ns")).toEqual([0, 72_000, 144_000]);
    expect(column(t, "duration_ns")).toEqual([68000, 76000, 68100]);
    expect(runMetadata(t)).toMatchObject({ origin_ns: "1700000000000000000" });
  });

  it("bad input names the file, the row and what was expected, and leaves nothing behind", async () => {
    const dir = tempDir();
    const bad = join(dir, "broken.csv");
    writeFileSync(bad, "ts_ns,duration_ns\n0,68000\n72000,oops\n");
    const out = join(dir, "bundle");
    await expect(importCommand.run([bad, "--format", "csv", "-o", out])).rejects.toThrow(
      `${bad}, row 3: expected ts_ns,duration_ns (two non-negative integers), found 72000,oops`,
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(["broken.csv"]);

    writeFileSync(bad, "hello\n");
    await expect(importCommand.run([bad, "-o", out])).rejects.toThrow(
      /cannot tell its format; give --format/,
    );
    await expect(importCommand.run([fixture("oslat.json"), "--format", "pcap", "-o", out])).rejects.toThrow(
      /--format: expected one of cyclictest, oslat, jitterdebugger, sysjitter, csv/,
    );
  });
});
