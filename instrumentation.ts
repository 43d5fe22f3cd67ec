/**
 * Runs once when the server starts: prepares the bundle store (checks the bucket of an S3 store) and
 * deletes what a crash left, and lets stored files go out with their Content-Length. A bad setting
 * stops the server with a message naming it.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { serverStore, serverLimits } = await import("./lib/store/server-config");
  (await import("./lib/store/content-length")).sendStoredLengths();
  try {
    serverLimits();
    await serverStore().init();
  } catch (error) {
    // A store that cannot be used is a setting to fix, said once, not a server that fails every request.
    console.error(`[tickscope] cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
