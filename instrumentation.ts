/**
 * Runs once when the server starts: prepares the bundle store and deletes what a crash left in its
 * tmp/, and lets stored files go out with their Content-Length.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { serverStore, serverLimits } = await import("./lib/store/server-config");
  (await import("./lib/store/content-length")).sendStoredLengths();
  serverLimits();
  await serverStore().init();
}
