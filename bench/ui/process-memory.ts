import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/**
 * Proportional set size: each process's private pages plus its share of pages it shares with others
 * (Chromium's processes share a lot). Summed over the tree, it counts every page once; summing RSS
 * would count the shared ones in every process.
 */
function rollup(pid: number, field: "Pss" | "Rss"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(
      readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"),
    );
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Memory (PSS) of a process and all its descendants (the browser and its renderers, GPU, utility). */
export function treeMemory(root: number, field: "Pss" | "Rss" = "Pss"): number {
  const pids = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rollup(pid, field);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}
