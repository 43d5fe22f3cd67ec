import { spawn } from "node:child_process";
import { UsageError, type Command } from "../command";
import { samplerPath } from "../native/sampler-binary";
import { durationArgument, onlineCpus, parseDurationOption, parseOptions } from "../options";

const usage = `load cpu|memory [--cpus LIST] [--duration T] [--size 9MiB]

  cpu      a tight loop on each chosen CPU (the study's CPU-load VMs)
  memory   memcpy of a buffer larger than the caches, again and again (the study's memory-load VMs)
  --cpus LIST    e.g. 0,2-3 (default: every CPU)
  --duration T   stop after T (default: until Ctrl-C)
  --size S       memory: the buffer copied (default 9MiB, as in the study)`;

const load: Command = {
  summary: "generate CPU or memory load for the study's scenarios (in neighbouring VMs or on other CPUs)",
  usage,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      cpus: { type: "string" },
      duration: { type: "string" },
      size: { type: "string" },
    });
    const [kind, ...extra] = positionals;
    if ((kind !== "cpu" && kind !== "memory") || extra.length)
      throw new UsageError(`expected load cpu or load memory, found "${positionals.join(" ")}"`);
    if (values.size !== undefined && kind !== "memory") throw new UsageError("--size applies to load memory");
    if (values.size !== undefined && !/^\d+(K|KiB|M|MiB|G|GiB|B)?$/.test(values.size))
      throw new UsageError(`--size: expected a size such as 9MiB, found "${values.size}"`);
    if (values.cpus !== undefined) {
      const online = onlineCpus();
      for (const part of values.cpus.split(",")) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(part);
        if (!m) throw new UsageError(`--cpus: expected a CPU list such as 0,2-3, found "${values.cpus}"`);
        for (let c = Number(m[1]); c <= Number(m[2] ?? m[1]); c++)
          if (!online.includes(c))
            throw new UsageError(`--cpus: CPU ${c} is not online (online: ${online.join(",")})`);
      }
    }
    const samplerArgs = [
      "load",
      kind,
      ...(values.cpus ? ["--cpus", values.cpus] : []),
      ...(values.duration
        ? ["--duration", durationArgument(parseDurationOption(values.duration, "--duration"))]
        : []),
      ...(values.size ? ["--size", values.size] : []),
    ];
    const child = spawn(samplerPath(), samplerArgs, { stdio: "inherit" });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
    process.off("SIGINT", forward);
    process.off("SIGTERM", forward);
    return code;
  },
};
export default load;
