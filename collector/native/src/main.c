/* tickscope-sampler: the guest-side native sampler. Runs without Node.js; writes Arrow IPC run files. */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "fingerprint.h"
#include "util.h"
#include "version.h"

static const char *USAGE =
    "usage: tickscope-sampler <command> [options]\n"
    "\n"
    "  tick    [--cpu C] [--priority P] [--loop-us 68 | --iterations N] [--samples N | --duration T]\n"
    "          [--environment E] [--scenario S] [--label L] [--progress] [--allow-unprivileged]\n"
    "          [--hold | --chunk-rows N (1024-524288)] -o FILE.arrow\n"
    "          one SCHED_FIFO thread times a busy loop again and again (the clock tick test)\n"
    "  switch  --threads N (2-10000) [same options as tick, without --loop-us/--iterations] -o FILE.arrow\n"
    "          N SCHED_FIFO threads on one CPU yield in turn; each sample is one switch\n"
    "  load cpu|memory [--cpus LIST] [--duration T] [--size 9MiB]\n"
    "          a tight loop, or memcpy of a buffer larger than the caches, on each chosen CPU\n"
    "  fingerprint\n"
    "          the environment as JSON: kernel, timer, CPU, hypervisor, enlightened or not\n"
    "  version\n"
    "\n"
    "Durations: 500ms, 3s, 10m, 1h. Defaults: the last CPU, the highest FIFO priority, --loop-us 68,\n"
    "--duration 10s. SIGINT or SIGTERM ends a run early; the samples taken so far are written.\n"
    "Progress (--progress) and the result are JSON lines on stdout; errors go to stderr.\n"
    "--progress-alternate reports in even seconds only (to measure what the monitor costs).\n"
    "Samples are streamed to the file as the run goes, from a fixed ring of 2^21 samples (--chunk-rows a\n"
    "batch, at least every second); --hold keeps them all in memory and writes them after the run.\n";

int main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    fputs(USAGE, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "tick")) return tick_main(argc - 1, argv + 1);
  if (!strcmp(cmd, "switch")) return switch_main(argc - 1, argv + 1);
  if (!strcmp(cmd, "load")) return load_main(argc - 1, argv + 1);
  if (!strcmp(cmd, "write-bench")) return run_write_bench(argc - 1, argv + 1);
  if (!strcmp(cmd, "version")) {
    puts("tickscope-sampler " TICKSCOPE_VERSION);
    return 0;
  }
  if (!strcmp(cmd, "fingerprint")) {
    counter_info c;
    counter_detect(&c);
    buf_t b = {0};
    fingerprint_json(&b, &c, 0);
    puts(buf_str(&b));
    buf_free(&b);
    return 0;
  }
  fail_usage("unknown command \"%s\"\n%s", cmd, USAGE);
}
