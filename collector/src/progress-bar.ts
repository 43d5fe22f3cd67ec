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
  return `${target.label.padEnd(11)} ${bar} ${p.samples.toLocaleString("en-US")} samples, ${formatSeconds(p.elapsed_s)}${planned}, max ${formatDuration(p.max_ns)}`;
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
