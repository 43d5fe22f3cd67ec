// Reads a Chrome trace (Tracing.start through CDP) of a page opening a run: the phases between the page's
// user-timing marks, and per thread the busy time in each phase by trace event (self time) and by JS
// function (V8's sampling profiler, disabled-by-default-v8.cpu_profiler). Used by profile-page-open.ts.

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: { name?: string; data?: { functionName?: string; url?: string; [key: string]: unknown } };
}

interface Span {
  name: string;
  start: number;
  end: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber?: number };
  parent?: number;
}

/** The marks that bound the phases, in order, and what each phase is called (ending at that mark). */
const PHASE_MARKS: [mark: string, phase: string][] = [
  ["bench:chosen", "commit → file chosen (hydrated)"],
  ["run:summary", "chosen → summary in the page"],
  ["bench:overview-ready", "summary → timeline ready"],
  ["bench:overview", "ready → painted (2 rAF)"],
];

const ms = (us: number) => (us / 1000).toFixed(0);

function shortUrl(url: string): string {
  const tail = url.split("/").pop() ?? url;
  return tail.length > 40 ? `${tail.slice(0, 37)}…` : tail;
}

/** Complete spans per thread from X events and B/E pairs. */
function spansByThread(events: TraceEvent[]): Map<string, Span[]> {
  const threads = new Map<string, Span[]>();
  const open = new Map<string, TraceEvent[]>();
  const key = (e: TraceEvent) => `${e.pid}:${e.tid}`;
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    if (!e.cat || e.cat.includes("cpu_profiler")) continue;
    const list = threads.get(key(e)) ?? [];
    threads.set(key(e), list);
    if (e.ph === "X" && e.dur !== undefined) list.push({ name: e.name, start: e.ts, end: e.ts + e.dur });
    else if (e.ph === "B") {
      const stack = open.get(key(e)) ?? [];
      open.set(key(e), stack);
      stack.push(e);
    } else if (e.ph === "E") {
      const begin = open.get(key(e))?.pop();
      if (begin) list.push({ name: begin.name, start: begin.ts, end: e.ts });
    }
  }
  return threads;
}

/** Self time per (phase, name): each span's time less its children's, clipped to the phases. */
function selfTimes(spans: Span[], bounds: number[]): Map<string, number>[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const perPhase = bounds.slice(1).map(() => new Map<string, number>());
  const add = (name: string, from: number, to: number) => {
    for (let p = 0; p < perPhase.length; p++) {
      const a = Math.max(from, bounds[p]);
      const b = Math.min(to, bounds[p + 1]);
      if (b > a) perPhase[p].set(name, (perPhase[p].get(name) ?? 0) + (b - a));
    }
  };
  // A stack of open spans, each with where its self time resumes.
  const stack: { span: Span; resume: number }[] = [];
  const closeUntil = (t: number) => {
    while (stack.length && stack[stack.length - 1].span.end <= t) {
      const top = stack.pop()!;
      add(top.span.name, top.resume, top.span.end);
      if (stack.length) stack[stack.length - 1].resume = top.span.end;
    }
  };
  for (const span of sorted) {
    closeUntil(span.start);
    const parent = stack[stack.length - 1];
    if (parent) {
      if (span.end > parent.span.end) continue; // not properly nested: dropped
      add(parent.span.name, parent.resume, span.start);
    }
    stack.push({ span, resume: span.start });
  }
  closeUntil(Infinity);
  return perPhase;
}

/** Self time per (phase, function) from V8's sampling profiler, per thread. */
function sampledTimes(events: TraceEvent[], bounds: number[]): Map<string, Map<string, number>[]> {
  const threads = new Map<string, Map<string, number>[]>();
  const profiles = new Map<string, { thread: string; time: number; nodes: Map<number, ProfileNode> }>();
  for (const e of events) {
    if (e.name === "Profile") {
      const data = e.args?.data as { startTime: number };
      profiles.set(`${e.pid}:${e.id}`, {
        thread: `${e.pid}:${e.tid}`,
        time: data.startTime,
        nodes: new Map(),
      });
    }
  }
  for (const e of [...events].filter((e) => e.name === "ProfileChunk").sort((a, b) => a.ts - b.ts)) {
    const profile = profiles.get(`${e.pid}:${e.id}`);
    if (!profile) continue;
    const data = e.args?.data as {
      cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
      timeDeltas?: number[];
    };
    for (const node of data.cpuProfile?.nodes ?? []) profile.nodes.set(node.id, node);
    const samples = data.cpuProfile?.samples ?? [];
    const deltas = data.timeDeltas ?? [];
    const perPhase = threads.get(profile.thread) ?? bounds.slice(1).map(() => new Map<string, number>());
    threads.set(profile.thread, perPhase);
    for (let i = 0; i < samples.length; i++) {
      const at = profile.time;
      profile.time += deltas[i] ?? 0;
      const next = deltas[i + 1] ?? 0;
      const node = profile.nodes.get(samples[i]);
      if (!node) continue;
      const f = node.callFrame;
      if (f.functionName === "(idle)" || f.functionName === "(program)") continue;
      const name = `${f.functionName || "(anonymous)"}${f.url ? ` ${shortUrl(f.url)}:${(f.lineNumber ?? 0) + 1}` : ""}`;
      for (let p = 0; p < perPhase.length; p++)
        if (at >= bounds[p] && at < bounds[p + 1]) perPhase[p].set(name, (perPhase[p].get(name) ?? 0) + next);
    }
  }
  return threads;
}

const top = (map: Map<string, number>, n: number, minUs: number) =>
  [...map.entries()]
    .filter(([, us]) => us >= minUs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => `${name} ${ms(us)}`)
    .join(", ");

/** The marks, the phases, and per busy thread its busy time per phase with what filled it. */
export function analyseTrace(events: TraceEvent[]): string {
  const names = new Map<string, string>();
  for (const e of events)
    if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, String(e.args?.name));
  const marks = events.filter(
    (e) => e.cat?.includes("blink.user_timing") && (e.ph === "R" || e.ph === "I" || e.ph === "n"),
  );
  const chosen = marks.find((m) => m.name === "bench:chosen");
  if (!chosen) return "no bench:chosen mark in the trace";
  const page = chosen.pid;
  // The commit: the last navigationStart of the page's process before the choice.
  const navigation = marks
    .filter((m) => m.pid === page && m.name === "navigationStart" && m.ts <= chosen.ts)
    .sort((a, b) => b.ts - a.ts)[0];
  const t0 = navigation?.ts ?? chosen.ts;
  const bounds = [t0];
  for (const [mark] of PHASE_MARKS) {
    const at = marks.find(
      (m) =>
        m.pid === page &&
        (mark.startsWith("bench:") ? m.name === mark : m.name.startsWith(mark)) &&
        m.ts >= bounds[bounds.length - 1],
    );
    bounds.push(at?.ts ?? bounds[bounds.length - 1]);
  }
  const lines = [
    `phases (ms from the commit): ${PHASE_MARKS.map(([, phase], i) => `${phase} ${ms(bounds[i + 1] - bounds[i])} (at ${ms(bounds[i + 1] - t0)})`).join("; ")}`,
  ];
  const other = marks.filter(
    (m) => m.pid === page && m.ts >= t0 && m.ts <= bounds[bounds.length - 1] && !m.name.startsWith("bench:"),
  );
  lines.push(`page marks: ${other.map((m) => `${m.name} ${ms(m.ts - t0)}`).join(", ")}`);

  const spans = spansByThread(
    events.filter((e) => e.ts >= t0 - 1e6 && e.ts <= bounds[bounds.length - 1] + 1e6),
  );
  const sampled = sampledTimes(events, bounds);
  const rows: { thread: string; busy: number[]; text: string[] }[] = [];
  for (const [thread, list] of spans) {
    const self = selfTimes(list, bounds);
    // Busy: time inside any top-level span (its self times summed).
    const busy = self.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
    if (busy.reduce((a, b) => a + b, 0) < 30_000) continue;
    const text = self.map((m, p) => {
      const js = sampled.get(thread)?.[p];
      return `    ${PHASE_MARKS[p][1]}: busy ${ms(busy[p])} ms — ${top(m, 7, 3000)}${js && js.size ? `\n      JS: ${top(js, 8, 5000)}` : ""}`;
    });
    rows.push({
      thread: `${names.get(thread) ?? "?"} (${thread}${thread.startsWith(`${page}:`) ? ", the page's process" : ""})`,
      busy,
      text,
    });
  }
  rows.sort((a, b) => b.busy.reduce((x, y) => x + y, 0) - a.busy.reduce((x, y) => x + y, 0));
  for (const row of rows)
    lines.push(`  ${row.thread}: busy ${row.busy.map((b) => ms(b)).join(" / ")} ms`, ...row.text);
  return lines.join("\n");
}
