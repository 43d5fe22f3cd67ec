// Real runs of the native sampler on this machine, one at a time (they compete for the measured CPU).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureSampler, periodogram, readTable, run, runMetadata, tempDir } from "./helpers";

let sampler: string;
beforeAll(() => {
  sampler = ensureSampler();
});

function fingerprint(): Record<string, unknown> {
  return JSON.parse(execFileSync(sampler, ["fingerprint"], { encoding: "utf8" }));
}

describe.sequential("native sampler", () => {
  it("writes Arrow IPC files: batches of at most 1,048,576 rows, 8-byte aligned, continuation markers", async () => {
    const out = join(tempDir(), "zero.arrow");
    const done = await run(sampler, [
      "tick",
      "--iterations",
      "0",
      "--samples",
      "2500000",
      "--label",
      "self",
      "-o",
      out,
    ]);
    expect(done.code, done.stderr).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 6).toString()).toBe("ARROW1");
    expect(bytes.subarray(bytes.length - 6).toString()).toBe("ARROW1");
    expect(bytes.readUInt32LE(8)).toBe(0xffffffff); // the schema message's continuation marker

    const table = readTable(out);
    expect(table.batches.map((b) => b.numRows)).toEqual([1048576, 1048576, 402848]);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "ts_ns:Int64",
      "duration_ns:Uint32",
    ]);
    expect(table.schema.metadata.get("latency:test")).toBe("tick");
    const meta = runMetadata(table);
    expect(meta).toMatchObject({
      label: "self",
      loop_iterations: 0,
      samples: 2500000,
      stopped: "samples",
      cpu: 1,
    });
    expect(meta.tsc_hz).toBeGreaterThan(1e8);
    expect((meta.host as Record<string, unknown>).kernel).toBe(
      execFileSync("uname", ["-r"], { encoding: "utf8" }).trim(),
    );

    const ts = table.getChild("ts_ns")!.toArray() as BigInt64Array;
    expect(ts[0]).toBe(0n);
    let sorted = true;
    for (let i = 1; i < ts.length; i++) if (ts[i] < ts[i - 1]) sorted = false;
    expect(sorted).toBe(true);

    // Every buffer sits 8-byte aligned in the file (apache-arrow reads them in place from the file's bytes),
    // and the end-of-stream marker precedes the footer.
    for (const batch of table.batches)
      for (const child of batch.data.children) expect(child.values.byteOffset % 8).toBe(0);
    const footerLength = bytes.readInt32LE(bytes.length - 10);
    const eos = bytes.length - 10 - footerLength - 8;
    expect([bytes.readUInt32LE(eos), bytes.readUInt32LE(eos + 4)]).toEqual([0xffffffff, 0]);
  });

  it("a 3 s tick run shows the machine's tick period, CONFIG_HZ read from the fingerprint", async () => {
    const hz = fingerprint().hz as number;
    expect(hz).toBeGreaterThan(0);
    const out = join(tempDir(), "tick.arrow");
    const done = await run(sampler, ["tick", "--duration", "3s", "-o", out]);
    expect(done.code, done.stderr).toBe(0);
    const table = readTable(out);
    const meta = runMetadata(table);
    expect(meta).toMatchObject({
      stopped: "duration",
      loop_us: 68,
      policy: "SCHED_FIFO",
      memory_locked: true,
    });
    const ts = Float64Array.from(table.getChild("ts_ns")!.toArray() as BigInt64Array, Number);
    const duration = Float64Array.from(table.getChild("duration_ns")!.toArray() as Uint32Array);
    expect(ts[ts.length - 1]).toBeGreaterThan(2.9e9);
    // The loop was calibrated to 68 us uninterrupted (a shared CPU may run it faster or slower later).
    expect(meta.loop_ns_min as number).toBeGreaterThan(60_000);
    expect(meta.loop_ns_min as number).toBeLessThan(76_000);

    const spectrum = periodogram(ts, duration, Math.round(hz * 0.4), Math.round(hz * 1.5));
    const strongest = spectrum.reduce((a, b) => (b.power > a.power ? b : a));
    const median = spectrum.map((s) => s.power).sort((a, b) => a - b)[spectrum.length >> 1];
    expect(Math.abs(strongest.hz - hz)).toBeLessThanOrEqual(1);
    expect(strongest.power).toBeGreaterThan(20 * median);
  });

  it("switch runs at 2 and at 1000 threads: every thread resumes, in turn (FIFO round robin)", async () => {
    for (const threads of [2, 1000]) {
      const out = join(tempDir(), `switch-${threads}.arrow`);
      const done = await run(sampler, [
        "switch",
        "--threads",
        String(threads),
        "--samples",
        "200000",
        "-o",
        out,
      ]);
      expect(done.code, done.stderr).toBe(0);
      const table = readTable(out);
      expect(table.numRows).toBe(200000);
      expect(table.schema.metadata.get("latency:test")).toBe("switch");
      expect(runMetadata(table)).toMatchObject({ threads, samples: 200000, stopped: "samples" });
      const thread = table.getChild("thread")!.toArray() as Int32Array;
      const duration = table.getChild("duration_ns")!.toArray() as Uint32Array;
      expect(new Set(thread).size).toBe(threads);
      // Round robin: the same thread resumes again exactly N switches later.
      let inTurn = 0;
      for (let i = threads; i < thread.length; i++) if (thread[i] === thread[i - threads]) inTurn++;
      expect(inTurn / (thread.length - threads)).toBeGreaterThan(0.99);
      expect(duration.every((d) => d > 0)).toBe(true);
      // A switch is a system call and a context switch: well under a millisecond when nothing intervenes.
      const sorted = Float64Array.from(duration).sort();
      expect(sorted[sorted.length >> 1]).toBeLessThan(100_000);
    }
  });

  it("SIGINT in the middle of a run leaves a valid file with the samples taken", async () => {
    const dir = tempDir();
    const out = join(dir, "interrupted.arrow");
    const done = await run(sampler, ["tick", "--duration", "60s", "--progress", "-o", out], {
      killAfterMs: 600,
    });
    expect(done.code, done.stderr).toBe(0);
    const result = JSON.parse(done.stdout.trim().split("\n").at(-1)!).result;
    expect(result.stopped).toBe("SIGINT");
    const table = readTable(out);
    expect(table.numRows).toBe(result.samples);
    expect(table.numRows).toBeGreaterThan(1000);
    expect(runMetadata(table)).toMatchObject({ stopped: "SIGINT", samples: result.samples });
    expect(readdirSync(dir)).toEqual(["interrupted.arrow"]);
  });

  it("bad arguments get a clear error, a non-zero exit, and nothing under the output name", async () => {
    const dir = tempDir();
    const out = join(dir, "bad.arrow");
    const cases: [string[], RegExp][] = [
      [["tick", "--samples", "0", "-o", out], /--samples: expected a positive number of samples, found "0"/],
      [["tick", "--cpu", "4096", "-o", out], /--cpu 4096: no such CPU/],
      [["switch", "--threads", "100000", "-o", out], /--threads: expected 2 to 10000 threads/],
      [["switch", "--threads", "1", "-o", out], /--threads: expected 2 to 10000 threads/],
      [["tick", "--duration", "soon", "-o", out], /--duration: expected a positive duration/],
      [["tick", "--samples", "10", "-o", "/nonexistent-dir/x.arrow"], /cannot write in \/nonexistent-dir/],
      [["tick", "--samples", "10"], /-o FILE.arrow is required/],
    ];
    for (const [args, message] of cases) {
      const done = await run(sampler, args);
      expect(done.code, args.join(" ")).toBe(2);
      expect(done.stderr).toMatch(message);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it("without SCHED_FIFO it says what failed and how to fix it; --allow-unprivileged runs and says so", async () => {
    if (process.getuid?.() !== 0 || !existsSync("/usr/bin/setpriv")) return; // needs root to drop privileges
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const asNobody = (args: string[]) =>
      run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", sampler, ...args]);
    const refused = await asNobody(["tick", "--samples", "100", "-o", join(dir, "a.arrow")]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/SCHED_FIFO priority 99 refused/);
    expect(refused.stderr).toMatch(/ulimit -r/);
    expect(refused.stderr).toMatch(/sched_rt_runtime_us/);
    expect(readdirSync(dir)).toEqual([]);

    const allowed = await asNobody([
      "tick",
      "--samples",
      "100",
      "--allow-unprivileged",
      "-o",
      join(dir, "b.arrow"),
    ]);
    expect(allowed.code, allowed.stderr).toBe(0);
    const meta = runMetadata(readTable(join(dir, "b.arrow")));
    expect(meta).toMatchObject({ unprivileged: true, policy: "SCHED_OTHER", samples: 100 });
    expect(meta.unprivileged_reason).toMatch(/SCHED_FIFO refused/);
  });

  it("the fingerprint reports the CPUID hypervisor signature, the clocksource, and CONFIG_HZ", () => {
    const host = fingerprint();
    const sysfs = (p: string) => readFileSync(p, "utf8").trim();
    expect(host.clocksource).toBe(sysfs("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
    expect(host.clocksources_available).toBe(
      sysfs("/sys/devices/system/clocksource/clocksource0/available_clocksource"),
    );
    const hypervisorFlag = / hypervisor( |$)/m.test(readFileSync("/proc/cpuinfo", "utf8"));
    if (!hypervisorFlag) {
      expect(host.hypervisor).toBeNull();
      return;
    }
    // The kernel names the same CPUID signature at boot: "Hypervisor detected: KVM".
    const names: Record<string, string> = {
      KVM: "KVMKVMKVM",
      "Microsoft Hyper-V": "Microsoft Hv",
      VMware: "VMwareVMware",
      "Xen HVM": "XenVMMXenVMM",
    };
    let detected: string | undefined;
    try {
      detected = /Hypervisor detected: (.+)/.exec(execFileSync("dmesg", { encoding: "utf8" }))?.[1]?.trim();
    } catch {
      detected = undefined;
    }
    if (detected && names[detected]) expect(host.hypervisor).toBe(names[detected]);
    else expect(typeof host.hypervisor).toBe("string");
    expect(host.enlightened).toMatchObject({ reason: expect.stringContaining(String(host.hypervisor)) });
    let config = "";
    try {
      config = execFileSync(
        "sh",
        ["-c", "zcat /proc/config.gz 2>/dev/null || cat /boot/config-$(uname -r)"],
        { encoding: "utf8" },
      );
    } catch {
      config = "";
    }
    const hz = /^CONFIG_HZ=(\d+)$/m.exec(config)?.[1];
    if (hz) expect(host.hz).toBe(Number(hz));
  });
});
