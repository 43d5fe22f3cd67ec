/**
 * Reads byte ranges of Blobs through a BYOB stream reader, into a buffer the caller hands back (no allocation
 * per range). In Chromium 156 such a read can stay pending forever: a 24 h run's read stopped at 4.8-7.1 GB
 * (4 tries of 4), its Cancel waiting behind it; bench/ui/blob-read-probe.ts, 221 MB in 1.5 MiB ranges three
 * at a time, stalled after 41 ranges in 4 rounds of 5. `arrayBuffer()` never stalled, but makes a new
 * buffer per range, which an idle worker's heap keeps until a collection that may not come (the 7 × 50M
 * tab held 1.86 GB read that way, against ~1 GB). So a BYOB read not done within `stallMs` is left, and
 * that range and every later one are read with `arrayBuffer()`, copied into the buffer given when it fits.
 */
export class BlobRanges {
  private byobStalled = false;

  constructor(private readonly stallMs = 2000) {}

  /** Whether a BYOB read stalled here, so that ranges are now read whole. */
  get stalled(): boolean {
    return this.byobStalled;
  }

  async read(
    blob: Blob,
    offset: number,
    length: number,
    buffer?: ArrayBuffer,
  ): Promise<{ buffer: ArrayBuffer; length: number }> {
    const part = blob.slice(offset, offset + length);
    if (!this.byobStalled) {
      const read = readByob(part, buffer);
      if (read) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stalled = new Promise<null>(
          (resolve) => (timer = setTimeout(() => resolve(null), this.stallMs)),
        );
        const done = await Promise.race([read, stalled]);
        clearTimeout(timer);
        if (done) return done;
        this.byobStalled = true;
        read.catch(() => undefined);
        buffer = undefined; // the stalled read holds it (a BYOB read takes the buffer it reads into)
      }
    }
    const whole = await part.arrayBuffer();
    if (!buffer || buffer.byteLength < whole.byteLength) return { buffer: whole, length: whole.byteLength };
    new Uint8Array(buffer).set(new Uint8Array(whole));
    return { buffer, length: whole.byteLength };
  }
}

/** The whole of `part` through a BYOB reader into `buffer` (or a new one); null when Blobs have no byte stream here. */
function readByob(part: Blob, buffer?: ArrayBuffer): Promise<{ buffer: ArrayBuffer; length: number }> | null {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = part.stream().getReader({ mode: "byob" });
  } catch {
    return null;
  }
  return (async () => {
    let target = buffer && buffer.byteLength >= part.size ? buffer : new ArrayBuffer(part.size);
    let filled = 0;
    try {
      while (filled < part.size) {
        const { done, value } = await reader.read(new Uint8Array(target, filled, part.size - filled));
        // A BYOB read moves the buffer into the view it returns.
        if (value) target = value.buffer as ArrayBuffer;
        if (done || !value) break;
        filled += value.byteLength;
      }
    } finally {
      // The range is read (or failed): the stream is not needed to its end.
      reader.cancel().catch(() => undefined);
    }
    return { buffer: target, length: filled };
  })();
}
