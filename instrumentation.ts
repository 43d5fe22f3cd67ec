/**
 * Runs once when the server starts: prepares the bundle store (checks the bucket of an S3 store) and
 * deletes what a crash left, and lets stored files go out with their Content-Length. A bad setting
 * stops the server with a message naming it.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  await (await import("./lib/store/server-config")).startServerStore();
}
