import { request as httpRequest } from "node:http";
import { tableFromArrays, tableFromIPC, tableToIPC } from "apache-arrow";
import { zipSync } from "fflate";
import { crc32 } from "node:zlib";
import { encodeRunFile } from "../../format/run-writer";
import type { EventKind } from "../../format/events-contract";
import { encodeEventsFile } from "../../format/events-writer";
import { SYNTHETIC_EVENTS_META } from "../../format/testing/events-bundle";
import { testBundle, utf8, withFile, type TestBundle } from "./bundles";
import { craftZip } from "./craft-zip";
import { syntheticSamples } from "./synthetic";

export const TOKEN = "test-token-7d1f0c";
const MIB = 1024 * 1024;

/** Small limits for the test server, so that every limit can be crossed cheaply. */
export const TEST_LIMITS = {
  TICKSCOPE_MAX_UPLOAD_BYTES: String(8 * MIB),
  TICKSCOPE_MAX_ZIP_ENTRIES: "64",
  TICKSCOPE_MAX_ENTRY_BYTES: String(4 * MIB),
  TICKSCOPE_MAX_UNPACKED_BYTES: String(16 * MIB),
  TICKSCOPE_MAX_EXPANSION_RATIO: "100",
  TICKSCOPE_MAX_RUNS: "250",
};

export interface Answer {
  status: number;
  text: string;
}

export interface MalformedUpload {
  name: string;
  send(server: string): Promise<Answer>;
  status: number;
  message: RegExp;
}

/** A raw HTTP request, so that a test can announce one length and send another, or stop half-way. */
export function rawRequest(
  url: string,
  headers: Record<string, string>,
  body: Uint8Array,
  method = "POST",
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // The server may answer (413) and close before the whole body is sent: that answer is what counts.
    req.on("error", (error) => reject(error));
    req.write(body);
    req.end();
  });
}

async function post(
  server: string,
  body: Uint8Array | FormData | ReadableStream,
  headers: Record<string, string>,
) {
  const response = await fetch(`${server}/api/bundles`, {
    method: "POST",
    headers,
    body: body instanceof Uint8Array ? Buffer.from(body) : body,
    duplex: "half",
  } as RequestInit);
  return { status: response.status, text: await response.text() };
}

const auth = { authorization: `Bearer ${TOKEN}` };
const zipHeaders = { "content-type": "application/zip", ...auth };
const arrowHeaders = { "content-type": "application/vnd.apache.arrow.file", ...auth };

function zipCase(name: string, zip: () => Uint8Array, message: RegExp, status = 400): MalformedUpload {
  return { name, status, message, send: (server) => post(server, zip(), zipHeaders) };
}

const bundle = testBundle(501, 5_000);
const run = bundle.files["runs/emu-tick.arrow"];
const manifest = JSON.parse(new TextDecoder().decode(bundle.files["manifest.json"]));
const withManifest = (value: unknown) =>
  withFile(bundle, "manifest.json", utf8(typeof value === "string" ? value : JSON.stringify(value)));
const { ts, duration } = syntheticSamples(1000, 3);

/** The bundle with its first run naming an events file of these rows (ts, end, kind). */
function withEvents(rows: [number, number, string][]): Uint8Array {
  const events = encodeEventsFile(
    {
      ts: BigInt64Array.from(rows, (r) => BigInt(r[0])),
      end: BigInt64Array.from(rows, (r) => BigInt(r[1])),
      kind: rows.map((r) => r[2] as EventKind),
      name: rows.map(() => "eth0"),
      cpu: new Int32Array(rows.length),
    },
    SYNTHETIC_EVENTS_META,
  );
  const named = {
    ...manifest,
    runs: manifest.runs.map((r: object, i: number) =>
      i ? r : { ...r, events: "runs/emu-tick.events.arrow" },
    ),
  };
  return zipSync({
    ...bundle.files,
    "manifest.json": utf8(JSON.stringify(named)),
    "runs/emu-tick.events.arrow": events,
  });
}

/** A 500-sample run named by `count` runs of one manifest: a few KB zipped, whatever `count` is. */
export function manyRunsOfOneFile(count: number): Uint8Array {
  const samples = syntheticSamples(500, 17);
  const files = {
    "manifest.json": utf8(
      JSON.stringify({
        format: "latency-bundle",
        version: 1,
        title: `${count} runs of one file`,
        runs: Array.from({ length: count }, (_, i) => ({
          id: `r${i}`,
          file: "runs/tiny.arrow",
          test: "tick",
        })),
      }),
    ),
    "runs/tiny.arrow": encodeRunFile(samples, { test: "tick" }),
  };
  return zipSync(files, { level: 9 });
}

/**
 * A bundle stored (not deflated), one bit flipped in the timestamp of its first run's row `row` (sent
 * about 19 hours ahead, so the run is rejected part-way through, while its bytes are still being read).
 */
export function flippedByteZip(source: TestBundle = bundle, row = 2_500): Uint8Array {
  const first = source.files["runs/emu-tick.arrow"];
  const ts = Buffer.alloc(8);
  ts.writeBigInt64LE(BigInt(tableFromIPC(first).getChild("ts_ns")!.get(row)));
  const at = Buffer.from(first).indexOf(ts);
  if (at < 0) throw new Error(`no row ${row} in the run`);
  const damaged = Uint8Array.from(first);
  damaged[at + 5] ^= 0x40;
  return craftZip([
    { name: "manifest.json", data: source.files["manifest.json"] },
    { name: "runs/emu-tick.arrow", data: damaged, crc32: crc32(first) >>> 0 },
    { name: "runs/enl-tick.arrow", data: source.files["runs/enl-tick.arrow"] },
  ]);
}

function form(parts: [string, Uint8Array][]) {
  const data = new FormData();
  for (const [path, bytes] of parts) data.append("file", new Blob([Buffer.from(bytes)]), path);
  return data;
}

export const MALFORMED_UPLOADS: MalformedUpload[] = [
  // The request itself
  {
    name: "missing token",
    status: 401,
    message: /requires an upload token/,
    send: (s) => post(s, bundle.zip, { "content-type": "application/zip" }),
  },
  {
    name: "wrong token",
    status: 403,
    message: /token is wrong/,
    send: (s) => post(s, bundle.zip, { "content-type": "application/zip", authorization: "Bearer nope" }),
  },
  {
    name: "wrong content type (text/plain)",
    status: 415,
    message: /Unsupported content type "text\/plain"/,
    send: (s) => post(s, bundle.zip, { "content-type": "text/plain", ...auth }),
  },
  {
    name: "wrong content type (application/json)",
    status: 415,
    message: /Unsupported content type "application\/json"/,
    send: (s) => post(s, bundle.files["manifest.json"], { "content-type": "application/json", ...auth }),
  },
  {
    name: "empty body",
    status: 400,
    message: /empty/,
    send: (s) => post(s, new Uint8Array(0), zipHeaders),
  },
  {
    name: "empty body as octet-stream",
    status: 400,
    message: /empty/,
    send: (s) => post(s, new Uint8Array(0), { "content-type": "application/octet-stream", ...auth }),
  },
  {
    name: "oversized, announced by Content-Length",
    status: 413,
    message: /larger than the server's limit of 8388608 bytes/,
    send: (s) =>
      rawRequest(
        `${s}/api/bundles`,
        { ...zipHeaders, "content-length": String(10 * 1024 * MIB) },
        bundle.zip,
      ),
  },
  {
    name: "oversized, streamed without a length",
    status: 413,
    message: /larger than the server's limit/,
    send: (s) => {
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 9 * MIB) return controller.close();
          sent += MIB;
          controller.enqueue(new Uint8Array(MIB).fill(1));
        },
      });
      return post(s, stream, { "content-type": "application/octet-stream", ...auth });
    },
  },
  // Not a bundle
  zipCase("random bytes", () => utf8("this is not a zip file, just text"), /a zip archive/),
  zipCase(
    "truncated zip",
    () => bundle.zip.subarray(0, bundle.zip.length - 30),
    /end-of-central-directory|cut short/,
  ),
  {
    name: "octet-stream that is neither zip nor Arrow",
    status: 400,
    message: /zip archive \(a bundle\) or an Arrow IPC file/,
    send: (s) => post(s, utf8("GIF89a......"), { "content-type": "application/octet-stream", ...auth }),
  },
  // The manifest
  // A run's kernel events (issue #11)
  zipCase(
    "events out of order",
    () =>
      withEvents([
        [2_000, 3_000, "irq"],
        [1_000, 1_500, "irq"],
      ]),
    /runs\/emu-tick\.events\.arrow, column or key "ts_ns", row 1: expected events sorted by start/,
  ),
  zipCase(
    "event ending before it starts",
    () => withEvents([[2_000, 1_000, "irq"]]),
    /runs\/emu-tick\.events\.arrow, column or key "end_ns", row 0/,
  ),
  zipCase(
    "event of an unknown kind",
    () => withEvents([[2_000, 3_000, "hypervisor"]]),
    /runs\/emu-tick\.events\.arrow, column or key "kind", row 0/,
  ),
  zipCase("no manifest.json", () => withFile(bundle, "manifest.json", null), /manifest\.json/),
  zipCase("manifest is not JSON", () => withManifest("{ format: latency-bundle"), /manifest\.json.*JSON/),
  zipCase(
    "manifest has the wrong format",
    () => withManifest({ ...manifest, format: "other" }),
    /manifest\.json.*format/,
  ),
  zipCase(
    "manifest version is a string",
    () => withManifest({ ...manifest, version: "1" }),
    /manifest\.json.*version/,
  ),
  zipCase(
    "manifest runs is not a list",
    () => withManifest({ ...manifest, runs: {} }),
    /manifest\.json.*runs/,
  ),
  zipCase(
    "manifest run without a file",
    () => withManifest({ ...manifest, runs: [{ id: "emu-tick" }] }),
    /manifest\.json.*file/,
  ),
  zipCase(
    "manifest names a run file the zip lacks",
    () => withManifest({ ...manifest, runs: [{ id: "x", file: "runs/missing.arrow" }] }),
    /runs\/missing\.arrow/,
  ),
  // The runs
  zipCase(
    "truncated Arrow run",
    () => withFile(bundle, "runs/emu-tick.arrow", run.subarray(0, run.length >> 1)),
    /runs\/emu-tick\.arrow/,
  ),
  zipCase(
    "run that is not Arrow",
    () => withFile(bundle, "runs/emu-tick.arrow", utf8("ts,duration\n1,2\n")),
    /runs\/emu-tick\.arrow/,
  ),
  zipCase(
    "run without duration_ns",
    () => withFile(bundle, "runs/emu-tick.arrow", encodeRunFile({ ts_ns: ts, other: duration })),
    /duration_ns/,
  ),
  zipCase(
    "run whose ts_ns is text",
    () =>
      withFile(
        bundle,
        "runs/emu-tick.arrow",
        tableToIPC(tableFromArrays({ ts_ns: ["0", "1"], duration_ns: Uint32Array.from([1, 2]) }), "file"),
      ),
    /ts_ns/,
  ),
  zipCase(
    "run whose timestamps go backwards",
    () =>
      withFile(
        bundle,
        "runs/emu-tick.arrow",
        encodeRunFile({ ts: BigInt64Array.from([0n, 500n, 400n]), duration: Uint32Array.from([1, 2, 3]) }),
      ),
    /row 2.*non-decreasing timestamps/,
  ),
  zipCase(
    "run with a negative duration",
    () =>
      withFile(
        bundle,
        "runs/emu-tick.arrow",
        encodeRunFile({ ts: BigInt64Array.from([0n, 5n]), duration: Int32Array.from([7, -3]) }),
      ),
    /non-negative duration/,
  ),
  zipCase(
    "manifest with two runs of one id",
    () =>
      withManifest({
        ...manifest,
        runs: [manifest.runs[0], { ...manifest.runs[1], id: manifest.runs[0].id }],
      }),
    /manifest\.json.*runs\.1\.id.*unique run id/,
  ),
  // Unsafe archives
  zipCase(
    "entry climbing out with ..",
    () => craftZip([{ name: "../../evil.sh", data: utf8("x") }]),
    /climbs out/,
  ),
  zipCase(
    "entry with an absolute path",
    () => craftZip([{ name: "/etc/cron.d/x", data: utf8("x") }]),
    /absolute path/,
  ),
  zipCase(
    "symbolic link entry",
    () => craftZip([{ name: "manifest.json", data: utf8("/etc/passwd"), mode: 0o120777 }]),
    /symbolic link/,
  ),
  zipCase(
    "zip bomb (expansion ratio)",
    () => craftZip([{ name: "zeros.bin", data: new Uint8Array(3 * MIB), method: 8 }]),
    /expansion ratio/,
  ),
  zipCase(
    "zip bomb (overlapping entries)",
    () =>
      craftZip(
        [
          { name: "a", data: new Uint8Array(2000).fill(7) },
          { name: "b", data: new Uint8Array(2000).fill(7) },
        ],
        { overlapSecond: true },
      ),
    /overlap/,
  ),
  zipCase(
    "entry whose header understates its size",
    () => craftZip([{ name: "manifest.json", data: new Uint8Array(5000).fill(32), method: 8, size: 100 }]),
    /more data than that/,
  ),
  zipCase(
    "entry whose CRC does not match",
    () => craftZip([{ name: "manifest.json", data: utf8("{}"), crc32: 12345 }]),
    /CRC-32/,
  ),
  zipCase(
    "too many entries",
    () => zipSync(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`f${i}.txt`, utf8("x")]))),
    /at most 64 entries/,
  ),
  zipCase(
    "entry larger than the entry limit",
    () => craftZip([{ name: "big.bin", data: new Uint8Array(4 * MIB + 1).fill(3) }]),
    /at most 4194304 bytes unpacked/,
  ),
  zipCase(
    "encrypted entry",
    () => craftZip([{ name: "manifest.json", data: utf8("{}"), flags: 0x0801 }]),
    /encrypted/,
  ),
  zipCase(
    "unsupported compression",
    () => craftZip([{ name: "manifest.json", data: utf8("{}"), method: 14 }]),
    /compression method 14/,
  ),
  zipCase(
    "the same path twice",
    () =>
      craftZip([
        { name: "manifest.json", data: utf8("{}") },
        { name: "manifest.json", data: utf8("{}") },
      ]),
    /twice/,
  ),
  zipCase(
    "run entry with one flipped byte (CRC-32 mismatch)",
    () => flippedByteZip(),
    /runs\/emu-tick\.arrow.*CRC-32|CRC-32.*damaged/,
  ),
  zipCase(
    "more runs than TICKSCOPE_MAX_RUNS",
    () => manyRunsOfOneFile(251),
    /at most 250 runs.*TICKSCOPE_MAX_RUNS/,
    413,
  ),
  // One-run uploads
  {
    name: "single run with a file name that is not .arrow",
    status: 400,
    message: /must end in \.arrow/,
    send: (s) => post(s, run, { ...arrowHeaders, "x-tickscope-filename": "evil.exe" }),
  },
  {
    name: "single run sent as octet-stream with a file name that is not .arrow",
    status: 400,
    message: /must end in \.arrow/,
    send: (s) =>
      post(s, run, {
        "content-type": "application/octet-stream",
        "x-tickscope-filename": "evil.exe",
        ...auth,
      }),
  },
  {
    name: "single truncated Arrow run",
    status: 400,
    message: /run\.arrow|\.arrow/,
    send: (s) => post(s, run.subarray(0, 700), arrowHeaders),
  },
  // Multipart uploads
  {
    name: "multipart without a boundary",
    status: 400,
    message: /boundary/,
    send: (s) => post(s, bundle.zip, { "content-type": "multipart/form-data", ...auth }),
  },
  {
    name: "multipart file name with ..",
    status: 400,
    message: /climbs out/,
    send: (s) => post(s, form([["../../manifest.json", bundle.files["manifest.json"]]]), auth),
  },
  {
    name: "multipart body cut short",
    status: 400,
    message: /closing boundary|interrupted/,
    send: async (s) => {
      const request = new Request("http://x/", {
        method: "POST",
        body: form([["manifest.json", bundle.files["manifest.json"]]]),
      });
      const bytes = new Uint8Array(await request.arrayBuffer());
      return post(s, bytes.subarray(0, bytes.length - 40), {
        "content-type": request.headers.get("content-type")!,
        ...auth,
      });
    },
  },
  {
    name: "multipart paths clashing as file and folder",
    status: 400,
    message: /"runs\/emu\.arrow".*"runs"|"runs".*"runs\/emu\.arrow"/,
    send: (s) =>
      post(
        s,
        form([
          ["runs/emu.arrow", run],
          ["runs", utf8("a file where a folder is")],
        ]),
        auth,
      ),
  },
  {
    name: "multipart paths clashing as folder and file",
    status: 400,
    message: /"runs\/emu\.arrow".*"runs"|"runs".*"runs\/emu\.arrow"/,
    send: (s) =>
      post(
        s,
        form([
          ["runs", utf8("a file where a folder is")],
          ["runs/emu.arrow", run],
        ]),
        auth,
      ),
  },
  {
    name: "multipart folder without its runs",
    status: 400,
    message: /runs\/emu-tick\.arrow/,
    send: (s) => post(s, form([["manifest.json", bundle.files["manifest.json"]]]), auth),
  },
  // Paths the router cannot decode
  {
    name: "bundle id with bad percent-encoding (%ff)",
    status: 400,
    message: /percent-encoding/,
    send: (s) => rawRequest(`${s}/api/bundles/%ff`, {}, new Uint8Array(0), "GET"),
  },
  {
    name: "file path with bad percent-encoding (a%ZZ)",
    status: 400,
    message: /percent-encoding/,
    send: (s) =>
      rawRequest(`${s}/api/bundles/AAAAAAAAAAAAAAAAAAAAAA/files/a%ZZ`, {}, new Uint8Array(0), "GET"),
  },
];
