import { describe, expect, it } from "vitest";
import { IntervalColumns } from "./interval-columns";

describe("IntervalColumns", () => {
  it("keeps every row past its first capacity, one name code per distinct name, sorted with enclosing first", () => {
    const columns = new IntervalColumns();
    const rows = 5000;
    // Pushed as a pairer emits them: inner intervals end (and are emitted) before the ones that hold them.
    for (let i = rows - 1; i >= 0; i--) {
      columns.push(i * 100 + 10, i * 100 + 20, "irq", `irq ${i % 3}`, 1);
      columns.push(i * 100, i * 100 + 50, "tick", "local_timer", 1);
    }
    expect(columns.length).toBe(2 * rows);
    expect(columns.names.length).toBe(4);
    const order = columns.order();
    expect(order.length).toBe(2 * rows);
    for (let n = 0; n < order.length; n++) {
      const i = order[n];
      const at = Math.floor(n / 2);
      expect([columns.start[i], columns.kindAt(i), columns.nameAt(i)]).toEqual(
        n % 2 ? [at * 100 + 10, "irq", `irq ${at % 3}`] : [at * 100, "tick", "local_timer"],
      );
    }
    const kept = columns.order((i) => columns.end[i] >= 250_000);
    expect(kept.length).toBe(2 * (rows - 2500));
    expect(columns.start[kept[0]]).toBe(250_000);
  });
});
