/* The switch test: N SCHED_FIFO threads of one priority on one CPU yield to each other in turn. Each
 * sample is the time from one thread's sched_yield to the next thread running, and which one it was. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "run.h"
#include "util.h"

/* One CPU runs all the threads, one at a time: plain shared variables suffice, and the compiler reloads
 * them after every sched_yield (a call it cannot see into). */
static struct {
  uint64_t last_yield; /* counter value just before the last sched_yield */
  uint64_t next;       /* next sample index */
  uint64_t limit;      /* the samples' limit as last read (samples.h) */
  uint64_t t0;         /* samples start from the first yield after this */
  int go;
  int ready;
} SW __attribute__((aligned(64)));

static samples_t *S;

static inline uint64_t read_begin(void) {
#ifdef COUNTER_HAS_TSC
  if (RUN.counter.kind == COUNTER_TSC || RUN.counter.kind == COUNTER_TSC_NO_RDTSCP) return tsc_begin();
#endif
  return counter_read(&RUN.counter);
}

static void *switch_thread(void *arg) {
  int32_t me = (int32_t)(intptr_t)arg;
  volatile char page[8192];
  memset((char *)page, 0, sizeof page);
  uint64_t faults = run_thread_faults();
  __atomic_add_fetch(&SW.ready, 1, __ATOMIC_RELEASE);
  uint64_t *ts = S->ts, mask = S->mask;
  uint32_t *dur = S->dur;
  int32_t *thread = S->thread;
  for (;;) {
    __atomic_store_n(&SW.last_yield, read_begin(), __ATOMIC_RELAXED);
    sched_yield();
    uint64_t now = counter_read(&RUN.counter);
    if (__atomic_load_n(&RUN.stop, __ATOMIC_RELAXED)) break;
    if (!__atomic_load_n(&SW.go, __ATOMIC_ACQUIRE)) continue;
    uint64_t last = __atomic_load_n(&SW.last_yield, __ATOMIC_RELAXED);
    if (last < SW.t0) continue;
    uint64_t i = SW.next;
    if (i >= SW.limit && i >= (SW.limit = __atomic_load_n(&S->limit, __ATOMIC_ACQUIRE))) {
      RUN.stop = 1;
      break;
    }
    SW.next = i + 1;
    ts[i & mask] = last;
    thread[i & mask] = me;
    samples_store(dur, i & mask, now - last);
  }
  __atomic_add_fetch(&RUN.loop_faults, run_thread_faults() - faults, __ATOMIC_RELAXED);
  return NULL;
}

int switch_main(int argc, char **argv) {
  run_options o;
  run_parse_options(&o, "switch", argc, argv);
  run_prepare(&o);

  /* A switch takes a system call and a context switch: well over 400 ns. */
  samples_t s;
  run_reserve_samples(&o, &s, 2.5e6, true);
  S = &s;
  SW.limit = s.limit;

  pthread_t *threads = calloc((size_t)o.threads, sizeof *threads);
  if (!threads) fail("out of memory");
  int started = 0;
  for (; started < o.threads; started++) {
    pthread_attr_t attr;
    run_thread_attr(&attr, o.cpu, 64 * 1024);
    int err = run_thread_create(&threads[started], &attr, switch_thread, (void *)(intptr_t)started);
    pthread_attr_destroy(&attr);
    if (err) {
      RUN.stop = 1;
      for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
      fail("cannot start switch thread %d of %d: %s (see ulimit -u and kernel.threads-max)", started + 1, o.threads,
           strerror(err));
    }
  }
  while (__atomic_load_n(&SW.ready, __ATOMIC_ACQUIRE) < o.threads && !RUN.stop) sched_yield();

  iso8601_now(RUN.started_at, sizeof RUN.started_at);
  RUN.start = counter_pair_read(&RUN.counter);
  SW.t0 = RUN.start.counter;
  __atomic_store_n(&SW.go, 1, __ATOMIC_RELEASE);

  /* The threads stop themselves at the sample count; the monitor stops them at the duration or a signal. */
  run_monitor(&o, &s);
  for (int i = 0; i < o.threads; i++) pthread_join(threads[i], NULL);
  RUN.end = counter_pair_read(&RUN.counter);
  s.count = SW.next;
  run_stop_because(run_stopped_at_limit(&o, &s));
  free(threads);
  run_write(&o, &s);
  return 0;
}
