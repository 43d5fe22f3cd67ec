import { open } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { openRun } from "../../lib/format/run-reader";
import { summarizeRun, type RunSummary, type SummaryOptions } from "../../lib/summary";

const CHUNK_BYTES = 1 << 20;

/**
 * The bytes of a file that another process is still writing, as they arrive: it waits for the file to
 * appear, then reads what was appended every `pollMs`, and ends once `finished()` says the writer is done
 * and everything is read.
 */
export async function* followFile(
  path: string,
  finished: () => boolean,
  pollMs = 100,
): AsyncGenerator<Uint8Array> {
  let handle = null;
  while (!handle) {
    const done = finished();
    handle = await open(path, "r").catch(() => null);
    if (!handle) {
      if (done) return;
      await sleep(pollMs);
    }
  }
  try {
    const buffer = new Uint8Array(CHUNK_BYTES);
    let position = 0;
    for (;;) {
      const done = finished();
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead > 0) {
        position += bytesRead;
        yield buffer.slice(0, bytesRead);
      } else if (done) return;
      else await sleep(pollMs);
    }
  } finally {
    await handle.close();
  }
}

/**
 * A run's summary computed while the sampler writes it (lib/summary, the same code every reader runs),
 * so that when the run ends the summary is ready without another pass over the file. A file the sampler
 * left without its footer is summarised up to its last whole batch, as every reader recovers it.
 */
export async function followRunSummary(
  path: string,
  name: string,
  options: SummaryOptions,
  finished: () => boolean,
  pollMs = 100,
): Promise<RunSummary> {
  const run = await openRun(followFile(path, finished, pollMs), name, { followed: true });
  return summarizeRun(run.batches({ reuseTimestamps: true }), {
    ...options,
    test: options.test ?? run.header.test,
  });
}
