/**
 * TICKSCOPE_MEMORY_LOG=1: this process's memory (process.memoryUsage(), MiB) on stderr every 250 ms,
 * to see where a command's memory goes (V8 heap, external and array buffers, resident set), and at each
 * step a command marks (memoryMark).
 */
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
let started = performance.now();

function logMemory(label: string): void {
  const m = process.memoryUsage();
  console.error(
    `memory ${label} +${((performance.now() - started) / 1000).toFixed(2)} s: rss ${mib(m.rss)} heapUsed ${mib(m.heapUsed)} heapTotal ${mib(m.heapTotal)} external ${mib(m.external)} arrayBuffers ${mib(m.arrayBuffers)}`,
  );
}

export function startMemoryLog(label: string): () => void {
  if (!process.env.TICKSCOPE_MEMORY_LOG) return () => {};
  started = performance.now();
  const timer = setInterval(() => logMemory(label), 250);
  timer.unref();
  return () => clearInterval(timer);
}

/** With TICKSCOPE_MEMORY_LOG set: the memory at a named step (after the sampler, after the summary…). */
export function memoryMark(step: string): void {
  if (process.env.TICKSCOPE_MEMORY_LOG) logMemory(`at ${step}`);
}
