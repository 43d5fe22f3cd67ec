import { readFileSync, readdirSync } from "node:fs";

export interface TreeMemory {
  /** Resident memory of the process and all its descendants now (VmRSS summed), in bytes. */
  tree: number;
  /** The sampler's (tickscope-sampler) resident memory now, and its own peak so far (VmHWM). */
  sampler: number;
  samplerPeak: number;
  /** Each process of the tree: its name and MiB, for telling what a peak was made of. */
  processes: string;
}

/** The memory of a process tree, read from /proc (processes that end meanwhile are skipped). */
export function treeMemory(root: number): TreeMemory {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const kb = (status: string, key: string) =>
    Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  const found: TreeMemory = { tree: 0, sampler: 0, samplerPeak: 0, processes: "" };
  const processes: string[] = [];
  for (let todo = [root]; todo.length;) {
    const pid = todo.pop()!;
    todo.push(...(children.get(pid) ?? []));
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const rss = kb(status, "VmRSS");
      found.tree += rss;
      processes.push(`${/^Name:\s+(.*)$/m.exec(status)?.[1]} ${(rss / 2 ** 20).toFixed(0)}`);
      if (/^Name:\s+tickscope-samp/m.test(status)) {
        found.sampler = rss;
        found.samplerPeak = kb(status, "VmHWM");
      }
    } catch {
      // gone meanwhile
    }
  }
  found.processes = processes.join(", ");
  return found;
}

/**
 * Samples a process tree's memory every `everyMs` until `stop()`: the tree's peak, what made it and when
 * (seconds after the watch began), the sampler's peak.
 */
export function watchTreeMemory(root: number, everyMs = 50) {
  const peak = { tree: 0, sampler: 0, processes: "", atS: 0 };
  const began = performance.now();
  const timer = setInterval(() => {
    const now = treeMemory(root);
    if (now.tree > peak.tree)
      Object.assign(peak, {
        tree: now.tree,
        processes: now.processes,
        atS: (performance.now() - began) / 1000,
      });
    peak.sampler = Math.max(peak.sampler, now.sampler, now.samplerPeak);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
