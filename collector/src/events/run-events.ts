/**
 * What `collect` asks of event recording: whether it can run here (and why not), and one recorder per
 * tick run, which never costs the run itself: any failure becomes a note and the run is kept.
 */
import { rm } from "node:fs/promises";
import { basename } from "node:path";
import { eventsPathFor, stealPathFor } from "../../../lib/format/events-contract";
import { samplerPath } from "../native/sampler-binary";
import type { SamplerResult } from "../native/sampler-process";
import { EventRecorder, type RecorderHost, type StreamedOrigin } from "./recorder";
import { removeStaleInstances, tracingAvailability, TRACEFS } from "./tracefs";

/** Checks once before the runs; prints why events will not be recorded, or that tracefs was mounted. */
export function eventsPossible(wanted: boolean, log: (line: string) => void): boolean {
  if (!wanted) return false;
  const available = tracingAvailability();
  if (!available.ok) {
    log(
      `note: kernel events not recorded: ${available.reason} (the runs go ahead without them; --no-events silences this)`,
    );
    return false;
  }
  if (available.mounted) log(`note: mounted tracefs at ${TRACEFS} to record kernel events`);
  for (const name of removeStaleInstances())
    log(`note: removed the tracefs instance ${name}, left by a collector that was killed`);
  return true;
}

export interface RunEventsHandle {
  /** The sampler's origin, told during a streamed run: the events stream to their file from then on. */
  streamFrom(origin: StreamedOrigin): void;
  /** After the sampler's result: ends the files and returns their paths for the manifest, or null. */
  finish(result: SamplerResult): Promise<{ events: string; steal: string } | null>;
  /**
   * The run failed: stops recording. `keep`: the events and steal rows streamed so far are kept, the files
   * ended (their metadata says `recording: "unfinished"`), and their paths returned; else they are removed.
   */
  abort(keep?: boolean): Promise<{ events?: string; steal?: string } | null>;
}

/** Starts recording before the sampler starts; null (with a note) when the instance cannot be made. */
export function startRunEvents(
  cpu: number,
  host: RecorderHost,
  runFile: string,
  path: (relative: string) => string,
  log: (line: string) => void,
): RunEventsHandle | null {
  const events = eventsPathFor(runFile);
  const steal = stealPathFor(runFile);
  let recorder: EventRecorder;
  try {
    recorder = new EventRecorder(cpu, host, basename(samplerPath()).slice(0, 15), path(events), path(steal));
    recorder.start();
  } catch (error) {
    log(`note: kernel events not recorded: ${(error as Error).message}`);
    return null;
  }
  return {
    streamFrom(origin) {
      try {
        recorder.streamFrom(origin);
      } catch (error) {
        log(`note: kernel events held until the run ends: ${(error as Error).message}`);
      }
    },
    async finish(result) {
      try {
        const recorded = await recorder.finish(result);
        const seconds = Math.max(recorded.seconds, 1e-3);
        log(
          `  kernel events: ${recorded.events.toLocaleString("en-US")} intervals (${Math.round(recorded.events / seconds).toLocaleString("en-US")}/s, clock ${recorded.clock}), ${recorded.lostEvents} lost; steal for ${recorded.stealSeconds} s`,
        );
        if (recorded.note) log(`note: ${recorded.note}`);
        return { events, steal };
      } catch (error) {
        recorder.abort();
        await rm(path(events), { force: true });
        await rm(path(steal), { force: true });
        log(`note: kernel events not written: ${(error as Error).message}`);
        return null;
      }
    },
    async abort(keep = false) {
      const streamed = recorder.abort(keep);
      if (keep && (streamed.events || streamed.steal))
        return { ...(streamed.events ? { events } : {}), ...(streamed.steal ? { steal } : {}) };
      await rm(path(events), { force: true });
      await rm(path(steal), { force: true });
      return null;
    },
  };
}
