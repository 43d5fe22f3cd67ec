import { spawnSync } from "node:child_process";
import { hostSchema, type HostFingerprint } from "../../lib/format/manifest";
import { UsageError } from "./command";
import { samplerOutput } from "./native/sampler-process";

export type Fingerprint = HostFingerprint & { environment_guess?: string };

/** The environment fingerprint, from the native sampler (the same code a Node-less guest runs). */
export async function readFingerprint(): Promise<Fingerprint> {
  const text = await samplerOutput(["fingerprint"]);
  const parsed = hostSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new UsageError(
      `the sampler's fingerprint does not match the contract: ${parsed.error.issues[0].message}`,
      1,
    );
  return parsed.data as Fingerprint;
}

/** Keeps this process (and its threads) off the measured CPU, where it could only disturb. Best effort. */
export function moveOffCpu(cpu: number, cpus: number[]): void {
  const others = cpus.filter((c) => c !== cpu);
  if (!others.length) return;
  spawnSync("taskset", ["-a", "-p", "-c", others.join(","), String(process.pid)], { stdio: "ignore" });
}
