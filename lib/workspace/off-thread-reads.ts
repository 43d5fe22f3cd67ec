import type { RandomAccessSource } from "../format/byte-source";
import { BlobRanges } from "./blob-ranges";

/** This thread's reads (a read worker's): once a BYOB read stalls here, ranges are read whole. */
const workerRanges = new BlobRanges();

/**
 * Reading a File in the run worker's own thread stalls while the worker computes: Chromium delivers a
 * Blob read's bytes through a data pipe that only the calling thread drains, so reads queued ahead make
 * little progress until the worker waits for them (measured on a 50M-sample run: 1.5 s of a 4.4 s
 * summary spent waiting on reads, with one read always queued ahead). A read worker drains them in its
 * own thread, into buffers the run worker hands back when it is done with them, and transfers each
 * range whole: no copy, and no 12 MB allocation per record batch for the run worker's GC to chase.
 */
export interface ReadRequest {
  id: number;
  blob: Blob;
  offset: number;
  length: number;
  /** A buffer to read into (transferred), when the run worker has one to reuse. */
  buffer?: ArrayBuffer;
}

export type ReadReply = { id: number; buffer: ArrayBuffer; length: number } | { id: number; error: string };

/** The read worker's side: one range of a Blob, replied with its buffer transferred. */
export async function serveRead(
  request: ReadRequest,
  reply: (message: ReadReply, transfer: Transferable[]) => void,
  ranges = workerRanges,
): Promise<void> {
  const { id, blob, offset, length, buffer } = request;
  try {
    const read = await ranges.read(blob, offset, length, buffer);
    reply({ id, ...read }, [read.buffer]);
  } catch (error) {
    reply({ id, error: error instanceof Error ? error.message : String(error) }, []);
  }
}

/** The messaging a read worker needs (a Worker, or a stand-in in tests). */
export interface ReadPort {
  postMessage(message: ReadRequest, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ReadReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** Buffers handed back and kept for the next reads: enough for a read-ahead pass (see read-ahead.ts). */
const POOLED_BUFFERS = 5;

/**
 * Blob sources whose reads run in one read worker, started at once. `spawn` makes the worker; when it
 * cannot start, or fails, reads fall back to the calling thread.
 */
export function offThreadBlobSources(spawn: () => ReadPort): (blob: Blob) => RandomAccessSource {
  let port: ReadPort | null = null;
  let broken = false;
  let nextId = 0;
  const pool: ArrayBuffer[] = [];
  const waits = new Map<
    number,
    { request: ReadRequest; resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }
  >();
  const direct = async (blob: Blob, offset: number, length: number) =>
    new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
  const connect = (): ReadPort | null => {
    if (port || broken) return port;
    try {
      port = spawn();
    } catch {
      broken = true;
      return null;
    }
    port.onmessage = ({ data }) => {
      const wait = waits.get(data.id);
      waits.delete(data.id);
      if (!wait) return;
      if ("buffer" in data) wait.resolve(new Uint8Array(data.buffer, 0, data.length));
      else wait.reject(new Error(data.error));
    };
    // The worker did not start (or died): what it was asked is read here instead.
    port.onerror = () => {
      broken = true;
      port = null;
      for (const { request, resolve, reject } of waits.values())
        direct(request.blob, request.offset, request.length).then(resolve, reject);
      waits.clear();
    };
    return port;
  };
  // Started now, so that its code has loaded by the time the first file is read.
  connect();
  return (blob) => ({
    size: blob.size,
    read(offset, length) {
      const reader = connect();
      if (!reader) return direct(blob, offset, length);
      const id = nextId++;
      const fits = pool.findIndex((b) => b.byteLength >= Math.min(length, blob.size - offset));
      const buffer = fits < 0 ? undefined : pool.splice(fits, 1)[0];
      const request: ReadRequest = { id, blob, offset, length, buffer };
      return new Promise<Uint8Array>((resolve, reject) => {
        waits.set(id, { request: { id, blob, offset, length }, resolve, reject });
        reader.postMessage(request, buffer ? [buffer] : []);
      });
    },
    release(bytes) {
      const buffer = bytes.buffer as ArrayBuffer;
      if (pool.length < POOLED_BUFFERS && buffer.byteLength > 0 && !pool.includes(buffer)) pool.push(buffer);
    },
  });
}
