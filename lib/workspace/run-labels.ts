import type { RunEntry } from "./types";

type Labelled = Pick<RunEntry, "id" | "fields" | "test"> & Partial<Pick<RunEntry, "source" | "file">>;

/** A run's own name: its label, else environment · scenario · test · threads, else its id. */
export function ownLabel(run: Labelled): string {
  if (run.fields.label) return run.fields.label;
  const parts = [
    run.fields.environment,
    run.fields.scenario,
    run.test,
    run.fields.threads ? `${run.fields.threads} thr` : null,
  ];
  return parts.filter(Boolean).join(" · ") || run.id;
}

/** The bundle a run came from, as the page opened it: the last part of its source's name. */
function bundleName(run: Labelled): string | undefined {
  return run.source?.replace(/\/+$/, "").split("/").pop() || undefined;
}

/** What may tell runs of one name apart, in the order tried: the scenario, the bundle, the file. */
const DISTINGUISHERS: ((run: Labelled, own: string) => string | undefined)[] = [
  (run, own) => (run.fields.scenario && !own.includes(run.fields.scenario) ? run.fields.scenario : undefined),
  (run) => bundleName(run),
  (run) => run.file,
];

/**
 * Every run's name in legends, tooltips and menus, unique among the open runs: runs that share a name
 * get the first of scenario, bundle or file that sets them all apart, else a number.
 */
export function uniqueLabels(runs: readonly Labelled[]): string[] {
  const own = runs.map(ownLabel);
  const labels = [...own];
  const groups = new Map<string, number[]>();
  own.forEach((label, i) => groups.set(label, [...(groups.get(label) ?? []), i]));
  const taken = new Set(own);
  for (const [label, members] of groups) {
    if (members.length < 2) continue;
    let named: string[] | null = null;
    for (const distinguish of DISTINGUISHERS) {
      const tries = members.map((i) => {
        const extra = distinguish(runs[i], label);
        return extra ? `${label} · ${extra}` : label;
      });
      if (new Set(tries).size === members.length && tries.every((t) => t === label || !taken.has(t))) {
        named = tries;
        break;
      }
    }
    named ??= members.map((_, n) => `${label} #${n + 1}`);
    members.forEach((i, n) => {
      labels[i] = named[n];
      taken.add(named[n]);
    });
  }
  return labels;
}

/** The runs with their `label` set as uniqueLabels names them; unchanged runs keep their identity. */
export function withUniqueLabels(runs: RunEntry[]): RunEntry[] {
  const labels = uniqueLabels(runs);
  return runs.map((run, i) => (run.label === labels[i] ? run : { ...run, label: labels[i] }));
}
