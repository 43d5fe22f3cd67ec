import { describe, expect, it } from "vitest";
import type { TablesStatus } from "@/lib/db/page-tables";
import { blockedBy } from "./use-tables-query";

const ready: TablesStatus = {
  state: "ready",
  version: "v1",
  error: null,
  tables: [],
  failures: [],
  loaded: { "a.zip/one": null },
  samples: null,
};
const runs = [{ key: "a.zip/one", label: "emulated idle" }];

describe("what keeps a view's query from being asked", () => {
  it("nothing, once DuckDB is ready and every run's rows are in", () => {
    expect(blockedBy(ready, runs)).toBeNull();
  });

  it("DuckDB still starting, or a run's rows not in yet: the view waits and says for what", () => {
    expect(blockedBy({ ...ready, state: "starting" }, runs)).toMatchObject({
      state: "waiting",
      why: "Waiting for DuckDB-WASM to start…",
    });
    expect(blockedBy({ ...ready, loaded: {} }, runs)).toMatchObject({
      state: "waiting",
      why: "Waiting for DuckDB to load the rows of emulated idle…",
    });
  });

  it("DuckDB failed, or a run's rows could not be added: an error naming the run and why", () => {
    expect(blockedBy({ ...ready, state: "failed", error: "no wasm" }, runs)).toEqual({
      state: "error",
      error: "The SQL engine (DuckDB-WASM) failed to start: no wasm",
    });
    expect(
      blockedBy({ ...ready, failures: [{ runId: "a.zip/one", message: "Out of memory" }] }, runs),
    ).toEqual({
      state: "error",
      error: "emulated idle: its rows could not be added to DuckDB: Out of memory",
    });
    expect(
      blockedBy({ ...ready, loaded: { "a.zip/one": "runs/one.summary: expected TKSUM2" } }, runs),
    ).toEqual({
      state: "error",
      error: "emulated idle has no rows in DuckDB's tables: runs/one.summary: expected TKSUM2",
    });
  });
});
