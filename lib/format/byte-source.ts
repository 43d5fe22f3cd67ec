/**
 * Where a run's bytes come from. Random-access sources (bytes in memory, a Blob/File, a Node file, an
 * HTTP Range fetcher) let a reader jump to one record batch by its footer offset; a sequential source
 * (an async iterable of chunks: a network or zip-entry stream) is read front to back.
 */
export interface RandomAccessSource {
  readonly size: number;
  /** Exactly `length` bytes from `offset` (fewer only at the end of the source). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: reads into `target` (from its start, up to its length) and returns the filled part,
   * so that a reader can reuse one buffer for every record batch.
   */
  readInto?(offset: number, target: Uint8Array): Promise<Uint8Array>;
  /**
   * Optional: like `read`, but the bytes are the caller's only until its next `readReused` call, which
   * may hand their buffer back to the source for reuse (a front-to-back pass that is done with each
   * record batch before asking for the next).
   */
  readReused?(offset: number, length: number): Promise<Uint8Array>;
  /** Optional: takes back bytes from `read` that the caller no longer needs, to reuse their buffer. */
  release?(bytes: Uint8Array): void;
  close?(): Promise<void>;
}

export type ByteSourceInput = Uint8Array | Blob | RandomAccessSource | AsyncIterable<Uint8Array>;

export function isRandomAccessSource(value: unknown): value is RandomAccessSource {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as RandomAccessSource).read === "function" &&
    typeof (value as RandomAccessSource).size === "number"
  );
}

export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.byteLength, offset + length)),
  };
}

export function blobSource(blob: Blob): RandomAccessSource {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

/** Wraps any accepted input as a random-access source, or returns null for a sequential stream. */
export function toRandomAccess(input: ByteSourceInput): RandomAccessSource | null {
  if (input instanceof Uint8Array) return bytesSource(input);
  if (typeof Blob !== "undefined" && input instanceof Blob) return blobSource(input);
  if (isRandomAccessSource(input)) return input;
  return null;
}

/** Reads a source front to back in exact-length pieces, whatever the chunking underneath. */
export interface SequentialReader {
  /** Bytes consumed so far: the offset of the next byte in the file. */
  readonly position: number;
  /** Up to `length` bytes; fewer only at the end. */
  read(length: number): Promise<Uint8Array>;
  /** The bytes not read yet, as the source's own chunks where it has them (no copies); ends the reader. */
  rest(): AsyncIterable<Uint8Array>;
}

export function sequentialReader(input: ByteSourceInput, start = 0): SequentialReader {
  const random = toRandomAccess(input);
  if (random) {
    let position = start;
    return {
      get position() {
        return position;
      },
      async read(length) {
        const bytes = await random.read(position, length);
        position += bytes.byteLength;
        return bytes;
      },
      async *rest() {
        for (;;) {
          const bytes = await random.read(position, 1 << 20);
          position += bytes.byteLength;
          if (bytes.byteLength === 0) return;
          yield bytes;
        }
      },
    };
  }
  const iterator = (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let pending: Uint8Array = new Uint8Array(0);
  let done = false;
  let position = 0;
  const reader: SequentialReader = {
    get position() {
      return position;
    },
    async read(length) {
      if (pending.byteLength >= length) {
        const out = pending.subarray(0, length);
        pending = pending.subarray(length);
        position += length;
        return out;
      }
      const parts: Uint8Array[] = pending.byteLength ? [pending] : [];
      let have = pending.byteLength;
      while (have < length && !done) {
        const next = await iterator.next();
        if (next.done) done = true;
        else {
          parts.push(next.value);
          have += next.value.byteLength;
        }
      }
      // Bytes within one chunk are handed out as a view of it: copied only across chunk boundaries.
      let joined = parts[0] ?? new Uint8Array(0);
      if (parts.length > 1) {
        joined = new Uint8Array(have);
        let at = 0;
        for (const part of parts) {
          joined.set(part, at);
          at += part.byteLength;
        }
      }
      const out = joined.subarray(0, Math.min(length, have));
      pending = joined.subarray(out.byteLength);
      position += out.byteLength;
      return out;
    },
    async *rest() {
      const unread = pending;
      pending = new Uint8Array(0);
      if (unread.byteLength) yield unread;
      position += unread.byteLength;
      while (!done) {
        const next = await iterator.next();
        if (next.done) done = true;
        else {
          position += next.value.byteLength;
          yield next.value;
        }
      }
    },
  };
  // Skip to the start offset (sequential sources always begin at byte 0).
  if (start > 0) {
    const skip = reader.read(start);
    return {
      get position() {
        return reader.position;
      },
      async read(length) {
        await skip;
        return reader.read(length);
      },
      async *rest() {
        await skip;
        yield* reader.rest();
      },
    };
  }
  return reader;
}

export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Every byte of a stream, in one array. */
export async function readAllBytes(input: AsyncIterable<Uint8Array>, head?: Uint8Array): Promise<Uint8Array> {
  const chunks = head ? [head] : [];
  for await (const chunk of input) chunks.push(chunk);
  return concatBytes(chunks);
}
