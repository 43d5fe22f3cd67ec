import {
  decodeMessage,
  decodePrefix,
  FILE_HEADER_BYTES,
  MessageHeader,
  startsWithMagic,
} from "../format/arrow-ipc";
import { openRun } from "../format/run-reader";
import { declaredHz } from "../format/manifest";
import { encodeSummary, summarizeRun } from "../summary";
import type { RunSummary } from "../summary/types";

/** What the bundle check needs of a run's summary, computed while the run's bytes arrived. */
export interface StreamedSummary {
  /** The `test` option the summary was computed with (the run file's own when none was given). */
  test: string | undefined;
  /** The CONFIG_HZ the tick was looked for at (the run's fingerprint), null when it has none. */
  hz: number | null;
  encoded: Uint8Array;
  count: number;
  spanNs: number;
  max: RunSummary["max"];
}

/** A run's chunks as they arrive, handed to a reader in order; `consumed` hears of each one taken. */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private discarding = false;
  private wake: (() => void) | null = null;

  constructor(private readonly consumed: (bytes: number) => void = () => {}) {}

  push(chunk: Uint8Array): void {
    if (this.discarding) return this.consumed(chunk.byteLength);
    this.chunks.push(chunk);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** Ends the chunks for the reader and drops what comes later (a reader that stopped early). */
  discard(): void {
    this.discarding = true;
    this.ended = true;
    for (const chunk of this.chunks.splice(0)) this.consumed(chunk.byteLength);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) {
        this.consumed(next.byteLength);
        yield next;
      } else if (this.ended) return;
      else {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
    }
  }
}

/** Chunks taken from the front as needed: whole, or copied out across chunk boundaries. */
class Pending {
  private readonly chunks: Uint8Array[] = [];
  private offset = 0;
  available = 0;
  private done = false;

  constructor(
    private readonly source: AsyncIterator<Uint8Array>,
    private readonly release: (chunk: Uint8Array) => void,
  ) {}

  /** True when `n` bytes are there (fewer only at the end of the source). */
  async need(n: number): Promise<boolean> {
    while (this.available < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else if (next.value.byteLength) {
        this.chunks.push(next.value);
        this.available += next.value.byteLength;
      }
    }
    return this.available >= n;
  }

  /** Copies `n` bytes from the front into `target`; consumed unless `keep`. */
  copy(n: number, target: Uint8Array, keep = false): Uint8Array {
    let at = 0;
    let chunk = 0;
    let offset = this.offset;
    while (at < n) {
      const from = this.chunks[chunk];
      const take = Math.min(n - at, from.byteLength - offset);
      target.set(from.subarray(offset, offset + take), at);
      at += take;
      offset += take;
      if (offset === from.byteLength) {
        chunk++;
        offset = 0;
      }
    }
    if (!keep) {
      for (const used of this.chunks.splice(0, chunk)) this.release(used);
      this.offset = offset;
      this.available -= n;
    }
    return target.subarray(0, n);
  }

  /** What is left, as it comes. */
  async *rest(): AsyncGenerator<Uint8Array> {
    const [first, ...others] = this.chunks.splice(0);
    if (first) yield first.subarray(this.offset);
    yield* others;
    this.available = 0;
    for (let next = await this.source.next(); !next.done; next = await this.source.next()) yield next.value;
  }
}

/** The largest message body regrouped into a reused buffer; a larger one passes through. */
const MAX_REGROUPED = 64 << 20;

/**
 * Regroups a run's chunks so that each IPC message comes whole in one chunk, copied into one of two
 * buffers used in turn: the reader then takes every message without copying or allocating it again.
 * A buffer is overwritten two messages later, so this is only for a reader that is done with a batch
 * before it asks for the one after next (summarizeRun over batches({ reuseTimestamps: true })).
 * What it does not understand (the footer, damaged bytes) passes through as it came, for the reader to
 * judge. `release` is given each incoming chunk once it has been copied out whole.
 */
export async function* wholeMessages(
  chunks: AsyncIterable<Uint8Array>,
  release: (chunk: Uint8Array) => void = () => {},
): AsyncGenerator<Uint8Array> {
  const pending = new Pending(chunks[Symbol.asyncIterator](), release);
  const buffers = [new Uint8Array(0), new Uint8Array(0)];
  const small = new Uint8Array(1 << 16);
  if ((await pending.need(FILE_HEADER_BYTES)) && startsWithMagic(pending.copy(8, small, true)))
    yield pending.copy(FILE_HEADER_BYTES, new Uint8Array(FILE_HEADER_BYTES));
  for (let turn = 0; ; turn ^= 1) {
    if (!(await pending.need(8))) break;
    const prefix = decodePrefix(pending.copy(8, small, true));
    if (!prefix || prefix.framing !== 8 || prefix.metadataLength <= 0) break;
    const head = 8 + prefix.metadataLength;
    if (head > small.byteLength || !(await pending.need(head))) break;
    let bodyLength: number;
    try {
      bodyLength = Number(decodeMessage(pending.copy(head, small, true).subarray(8)).bodyLength);
    } catch {
      break;
    }
    const total = head + bodyLength;
    if (bodyLength > MAX_REGROUPED || !(await pending.need(total))) break;
    if (buffers[turn].byteLength < total) buffers[turn] = new Uint8Array(total);
    yield pending.copy(total, buffers[turn]);
  }
  yield* pending.rest();
}

/**
 * Whether a run can be read front to back from its first chunk on: the stream format, or the file
 * format with its schema first. (A file whose schema is only in its footer would be gathered whole.)
 */
function readableFromTheStart(first: Uint8Array): boolean {
  if (!startsWithMagic(first)) return true;
  const rest = first.subarray(FILE_HEADER_BYTES);
  const prefix = decodePrefix(rest);
  if (!prefix || prefix.framing !== 8 || prefix.metadataLength <= 0) return false;
  if (8 + prefix.metadataLength > rest.byteLength) return false;
  try {
    return decodeMessage(rest.subarray(8, 8 + prefix.metadataLength)).headerType === MessageHeader.Schema;
  } catch {
    return false;
  }
}

/**
 * Validates and summarizes a sample run with the same reader and summary as the CLI and the browser,
 * as its chunks arrive. Null when the run cannot be read front to back, is not a sample run, or is
 * invalid: the bundle check then reads it from disk, which says what is wrong. `release` is given
 * the chunks it is done with (see wholeMessages).
 */
export async function summarizeStreamedRun(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  test: string | undefined,
  release?: (chunk: Uint8Array) => void,
): Promise<StreamedSummary | null> {
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    if (first.done || !readableFromTheStart(first.value)) return null;
    const replay: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      },
    };
    const run = await openRun(wholeMessages(replay, release), file);
    if (run.header.kind !== "samples") return null;
    const used = test ?? run.header.test;
    const hz = declaredHz(run.header.fields, null);
    const summary = await summarizeRun(run.batches({ reuseTimestamps: true }), { test: used, hz });
    // A run without its footer (recovered) is left to the disk check, which notes it.
    if (run.recovery()) return null;
    const { count, spanNs, max } = summary;
    return { test: used, hz, encoded: encodeSummary(summary), count, spanNs, max };
  } catch {
    return null;
  } finally {
    // A reader that stopped early leaves the source suspended: end it, so it closes what it opened.
    void iterator.return?.()?.catch(() => {});
  }
}
