import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/** s3rver's fixed account (it checks the access key id; it does not verify v4 signatures). */
export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
export const CORS_BUCKET = "tickscope-cors";
export const PLAIN_BUCKET = "tickscope-plain";

export interface S3TestServer {
  endpoint: string;
  port: number;
  /** The app server's settings for an S3 store in `bucket` under `prefix`. */
  env(bucket?: string, prefix?: string): Record<string, string>;
  /** SIGKILL: an outage. */
  kill(): Promise<void>;
  /** Starts again on the same port over the same objects. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function launch(directory: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, "s3rver-main.mjs"), directory, String(port)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const listening = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}):\n${stderr}`)));
  });
  child.once("exit", (code, signal) => {
    if (signal !== "SIGKILL" && signal !== "SIGTERM")
      console.error(`s3rver exited unasked (${code ?? signal}):\n${stderr}`);
  });
  return { child, port: listening };
}

/** Starts s3rver in its own process, its objects under `directory`. */
export async function startS3Server(directory: string): Promise<S3TestServer> {
  const first = await launch(directory, 0);
  const port = first.port;
  let child = first.child;
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    env: (bucket = CORS_BUCKET, prefix = "bundles") => ({
      TICKSCOPE_STORE: `s3://${bucket}/${prefix}`,
      TICKSCOPE_S3_ENDPOINT: endpoint,
      TICKSCOPE_S3_REGION: "us-east-1",
      TICKSCOPE_S3_FORCE_PATH_STYLE: "1",
      ...S3_CREDENTIALS,
    }),
    kill: () => end("SIGKILL"),
    restart: async () => {
      await end("SIGKILL");
      ({ child } = await launch(directory, port));
    },
    stop: () => end("SIGTERM"),
  };
}
