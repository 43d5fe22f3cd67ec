import { formatDuration } from "../../lib/analysis/units";
import type { SamplerProgress } from "./native/sampler-process";

export interface ProgressTarget {
  label: string;
  /** Planned length: by samples or by duration (ns). */
  samples?: number;
  durationNs?: number;
}

function formatSeconds(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${s.toFixed(1)} s`;
}

/** One progress line: bar, samples, elapsed time (of the planned), the maximum so far. */
export function progressLine(target: ProgressTarget, p: SamplerProgress, width = 24): string {
  const fraction = target.samples
    ? p.samples / target.samples
    : target.durationNs
      ? (p.elapsed_s * 1e9) / target.durationNs
      : 0;
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
  const planned = target.durationNs ? ` / ${formatSeconds(target.durationNs / 1e9)}` : "";
  return `${target.label.padEnd(11)} ${bar} ${p.samples.toLocaleString("en-US")} samples, ${formatSeconds(p.elapsed_s)}${planned}, max ${formatDuration(p.max_ns)}${fileNote(p, fraction)}`;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;

/** A streamed run: the file so far and its estimated final size, the disk space left, a writer behind (or held by the disk). */
function fileNote(p: SamplerProgress, fraction: number): string {
  if (p.bytes === undefined) return "";
  const parts = [`file ${mib(p.bytes)}`];
  const estimate = fraction > 0.01 ? p.bytes / Math.min(1, fraction) : null;
  if (estimate !== null) parts[0] += ` of ~${mib(estimate)}`;
  if (p.disk_free !== undefined && p.disk_free >= 0) {
    parts.push(`${mib(p.disk_free)} free`);
    if (estimate !== null && estimate - p.bytes > p.disk_free) parts.push("NOT ENOUGH DISK for the rest");
  }
  // A writer the disk has held in one write or sync for a second is behind however little the ring holds yet.
  const heldMs = p.writer_busy_ms ?? 0;
  if (p.behind !== undefined && p.behind_limit && (p.behind > p.behind_limit / 2 || heldMs >= 1000))
    parts.push(
      `WRITER BEHIND by ${p.behind.toLocaleString("en-US")} samples (the run stops at ${p.behind_limit.toLocaleString("en-US")})` +
        (heldMs >= 1000 ? `, held by the disk for ${(heldMs / 1000).toFixed(1)} s` : ""),
    );
  return `, ${parts.join(", ")}`;
}

/** Redraws one line on a terminal; elsewhere (a log, a pipe) prints a line a minute. */
export class ProgressBar {
  private drawn = false;
  private lastLogged = 0;

  constructor(
    private readonly target: ProgressTarget,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(p: SamplerProgress): void {
    if (!this.stream.isTTY) {
      if (p.elapsed_s - this.lastLogged >= 60) {
        this.lastLogged = p.elapsed_s;
        this.stream.write(`${progressLine(this.target, p, 16)}\n`);
      }
      return;
    }
    this.stream.write(
      `\r${progressLine(this.target, p, 16).slice(0, (this.stream.columns || 100) - 1)}\x1b[K`,
    );
    this.drawn = true;
  }

  done(summary: string): void {
    this.stream.write(`${this.drawn ? "\r\x1b[K" : ""}${summary}\n`);
    this.drawn = false;
  }
}
