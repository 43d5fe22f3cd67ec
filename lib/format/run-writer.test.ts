import { describe, expect, it } from "vitest";
import { tableFromIPC } from "apache-arrow";
import { COLUMN, MAX_BATCH_ROWS, META } from "./contract";
import { encodeRunFile } from "./run-writer";

describe("encodeRunFile", () => {
  it("writes the contract's columns, types and schema metadata", () => {
    const ts = BigInt64Array.from([0n, 70_000n, 140_000n]);
    const duration = Uint32Array.from([68_000, 76_000, 68_100]);
    const bytes = encodeRunFile(
      { ts, duration },
      { test: "tick", run: { environment: "emulated", scenario: "cpu-load" } },
    );

    expect(new TextDecoder().decode(bytes.subarray(0, 6))).toBe("ARROW1");
    const table = tableFromIPC(bytes);
    expect(table.numRows).toBe(3);
    expect(String(table.schema.fields.find((f) => f.name === COLUMN.ts)?.type)).toBe("Int64");
    expect(String(table.schema.fields.find((f) => f.name === COLUMN.duration)?.type)).toBe("Uint32");
    expect(table.schema.metadata.get(META.test)).toBe("tick");
    expect(JSON.parse(table.schema.metadata.get(META.run)!)).toEqual({
      environment: "emulated",
      scenario: "cpu-load",
    });
    expect(Array.from(table.getChild(COLUMN.duration)!.toArray() as Uint32Array)).toEqual([
      68_000, 76_000, 68_100,
    ]);
    expect(table.getChild(COLUMN.ts)!.get(2)).toBe(140_000n);
  });

  it("splits long runs into record batches of at most the contract's row limit", () => {
    const rows = MAX_BATCH_ROWS * 2 + 5;
    const ts = new BigInt64Array(rows).map((_, i) => BigInt(i) * 1000n);
    const table = tableFromIPC(encodeRunFile({ ts, duration: new Uint32Array(rows).fill(7) }));
    expect(table.batches.map((b) => b.numRows)).toEqual([MAX_BATCH_ROWS, MAX_BATCH_ROWS, 5]);
    expect(table.getChild(COLUMN.ts)!.get(rows - 1)).toBe(BigInt(rows - 1) * 1000n);
  });

  it("writes the stream format when asked, and an empty run keeps its schema", () => {
    const stream = encodeRunFile(
      { ts: new BigInt64Array(0), duration: new Uint32Array(0) },
      { test: "switch" },
      "stream",
    );
    expect(new TextDecoder().decode(stream.subarray(0, 6))).not.toBe("ARROW1");
    const table = tableFromIPC(stream);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual([COLUMN.ts, COLUMN.duration]);
  });
});
