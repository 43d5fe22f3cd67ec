import { describe, expect, it } from "vitest";
import { DUCKDB_VERSION, WARM_UP_SQL, warmUpForCodeCache, type Database } from "./duckdb";

function fakeStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

function fakeDatabase(fail = false) {
  const queries: string[] = [];
  let open = 0;
  const database = {
    db: {
      async connect() {
        open++;
        return {
          async query(sql: string) {
            queries.push(sql);
            if (fail) throw new Error("interrupted");
          },
          async close() {
            open--;
          },
        };
      },
    },
  } as unknown as Database;
  return { database, queries, open: () => open };
}

describe("warmUpForCodeCache", () => {
  it("runs the warm-up once per profile and DuckDB version, on a connection it closes", async () => {
    const storage = fakeStorage();
    const first = fakeDatabase();
    await warmUpForCodeCache(first.database, storage);
    expect(first.queries).toEqual([WARM_UP_SQL]);
    expect(first.open()).toBe(0);
    expect(storage.getItem("tickscope:duckdb-warmed")).toBe(DUCKDB_VERSION);

    const again = fakeDatabase();
    await warmUpForCodeCache(again.database, storage);
    expect(again.queries).toEqual([]);

    storage.setItem("tickscope:duckdb-warmed", "0.0.1");
    const upgraded = fakeDatabase();
    await warmUpForCodeCache(upgraded.database, storage);
    expect(upgraded.queries).toEqual([WARM_UP_SQL]);
  });

  it("remembers nothing when the warm-up failed, and still closes its connection", async () => {
    const storage = fakeStorage();
    const failing = fakeDatabase(true);
    await expect(warmUpForCodeCache(failing.database, storage)).rejects.toThrow("interrupted");
    expect(failing.open()).toBe(0);
    expect(storage.getItem("tickscope:duckdb-warmed")).toBeNull();
  });
});
