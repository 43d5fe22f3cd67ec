import type { FromWorker } from "../protocol";
import { RunHost } from "../run-host";

/**
 * A run worker's host, given one file as the page would hand it over (a run file, or a bundle's zip),
 * with every message it posts kept in order.
 */
export async function openInHost(
  kind: "run" | "zip",
  name: string,
  bytes: Uint8Array,
  jobKey: string,
): Promise<{ host: RunHost; messages: FromWorker[] }> {
  const messages: FromWorker[] = [];
  const host = new RunHost((message) => messages.push(message));
  const read = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  await host.handle({
    type: "open",
    jobKey,
    job: { kind, name, source: { name, size: bytes.byteLength, read } },
  });
  return { host, messages };
}
