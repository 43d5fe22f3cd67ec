/** Runs once when the server starts: prepares the bundle store and deletes what a crash left in its tmp/. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { serverStore, serverLimits } = await import("./lib/store/server-config");
  serverLimits();
  await serverStore().init();
}
