import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { encodeSyntheticRun } from "../../../lib/format/testing/synthetic-trace";
import { UsageError } from "../command";
import analyze from "./analyze";
import { captureConsole } from "./testing/capture-console";

const dir = mkdtempSync(join(tmpdir(), "tickscope-analyze-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "bundle", "runs"), { recursive: true });
const emu = encodeSyntheticRun({ samples: 200_000, worst: { atNs: 5e9, ns: 7_190_000 } });
const sw = encodeSyntheticRun({ samples: 100_000, test: "switch", threads: 2, spikePeriodNs: null });
writeFileSync(join(dir, "bundle", "runs", "emu.arrow"), emu.bytes);
writeFileSync(join(dir, "bundle", "runs", "sw.arrow"), sw.bytes);
writeFileSync(
  join(dir, "bundle", "manifest.json"),
  JSON.stringify({
    format: "latency-bundle",
    version: 1,
    runs: [
      {
        id: "emu-tick",
        file: "runs/emu.arrow",
        test: "tick",
        environment: "emulated",
        scenario: "one-to-all",
      },
      { id: "enl-switch-2", file: "runs/sw.arrow", test: "switch", environment: "enlightened", threads: 2 },
    ],
  }),
);
writeFileSync(join(dir, "notes.arrow"), "not arrow");
writeFileSync(
  join(dir, "bundle.zip"),
  zipSync({
    "manifest.json": strToU8(
      JSON.stringify({
        format: "latency-bundle",
        version: 1,
        runs: [{ id: "z", file: "z.arrow", test: "switch" }],
      }),
    ),
    "z.arrow": [sw.bytes, { level: 0 }],
  }),
);

describe("tickscope analyze", () => {
  it("prints one JSON object with a report per run", async () => {
    const { out } = captureConsole();
    expect(await analyze.run([join(dir, "bundle"), "--json"])).toBe(0);
    const { runs } = JSON.parse(out.join("\n"));
    expect(runs.map((r: { id: string }) => r.id)).toEqual(["emu-tick", "enl-switch-2"]);
    expect(runs[0]).toMatchObject({
      test: "tick",
      environment: "emulated",
      samples: 200_000,
      max_duration_ns: emu.truth.max.durationNs,
      max_at_ts_ns: emu.truth.max.ts,
      errors: [],
    });
    expect(runs[1]).toMatchObject({ test: "switch", threads: 2, max_overhead_ns: sw.truth.max.durationNs });
  });

  it("reads a bundle zip", async () => {
    const { out } = captureConsole();
    expect(await analyze.run([join(dir, "bundle.zip"), "--json"])).toBe(0);
    expect(JSON.parse(out.join("\n")).runs).toEqual([
      expect.objectContaining({
        id: "z",
        test: "switch",
        samples: 100_000,
        max_duration_ns: sw.truth.max.durationNs,
      }),
    ]);
  });

  it("prints a readable summary without --json", async () => {
    const { out } = captureConsole();
    expect(await analyze.run([join(dir, "bundle", "runs", "emu.arrow")])).toBe(0);
    expect(out.join("\n")).toMatch(/max overhead 7\.19 ms/);
    expect(out.join("\n")).toMatch(/tick: every 1 ms, costs 8(\.0\d)? µs/);
  });

  it("exits 1 and names the run when the statistic is above --fail-above", async () => {
    const { err } = captureConsole();
    expect(await analyze.run([join(dir, "bundle"), "--json", "--fail-above", "5ms"])).toBe(1);
    expect(err).toEqual([expect.stringMatching(/FAIL emu-tick .*maximum overhead 7\.19 ms is above 5 ms/)]);
    captureConsole();
    expect(await analyze.run([join(dir, "bundle"), "--fail-above", "8ms"])).toBe(0);
    const second = captureConsole();
    expect(await analyze.run([join(dir, "bundle"), "--fail-above", "100us", "--percentile", "99"])).toBe(0);
    expect(second.err).toEqual([]);
  });

  it("reads a run whose writer died up to its last whole batch, says so, and exits 0", async () => {
    const cut = join(dir, "cut.arrow");
    const { bytes } = encodeSyntheticRun({ samples: 200_000, batchRows: 20_000 });
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.byteLength * 0.7)));
    const text = captureConsole();
    expect(await analyze.run([cut])).toBe(0);
    expect(text.out.join("\n")).toMatch(/recovered: [\d,]+ samples, the run did not finish/);
    const json = captureConsole();
    expect(await analyze.run([cut, "--json"])).toBe(0);
    const [report] = JSON.parse(json.out.join("\n")).runs;
    expect(report.samples).toBeGreaterThan(100_000);
    expect(report.samples).toBeLessThan(200_000);
    expect(report.recovered).toContain(`recovered: ${report.samples.toLocaleString("en")} samples`);
    expect(json.err).toEqual([]);
  });

  it("exits 2 on bad input and says what was expected where", async () => {
    const { out, err } = captureConsole();
    expect(await analyze.run([join(dir, "notes.arrow"), "--json", join(dir, "missing")])).toBe(2);
    expect(JSON.parse(out.join("\n")).runs[0].errors[0]).toMatchObject({
      expected: expect.stringMatching(/Arrow IPC/),
    });
    expect(err.join("\n")).toMatch(/notes\.arrow: expected an Arrow IPC file/);
    expect(err.join("\n")).toMatch(
      /missing: expected a run file, a bundle zip or a bundle folder, found nothing at that path/,
    );
    await expect(analyze.run(["--fail-above", "soon", "x"])).rejects.toThrow(UsageError);
    await expect(analyze.run([])).rejects.toThrow(UsageError);
  });

  it("checks duration or overhead as asked with --as, and names it", async () => {
    const { err } = captureConsole();
    // The worst sample holds 7.19 ms of overhead over the 68 µs loop: 7.26 ms of duration.
    expect(await analyze.run([join(dir, "bundle", "runs", "emu.arrow"), "--fail-above", "7.2ms"])).toBe(0);
    expect(
      await analyze.run([
        join(dir, "bundle", "runs", "emu.arrow"),
        "--fail-above",
        "7.2ms",
        "--as",
        "duration",
      ]),
    ).toBe(1);
    expect(err.join("\n")).toMatch(/maximum duration 7\.26 ms is above 7\.2 ms/);
    await expect(analyze.run(["x", "--as", "latency"])).rejects.toThrow(
      /--as: expected duration or overhead/,
    );
  });

  it("refuses a threshold without its unit, listing the units, and unknown options", async () => {
    await expect(analyze.run([join(dir, "bundle"), "--fail-above", "100"])).rejects.toThrow(
      /--fail-above: "100" has no unit: write it with one of ns, us \(or µs\), ms, s/,
    );
    await expect(analyze.run([join(dir, "bundle"), "--fail-above"])).rejects.toThrow(
      /--fail-above.*argument missing/,
    );
    await expect(analyze.run([join(dir, "bundle"), "--colour"])).rejects.toThrow(/Unknown option '--colour'/);
  });
});
