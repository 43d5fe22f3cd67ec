import { existsSync, readFileSync, readdirSync, statSync, accessSync, constants } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseDuration } from "../../lib/analysis/units";
import { UsageError } from "./command";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs, strict, with its errors turned into usage errors. */
export function parseOptions<T extends Options>(args: string[], options: T, positionals = true) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
}

/**
 * A duration option ("3s", "500ms", "10m", "1h") in nanoseconds, read by lib's one parser: a number
 * without its unit is refused with the list of units. `positive` refuses zero too.
 */
export function parseDurationOption(text: string, option: string, { positive = true } = {}): number {
  let ns: number;
  try {
    ns = parseDuration(text);
  } catch (error) {
    throw new UsageError(`${option}: ${(error as Error).message}`);
  }
  if (positive && !(ns > 0))
    throw new UsageError(
      `${option}: expected a positive duration such as 3s, 500ms, 10m or 1h, found "${text}"`,
    );
  return ns;
}

/** A duration as the native sampler and load generator read it: "1h", "10m", "3s", "500ms". */
export function durationArgument(ns: number): string {
  if (ns >= 3600e9 && ns % 3600e9 === 0) return `${ns / 3600e9}h`;
  if (ns >= 60e9 && ns % 60e9 === 0) return `${ns / 60e9}m`;
  if (ns >= 1e9 && ns % 1e9 === 0) return `${ns / 1e9}s`;
  return `${Math.round(ns / 1e6)}ms`;
}

export function parseInteger(text: string, option: string, min: number, max: number, what: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UsageError(`${option}: expected ${what} (${min} to ${max}), found "${text}"`);
  return value;
}

/** The CPUs this process may run on, from sysfs (falls back to 0..n-1). */
export function onlineCpus(): number[] {
  try {
    const text = readFileSync("/sys/devices/system/cpu/online", "utf8").trim();
    const cpus: number[] = [];
    for (const part of text.split(",")) {
      const [a, b] = part.split("-").map(Number);
      for (let c = a; c <= (b ?? a); c++) cpus.push(c);
    }
    return cpus;
  } catch {
    return Array.from({ length: availableParallelism() }, (_, i) => i);
  }
}

export function parseCpu(text: string): number {
  const cpu = parseInteger(text, "--cpu", 0, 65535, "a CPU number");
  const cpus = onlineCpus();
  if (!cpus.includes(cpu))
    throw new UsageError(`--cpu ${cpu}: no such CPU on this machine (online: ${cpus.join(",")})`);
  return cpu;
}

/**
 * An output directory that a command will create: it must not exist yet (or be empty), and its parent
 * must be a writable directory. Checked before anything runs, so a bad name fails at once.
 */
export function checkNewOutputDir(path: string | undefined, option = "-o"): string {
  if (!path) throw new UsageError(`${option} DIR is required: where to write the bundle`);
  const target = resolve(path);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory() || readdirSync(target).length > 0)
      throw new UsageError(
        `${option} ${path}: already exists and is not an empty directory; choose a new name`,
      );
  }
  checkWritableParent(target, path, option);
  return target;
}

export function checkNewOutputFile(path: string | undefined, option = "-o"): string {
  if (!path) throw new UsageError(`${option} FILE is required`);
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory())
    throw new UsageError(`${option} ${path}: is a directory; give a file name`);
  checkWritableParent(target, path, option);
  return target;
}

function checkWritableParent(target: string, shown: string, option: string): void {
  const parent = dirname(target);
  if (!existsSync(parent) || !statSync(parent).isDirectory())
    throw new UsageError(`${option} ${shown}: the directory ${parent} does not exist`);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${shown}: cannot write in ${parent} (permission denied)`);
  }
}
