import { describe, expect, it } from "vitest";
import { zipSync } from "fflate";
import { buildBundle } from "@/lib/format/testing/bundle";
import { encodeTickRun } from "@/lib/format/testing/tick-trace";
import type { FromWorker } from "./protocol";
import { openInHost } from "./testing/open-in-host";

const options = { samples: 60_000, worst: { atNs: 2.1e9, valueNs: 4_000_000 } };
const { bytes } = encodeTickRun({ id: "a", environment: "emulated", scenario: "idle", options });

/** A bundle whose run `a` names a saved summary holding garbage, or (null) one the bundle lacks. */
function bundleWithCorruptSummary(summary: string | null = "not a summary at all"): Uint8Array {
  const { files } = buildBundle({
    runs: [
      { id: "a", bytes, test: "tick", fields: { environment: "emulated" } },
      {
        id: "broken",
        bytes: new TextEncoder().encode("ARROW1 and then nothing a run file holds"),
        test: "tick",
      },
    ],
  });
  const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"]));
  manifest.runs[0].summary = "runs/a.summary";
  return zipSync({
    ...files,
    "manifest.json": new TextEncoder().encode(JSON.stringify(manifest)),
    ...(summary === null ? {} : { "runs/a.summary": new TextEncoder().encode(summary) }),
  });
}

describe("a run whose saved summary cannot be used", () => {
  it("is summarised from its samples, and the page is told which file and why", async () => {
    const zip = bundleWithCorruptSummary();
    const { messages } = await openInHost("zip", "b.zip", zip, "z");
    const summary = messages.find((m) => m.type === "summary") as Extract<FromWorker, { type: "summary" }>;
    expect(summary.runKey).toBe("z/a");
    expect(summary.digest.count).toBe(60_000);
    expect(summary.digest.max.value).toBe(4_000_000);
    expect(summary.summaryProblem).toMatch(/^runs\/a\.summary: expected a tickscope summary/);
    // The broken run beside it is reported on its own.
    const discovered = messages[0] as Extract<FromWorker, { type: "discovered" }>;
    expect(discovered.problems.map((p) => p.key)).toEqual(["z/broken"]);
  });

  it("named in the manifest but missing from the bundle: summarised from its samples, and which file and why", async () => {
    const { messages } = await openInHost("zip", "b.zip", bundleWithCorruptSummary(null), "z");
    const summary = messages.find((m) => m.type === "summary") as Extract<FromWorker, { type: "summary" }>;
    expect(summary.runKey).toBe("z/a");
    expect(summary.digest.max.value).toBe(4_000_000);
    expect(summary.summaryProblem).toBe("runs/a.summary: expected a file that is in the bundle");
  });
});
