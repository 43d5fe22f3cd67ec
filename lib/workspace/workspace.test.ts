import { describe, expect, it } from "vitest";
import type { FromWorker, ToWorker } from "./protocol";
import type { WindowColumns } from "./types";
import { Workspace } from "./workspace";

/** A stand-in for the run worker: records what it is asked and answers when told. */
class FakeWorker {
  received: ToWorker[] = [];
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(message: ToWorker) {
    this.received.push(message);
  }
  reply(message: FromWorker) {
    this.onmessage?.({ data: message } as MessageEvent<FromWorker>);
  }
  terminate() {}
}

const windowReply = (runKey: string, seq: number, t0: number): FromWorker => ({
  type: "window",
  runKey,
  seq,
  window: { t0, t1: t0 + 1 } as WindowColumns,
});

function openOne() {
  const fake = new FakeWorker();
  const workspace = new Workspace(() => fake as unknown as Worker, 1);
  workspace.openSources([{ name: "a.arrow", size: 10, read: "/a.arrow" }]);
  const open = fake.received[0] as Extract<ToWorker, { type: "open" }>;
  fake.reply({
    type: "discovered",
    jobKey: open.jobKey,
    runs: [{ key: "a", id: "a", file: "a.arrow", test: "tick", fields: {}, bytes: 10 }],
    problems: [],
  });
  return { fake, workspace };
}

describe("Workspace", () => {
  it("replaces the placeholder by the runs the worker found and keeps edits over the file's fields", async () => {
    const { fake, workspace } = openOne();
    workspace.editFields("a", { environment: "emulated" });
    fake.reply({
      type: "summary",
      runKey: "a",
      digest: { count: 5 } as never,
      fields: { environment: "x", scenario: "s" },
    });
    await Promise.resolve();
    const [run] = workspace.getSnapshot().runs;
    expect(run).toMatchObject({
      key: "a",
      state: "ready",
      fields: { environment: "emulated", scenario: "s" },
    });
  });

  it("keeps one window request in flight and sends only the newest of those that waited", async () => {
    const { fake, workspace } = openOne();
    const first = workspace.requestWindow("a", 0, 10, 100);
    const second = workspace.requestWindow("a", 1, 10, 100);
    const third = workspace.requestWindow("a", 2, 10, 100);
    const asked = () =>
      fake.received.filter((m) => m.type === "window") as Extract<ToWorker, { type: "window" }>[];
    expect(asked().map((m) => m.t0)).toEqual([0]);
    expect(await second).toBeNull();
    fake.reply(windowReply("a", asked()[0].seq, 0));
    expect(await first).toBeNull();
    expect(asked().map((m) => m.t0)).toEqual([0, 2]);
    fake.reply(windowReply("a", asked()[1].seq, 2));
    expect((await third)?.t0).toBe(2);
  });

  it("shows a rejected file as an error beside its name", () => {
    const workspace = new Workspace(() => new FakeWorker() as unknown as Worker, 1);
    workspace.openSources([{ name: "notes.txt", read: "/notes.txt" }]);
    const [run] = workspace.getSnapshot().runs;
    expect(run.state).toBe("error");
    expect(run.error?.message).toMatch(/notes\.txt: expected .*found a \.txt file/);
  });

  it("gives the first job to the worker started ahead, then starts more up to the pool size", () => {
    const spawned: FakeWorker[] = [];
    const workspace = new Workspace(() => {
      spawned.push(new FakeWorker());
      return spawned.at(-1) as unknown as Worker;
    }, 2);
    workspace.prewarm();
    workspace.prewarm();
    expect(spawned).toHaveLength(1);
    workspace.openSources([{ name: "a.arrow", size: 10, read: "/a.arrow" }]);
    expect(spawned).toHaveLength(1);
    expect(spawned[0].received.map((m) => m.type)).toEqual(["open"]);
    workspace.openSources([{ name: "b.arrow", size: 10, read: "/b.arrow" }]);
    expect(spawned).toHaveLength(2);
    expect(spawned[1].received.map((m) => m.type)).toEqual(["open"]);
  });
});
