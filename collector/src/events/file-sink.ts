/** A file written as it goes (appends), with the one rewrite in place the events file needs at its end. */
import { closeSync, fdatasyncSync, openSync, writeSync } from "node:fs";
import type { RewritableSink } from "../../../lib/format/events-stream-writer";

export class FileSink implements RewritableSink {
  private fd: number | null;
  private position = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  append(bytes: Uint8Array): void {
    for (let done = 0; done < bytes.byteLength;)
      done += writeSync(this.fd!, bytes, done, bytes.byteLength - done, this.position + done);
    this.position += bytes.byteLength;
  }

  writeAt(offset: number, bytes: Uint8Array): void {
    for (let done = 0; done < bytes.byteLength;)
      done += writeSync(this.fd!, bytes, done, bytes.byteLength - done, offset + done);
  }

  /**
   * What was appended reaches the disk (not only the page cache): the machine dying keeps it. A failure
   * here is not the run's: the next append reports a disk that fails, and readers keep the whole batches.
   */
  sync(): void {
    try {
      if (this.fd !== null) fdatasyncSync(this.fd);
    } catch {
      // see above
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
