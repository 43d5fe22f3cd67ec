// Attribution (issue #11): a 1 h tick run's kernel events laid over its samples, in the one ordered
// pass the CLI, the server and the browser use (lib/analysis/run-attribution.ts): its own work (the
// file's read excluded) beside the Set/sort/Map way it replaced (bench/baselines/, checked to answer the
// same), and the whole pass with the read beside the naive way (for each spike, every event checked);
// and the timeline's events track for a window, from the index (lib/analysis/attribution-index.ts)
// beside a scan of every event. The run is synthetic with known causes, written once into os.tmpdir()
// and reused.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  writeFileSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { apportion, EventCursor, type Cause, type EventIntervals } from "../../lib/analysis/attribution";
import { EventIndex } from "../../lib/analysis/attribution-index";
import { CACHED_BATCHES, EventBatchEntries, EventBatchIndex } from "../../lib/analysis/event-batch-index";
import { EventFineBins, FINE_BASE_NS } from "../../lib/analysis/event-fine-bins";
import {
  attributeRun,
  attributeRunStreamed,
  RunAttributionBuilder,
  type AttributionInput,
} from "../../lib/analysis/run-attribution";
import {
  readEventBatchAt,
  readEventBatches,
  readEventColumnBatches,
  readEventColumnsAt,
} from "../../lib/format/events-batches";
import type { EventColumns, EventScratch } from "../../lib/format/event-columns";
import { readEvents } from "../../lib/format/events-reader";
import { encodeStreamedEvents } from "../../lib/format/testing/events-bundle";
import { openFileSource } from "../../lib/format/node-source";
import { readRunBatches } from "../../lib/format/run-reader";
import type { SyntheticTraceOptions } from "../../lib/format/testing/synthetic-trace";
import { writeSyntheticRun } from "../../lib/format/testing/synthetic-trace";
import { summarizeRun, type RunSummary } from "../../lib/summary";
import { eventsWindow } from "../../lib/workspace/events-window";
import { RUN_WITH_KNOWN_CAUSES } from "../../lib/analysis/testing/attribution-fixtures";
import { SetSortMapAttribution } from "../baselines/set-sort-map-attribution";
import { StringBatchesWalk } from "../baselines/string-batches-events-walk";
import { median, timeMedian, type Figure, type Suite } from "../figure";

const HOUR_SAMPLES = 52_000_000; // 68 µs samples: about an hour
const RUNS = 3;
const NAIVE_SPIKES = 40;
const dir = join(tmpdir(), "tickscope-bench-attribution");
// The attribution tests' run with known causes, an hour long, with the generator's default jitter.
const options: SyntheticTraceOptions = {
  ...RUN_WITH_KNOWN_CAUSES,
  samples: HOUR_SAMPLES,
  jitterNs: undefined,
};

/** The run file and its events (as JSON beside it), written once. */
function hourRun(): { path: string; events: EventIntervals } {
  const path = join(dir, `tick-${HOUR_SAMPLES}.arrow`);
  const eventsPath = `${path}.events.json`;
  if (!existsSync(path) || !existsSync(eventsPath)) {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(`${path}.part`, "w");
    const truth = writeSyntheticRun((chunk) => void writeSync(fd, chunk), options);
    closeSync(fd);
    writeFileSync(eventsPath, JSON.stringify(truth.events));
    renameSync(`${path}.part`, path);
  }
  const e = JSON.parse(readFileSync(eventsPath, "utf8")) as {
    ts: number[];
    end: number[];
    kind: EventIntervals["kind"];
    name: string[];
  };
  return {
    path,
    events: { ts: Float64Array.from(e.ts), end: Float64Array.from(e.end), kind: e.kind, name: e.name },
  };
}

/** The events as the collector streams them (batches of 65,536), written once beside the run. */
function hourEventsFile(path: string, events: EventIntervals): string {
  const file = `${path}.events.arrow`;
  if (!existsSync(file)) {
    writeFileSync(`${file}.part`, encodeStreamedEvents(events, 65_536));
    renameSync(`${file}.part`, file);
  }
  return file;
}

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function retained(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * The whole attribution from the two files, as the run worker, the upload check and `analyze` do it:
 * the events file walked beside the run as typed columns ("columns"), or as per-event strings (the way
 * before, "strings"), or read whole first (the way before #12, "whole"). Returns the
 * time and what is retained at the end beyond the start (what the worker then keeps for the timeline:
 * the batch index, or every event).
 */
async function fromFiles(
  runPath: string,
  eventsPath: string,
  summary: RunSummary,
  way: "columns" | "strings" | "whole",
) {
  const streamed = way !== "whole";
  const before = retained();
  const started = performance.now();
  const run = await batches(runPath);
  const eventsSource = await openFileSource(eventsPath);
  let kept: unknown;
  let load: ((b: number, scratch?: EventScratch) => Promise<EventColumns>) | null = null;
  let loadStrings: ((b: number) => Promise<EventIntervals>) | null = null;
  let attribution;
  if (streamed) {
    const read = await (way === "columns" ? readEventColumnBatches : readEventBatches)(
      eventsSource,
      eventsPath,
    );
    const entries = new EventBatchEntries(new EventFineBins());
    const locations: { offset: number; byteLength: number; firstRow: number }[] = [];
    const indexed = (async function* () {
      for await (const b of read.batches) {
        entries.add(b);
        // Where it sits, not the batch: holding the batches kept every event's columns and strings.
        locations.push({ offset: b.offset, byteLength: b.byteLength, firstRow: b.firstRow });
        yield b;
      }
    })();
    attribution = await attributeRunStreamed(run.batches, indexed, { summary, steal: null });
    load = (b, scratch) =>
      readEventColumnsAt(eventsSource, eventsPath, read.schemaBytes, locations[b], scratch);
    loadStrings = (b) => readEventBatchAt(eventsSource, eventsPath, read.schemaBytes, locations[b]);
    kept = new EventBatchIndex(entries.entries, load, CACHED_BATCHES, entries.fine);
  } else {
    const events = await readEvents(eventsSource, eventsPath);
    attribution = await attributeRun(run.batches, { summary, events, steal: null });
    kept = new EventIndex(events);
  }
  const ms = performance.now() - started;
  await run.source.close();
  const held = retained() - before;
  void kept;
  if (!streamed) await eventsSource.close();
  return { ms, held, attribution, kept, load, loadStrings, close: () => eventsSource.close() };
}

async function batches(path: string) {
  const source = await openFileSource(path);
  return { source, batches: readRunBatches(source, path, { reuseTimestamps: true }) };
}

/** The naive way: for each spike (a sample above the summary's threshold), every event checked for overlap. */
function naiveSpikeCauses(summary: RunSummary, spikes: { ts: number; d: number }[], events: EventIntervals) {
  const out: Cause[][] = [];
  for (const { ts, d } of spikes) {
    const picked: number[] = [];
    for (let i = 0; i < events.ts.length; i++)
      if (events.ts[i] < ts + d && events.end[i] > ts) picked.push(i);
    const sub: EventIntervals = {
      ts: Float64Array.from(picked, (i) => events.ts[i]),
      end: Float64Array.from(picked, (i) => events.end[i]),
      kind: picked.map((i) => events.kind[i]),
      name: picked.map((i) => events.name[i]),
    };
    out.push(apportion(new EventCursor(sub).explain(ts, ts + d), d - summary.offsetNs));
  }
  return out;
}

/** A 24 h run's fine bin: the base doubled until the bins reach past the day. */
function dayBinNs(bins: number): number {
  let width = FINE_BASE_NS;
  while (bins * width < 86_400e9) width *= 2;
  return width;
}

type Batch = { ts: Float64Array; duration: ArrayLike<number> };

/**
 * One pass over the run file, fed to what `start` makes (made, fed and finished inside the timing);
 * returns the whole pass's time, and the wall and CPU time spent in the consumer alone, in ms.
 */
async function timedPass<T>(
  path: string,
  start: () => { add: (batch: Batch) => void; finish: () => T },
): Promise<{ pass: number; own: number; ownCpu: number; result: T }> {
  const passStart = performance.now();
  let own = 0;
  let ownCpu = 0;
  const timed = <R>(fn: () => R): R => {
    const at = performance.now();
    const cpu = process.cpuUsage();
    const r = fn();
    own += performance.now() - at;
    const used = process.cpuUsage(cpu);
    ownCpu += (used.user + used.system) / 1000;
    return r;
  };
  const opened = await batches(path);
  const consumer = timed(start);
  for await (const batch of opened.batches) timed(() => consumer.add(batch));
  const result = timed(() => consumer.finish());
  await opened.source.close();
  return { pass: performance.now() - passStart, own, ownCpu, result };
}

const suite: Suite = async () => {
  const { path, events } = hourRun();
  const opened = await batches(path);
  const summary = await summarizeRun(opened.batches);
  await opened.source.close();
  const spanS = summary.spanNs / 1e9;
  const threshold = summary.offsetNs + summary.spikes.thresholdNs;
  const spikes: { ts: number; d: number }[] = [];
  for (let i = 0; i < summary.spikes.ts.length; i++)
    if (summary.spikes.durationNs[i] > threshold)
      spikes.push({ ts: summary.spikes.ts[i], d: summary.spikes.durationNs[i] });

  // Reading the run alone, to tell the attribution's own cost from the pass over the file.
  const input: AttributionInput = { summary, events, steal: null };
  const loadBefore = loadavg()[0];
  const readOnly: number[] = [];
  const ours: number[] = [];
  const oursOwn: number[] = [];
  const oursCpu: number[] = [];
  const oldOwn: number[] = [];
  const oldCpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    readOnly.push((await timedPass(path, () => ({ add: () => {}, finish: () => null }))).pass);
    const mine = await timedPass(path, () => new RunAttributionBuilder(input));
    ours.push(mine.pass);
    oursOwn.push(mine.own);
    oursCpu.push(mine.ownCpu);
    const old = await timedPass(path, () => {
      const way = new SetSortMapAttribution(input);
      return { add: (batch: Batch) => way.add(batch), finish: () => way };
    });
    oldOwn.push(old.own);
    oldCpu.push(old.ownCpu);
    const [got, want] = [mine.result, old.result];
    const same =
      isDeepStrictEqual(got.total, want.total.result()) &&
      isDeepStrictEqual(got.tick, want.tick.result()) &&
      isDeepStrictEqual(
        got.families,
        want.families.map((f) => f.result()),
      ) &&
      isDeepStrictEqual(got.worst, want.worst);
    if (!same) throw new Error("the typed sweep and the Set/sort/Map way answer differently");
  }
  const load = `load average ${loadBefore.toFixed(1)}→${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;
  const some = spikes.slice(0, NAIVE_SPIKES);
  const naivePart = await timeMedian(() => naiveSpikeCauses(summary, some, events), RUNS, 0);
  const naive = (naivePart * spikes.length) / some.length;

  const index = new EventIndex(events);
  const build = await timeMedian(() => new EventIndex(events), RUNS);
  const mid = summary.spikes.ts[Math.floor(summary.spikes.ts.length / 2)];
  const zoomed = { t0: mid - 20e6, t1: mid + 20e6, columns: 1500 };
  const whole = { t0: 0, t1: summary.spanNs, columns: 1500 };
  const windowOurs = await timeMedian(() => eventsWindow(index, zoomed), 9);
  const windowNaive = await timeMedian(() => {
    let n = 0;
    for (let i = 0; i < events.ts.length; i++) if (events.ts[i] < zoomed.t1 && events.end[i] > zoomed.t0) n++;
    return n;
  }, 9);
  const wholeOurs = await timeMedian(() => eventsWindow(index, whole), RUNS);

  // From the two files (#12): the events file walked beside the run, against read whole first.
  const eventsFile = hourEventsFile(path, events);
  const streamedRuns: { ms: number; held: number }[] = [];
  const stringRuns: { ms: number; held: number }[] = [];
  const wholeRuns: { ms: number; held: number }[] = [];
  let streamedIndex: EventBatchIndex | null = null;
  let streamedLoad: ((b: number, scratch?: EventScratch) => Promise<EventColumns>) | null = null;
  let stringsLoad: ((b: number) => Promise<EventIntervals>) | null = null;
  for (let r = 0; r < RUNS; r++) {
    gc();
    const s = await fromFiles(path, eventsFile, summary, "columns");
    gc();
    const t = await fromFiles(path, eventsFile, summary, "strings");
    await t.close();
    gc();
    const w = await fromFiles(path, eventsFile, summary, "whole");
    if (!isDeepStrictEqual(s.attribution, w.attribution) || !isDeepStrictEqual(t.attribution, w.attribution))
      throw new Error("the streamed attribution differs from the whole-file one");
    streamedRuns.push(s);
    stringRuns.push(t);
    wholeRuns.push(w);
    if (r === RUNS - 1) {
      streamedIndex = s.kept as EventBatchIndex;
      streamedLoad = s.load;
      stringsLoad = s.loadStrings;
    } else await s.close();
  }
  const batchIndex = streamedIndex!;
  const batchLoad = streamedLoad!;
  const windowBatches = await timeMedian(() => eventsWindow(batchIndex, zoomed), 9);
  const spikeMid = spikes[Math.floor(spikes.length / 2)];
  const causesCold = await timeMedian(
    () =>
      new EventBatchIndex(batchIndex.entries, batchLoad).causesOf(spikeMid.ts, spikeMid.d, summary.offsetNs),
    9,
  );
  // First asked with no batch cached (the count reads the batches at the window's two ends), then as a pan or hover asks again.
  const cold = new EventBatchIndex(batchIndex.entries, batchLoad, CACHED_BATCHES, batchIndex.fine);
  const coldStart = performance.now();
  const fromFine = await eventsWindow(cold, whole);
  const wholeFineCold = performance.now() - coldStart;
  const wholeFine = await timeMedian(() => eventsWindow(batchIndex, whole), 9);
  // The way before the fine bins: the same batches, no table (now one walk, binning and counting together).
  const noFine = new EventBatchIndex(batchIndex.entries, batchLoad);
  const fromBatches = await eventsWindow(noFine, whole);
  if (fromFine.count !== fromBatches.count || fromFine.count !== events.ts.length)
    throw new Error("the whole run's events count differs between the fine bins and the batches");
  const wholeBatches = await timeMedian(() => eventsWindow(noFine, whole), 1, 0);
  const fineTable = batchIndex.fine!;

  // Middle zoom (#12): windows whose pixel is narrower than a fine bin are walked over the batches. A 24 h
  // run's 60-min window in 1500 columns (2.4 s a pixel, its fine bin 2.64 s) holds ~2M events at this VM's
  // rate; the 1 h run holds as many in ~44 min, so the same walk (same events, same 1500 columns) is had
  // from an index without the table. Each ask reads its ~31 batches again (4 are cached).
  const middleFigures: Figure[] = [];
  const middle = [300_000, 2_000_000].map((want) => {
    const w = (summary.spanNs * want) / events.ts.length;
    const t0 = (summary.spanNs - w) / 2;
    return { want, t0, t1: t0 + w, columns: 1500 };
  });
  // The same zoom on the 1 h run with its table: 1/24 of the run in 1500 columns (a 24 h run's 60 min).
  const dayHour = { t0: summary.spanNs * (11.5 / 24), t1: summary.spanNs * (12.5 / 24), columns: 1500 };
  const dayHourFine = await eventsWindow(batchIndex, dayHour);
  const dayHourWalked = await eventsWindow(noFine, dayHour);
  if (!dayHourFine.bins || dayHourFine.bins.t1 - dayHourFine.bins.t0 === dayHour.t1 - dayHour.t0)
    throw new Error("1/24 of the run was not answered from the fine bins");
  if (dayHourFine.count !== dayHourWalked.count)
    throw new Error("the fine bins' count differs from the walk's");
  const dayHourMs = await timeMedian(() => eventsWindow(batchIndex, dayHour), 9);
  middleFigures.push({
    name: "events track, 1/24 of a 1 h run in 1500 columns (as a 24 h run's 60-min window), from the fine bins",
    median: dayHourMs,
    unit: "ms",
    runs: 9,
    target: "≤ 150",
    limit: 150,
    note: `${dayHourFine.count.toLocaleString("en-US")} events; ${dayHourFine.bins.columns} columns of whole ${(fineTable.binNs / 1e6).toFixed(1)} ms bins (a pixel ${((dayHour.t1 - dayHour.t0) / 1500 / 1e6).toFixed(0)} ms; a 24 h run's bin is ${(dayBinNs(fineTable.bins) / 1e9).toFixed(2)} s, its 60-min pixel 2.4 s); the count from the batches at its two ends; ${fineTable.bins} bins, ${(fineTable.byteLength / 2 ** 20).toFixed(2)} MiB per run`,
  });
  const oldWalk = new StringBatchesWalk(batchIndex.entries, stringsLoad!);
  for (const m of middle) {
    const ours = await eventsWindow(noFine, m);
    const old = await oldWalk.window(m.t0, m.t1, m.columns);
    if (
      ours.count !== old.count ||
      !isDeepStrictEqual(ours.bins!.busyNs, old.busyNs) ||
      !isDeepStrictEqual(ours.bins!.events, old.events)
    )
      throw new Error("the typed walk and the string walk answer differently");
    // Each way timed after a full collection, not paying for the other's garbage.
    gc();
    const cpu = process.cpuUsage();
    const walk = await timeMedian(() => eventsWindow(noFine, m), 5);
    const used = process.cpuUsage(cpu);
    gc();
    const naiveWalk = await timeMedian(() => oldWalk.window(m.t0, m.t1, m.columns), 3);
    middleFigures.push({
      name: `events track at middle zoom: a window of ${(ours.count / 1e6).toFixed(2)}M events in 1500 columns, walked over the events file's batches`,
      median: walk,
      unit: "ms",
      runs: 5,
      ...(m.want === 2_000_000 ? { target: "≤ 150", limit: 150 } : {}),
      naive: {
        name: "the walk before: batches decoded to per-event strings, a Map lookup per event",
        median: naiveWalk,
      },
      note: `${((m.t1 - m.t0) / 60e9).toFixed(1)} min of the 1 h run, pixel ${((m.t1 - m.t0) / 1500 / 1e6).toFixed(0)} ms, no fine bins (as a 24 h run's 60-min window); same answer checked; CPU ${((used.user + used.system) / 1000 / 6).toFixed(0)} ms an ask; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
    });
  }
  const loadAfter = `load average ${loadBefore.toFixed(1)}→${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;

  const note = `${(HOUR_SAMPLES / 1e6).toFixed(0)}M samples over ${(spanS / 60).toFixed(1)} min, ${events.ts.length.toLocaleString("en-US")} events, ${spikes.length} spikes`;
  const figures: Figure[] = [
    {
      name: "attribution of a 1 h run: its own work in the one ordered pass (file read excluded)",
      median: median(oursOwn),
      unit: "ms",
      runs: RUNS,
      target: "≤ 1000",
      limit: 1000,
      naive: {
        name: "Set/sort/Map per sample, the way it replaced; same answer checked",
        median: median(oldOwn),
      },
      note: `${note}; ${load}; the events' cause numbering included`,
    },
    {
      name: "attribution of a 1 h run: its own work, CPU time of this process (file read excluded)",
      median: median(oursCpu),
      unit: "ms",
      runs: RUNS,
      target: "≤ 1000",
      limit: 1000,
      naive: { name: "Set/sort/Map per sample, the way it replaced", median: median(oldCpu) },
      note: `the wall time above waits for the CPU when others load the machine; this does not; ${load}`,
    },
    {
      name: "attribution of a 1 h run: one ordered pass over the run file (read included)",
      median: median(ours) / 1000,
      unit: "s",
      runs: RUNS,
      naive: {
        name: `each spike against every event, timed on ${some.length} spikes and scaled`,
        median: naive / 1000,
      },
      note: `${note}; reading the file alone: ${(median(readOnly) / 1000).toFixed(2)} s`,
    },
    {
      name: "events index of a 1 h run (built once per run in the worker)",
      median: build,
      unit: "ms",
      runs: RUNS,
      note,
    },
    {
      name: "events track, a 40 ms window of a 1 h run",
      median: windowOurs,
      unit: "ms",
      runs: 9,
      naive: { name: "every event checked", median: windowNaive },
    },
    {
      name: "events track, the whole 1 h run binned into 1500 columns",
      median: wholeOurs,
      unit: "ms",
      runs: RUNS,
    },
    {
      name: "attribution of a 1 h run from its run and events files, the events file walked beside the run as typed columns",
      median: median(streamedRuns.map((r) => r.ms)) / 1000,
      unit: "s",
      runs: RUNS,
      naive: {
        name: "the same walk, each batch decoded to per-event strings (the way before the typed columns)",
        median: median(stringRuns.map((r) => r.ms)) / 1000,
      },
      note: `same answer checked; reading the run file alone ${(median(readOnly) / 1000).toFixed(2)} s; ${loadAfter}`,
    },
    {
      name: "attribution of a 1 h run from its run and events files, the events file walked beside the run",
      median: median(streamedRuns.map((r) => r.ms)) / 1000,
      unit: "s",
      runs: RUNS,
      naive: {
        name: "the events file read whole first, then the pass (the way before #12)",
        median: median(wholeRuns.map((r) => r.ms)) / 1000,
      },
      note: `same answer checked; ${events.ts.length.toLocaleString("en-US")} events in batches of 65,536; ${loadAfter}`,
    },
    {
      name: "memory kept after attributing a 1 h run (for the timeline's events questions), events file streamed",
      median: median(streamedRuns.map((r) => r.held)) / 2 ** 20,
      unit: "MiB",
      runs: RUNS,
      naive: {
        name: "the events read whole and indexed (the way before #12)",
        median: median(wholeRuns.map((r) => r.held)) / 2 ** 20,
      },
      note: `retained heap and array buffers after a full GC, beyond the start: the batch index and the fine bins (${(fineTable.byteLength / 2 ** 20).toFixed(2)} MiB), no batch cached, against every event; walked as per-event strings: ${(median(stringRuns.map((r) => r.held)) / 2 ** 20).toFixed(2)} MiB`,
    },
    {
      name: "events track, a 40 ms window of a 1 h run, from the events file's batches (cached)",
      median: windowBatches,
      unit: "ms",
      runs: 9,
      naive: { name: "every event checked, all held", median: windowNaive },
    },
    {
      name: "one spike's causes from the events file's batches, no batch cached",
      median: causesCold,
      unit: "ms",
      runs: 9,
    },
    {
      name: "events track, the whole 1 h run binned into 1500 columns, from the fine bins (count from the batches at its ends)",
      median: wholeFine,
      unit: "ms",
      runs: 9,
      target: "≤ 150",
      limit: 150,
      naive: {
        name: "from the events file's batches, every batch read in one walk (timed once)",
        median: wholeBatches,
      },
      note: `${fromFine.bins!.columns} columns of ${((fromFine.bins!.t1 - fromFine.bins!.t0) / fromFine.bins!.columns / 1e6).toFixed(1)} ms, fine bins of ${(fineTable.binNs / 1e6).toFixed(3)} ms (${fineTable.bins} bins, ${(fineTable.byteLength / 2 ** 20).toFixed(2)} MiB per run); the first ask, no batch cached: ${wholeFineCold.toFixed(0)} ms; every event from the held index took ${wholeOurs.toFixed(0)} ms; same count checked; ${loadAfter}`,
    },
    ...middleFigures,
  ];
  return figures;
};

export default suite;
