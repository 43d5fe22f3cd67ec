import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeAttribution } from "../analysis/attribution-codec";
import type { EventKind } from "../format/events-contract";
import { encodeEventsFile } from "../format/events-writer";
import { FormatError } from "../format/errors";
import { buildEventsBundle, SYNTHETIC_EVENTS_META } from "../format/testing/events-bundle";
import { encodeSyntheticRun } from "../format/testing/synthetic-trace";
import { checkBundle, type BundleIndex } from "./check-bundle";
import { DEFAULT_LIMITS } from "./limits";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tickscope-check-events-"));
  await mkdir(join(dir, "derived"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const run = encodeSyntheticRun({
  samples: 40_000,
  jitterNs: 0,
  tickPeriodNs: 4_000_000,
  spikePeriodNs: 1_000_000_000,
  spikeNs: 50_000_000,
  events: { spike: { kind: "throttle", name: "sched_rt_runtime", share: 0.97 } },
});
const ev = run.truth.events!;

async function unpacked(files: Record<string, Uint8Array>) {
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, "files", path)), { recursive: true });
    await writeFile(join(dir, "files", path), bytes);
  }
}

const check = () =>
  checkBundle(join(dir, "files"), join(dir, "derived"), "upload.zip", { limits: DEFAULT_LIMITS });

/** The bundle with its events file replaced by rows of our own. */
function withEvents(rows: [number, number, string][]) {
  const { files } = buildEventsBundle([{ id: "traced", bytes: run.bytes, events: ev }]);
  files["runs/traced.events.arrow"] = encodeEventsFile(
    {
      ts: BigInt64Array.from(rows, (r) => BigInt(r[0])),
      end: BigInt64Array.from(rows, (r) => BigInt(r[1])),
      kind: rows.map((r) => r[2] as EventKind),
      name: rows.map(() => "x"),
      cpu: new Int32Array(rows.length),
    },
    SYNTHETIC_EVENTS_META,
  );
  return files;
}

describe("checkBundle with kernel events", () => {
  it("lays the events over the samples once, at upload, and names the attribution in the served manifest", async () => {
    await unpacked(
      buildEventsBundle([
        { id: "traced", bytes: run.bytes, events: ev },
        { id: "untraced", bytes: run.bytes, events: null },
      ]).files,
    );
    await check();
    expect(await readdir(join(dir, "derived", "attribution"))).toEqual(["0.json"]);
    const saved = decodeAttribution(
      await readFile(join(dir, "derived", "attribution", "0.json"), "utf8"),
      "0.json",
    );
    expect(saved.byKind.throttle).toBe(ev.causeNs["throttle:sched_rt_runtime"]);
    expect(saved.byKind.unexplained).toBe(ev.causeNs.unexplained);
    expect(saved.worst[0].causes[0].kind).toBe("throttle");
    const index = JSON.parse(await readFile(join(dir, "derived", "index.json"), "utf8")) as BundleIndex;
    expect(index.runs.map((r) => r.attribution)).toEqual(["attribution/0.json", null]);
    const served = JSON.parse(await readFile(join(dir, "derived", "manifest.json"), "utf8"));
    expect(served.runs.map((r: { attribution?: string }) => r.attribution ?? null)).toEqual([
      ".tickscope/attribution/0.json",
      null,
    ]);
    expect(index.open).toContainEqual(
      expect.objectContaining({ path: ".tickscope/attribution/0.json", url: "derived/attribution/0.json" }),
    );
  });

  it.each([
    [
      "events out of order",
      [
        [2_000, 3_000, "irq"],
        [1_000, 1_500, "irq"],
      ],
      { field: "ts_ns", row: 1 },
    ],
    ["an event ending before it starts", [[2_000, 1_000, "tick"]], { field: "end_ns", row: 0 }],
    ["an unknown kind", [[2_000, 3_000, "hypervisor"]], { field: "kind", row: 0 }],
  ] as const)("refuses %s, naming the file, the field and the row", async (_name, rows, where) => {
    await unpacked(withEvents(rows.map((r) => [...r])));
    const refused = check();
    await expect(refused).rejects.toBeInstanceOf(FormatError);
    await expect(refused).rejects.toMatchObject({ file: "runs/traced.events.arrow", ...where });
  });

  it("refuses a manifest naming an events file the bundle does not hold", async () => {
    const { files } = buildEventsBundle([{ id: "traced", bytes: run.bytes, events: ev }]);
    delete files["runs/traced.events.arrow"];
    await unpacked(files);
    await expect(check()).rejects.toMatchObject({
      file: "runs/traced.events.arrow",
      expected: "a file that is in the bundle",
    });
  });
});
