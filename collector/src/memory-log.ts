/**
 * TICKSCOPE_MEMORY_LOG=1: this process's memory (process.memoryUsage(), MiB) on stderr every 250 ms,
 * to see where a command's memory goes (V8 heap, external and array buffers, resident set).
 */
export function startMemoryLog(label: string): () => void {
  if (!process.env.TICKSCOPE_MEMORY_LOG) return () => {};
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const started = performance.now();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    console.error(
      `memory ${label} +${((performance.now() - started) / 1000).toFixed(2)} s: rss ${mib(m.rss)} heapUsed ${mib(m.heapUsed)} heapTotal ${mib(m.heapTotal)} external ${mib(m.external)} arrayBuffers ${mib(m.arrayBuffers)}`,
    );
  }, 250);
  timer.unref();
  return () => clearInterval(timer);
}
