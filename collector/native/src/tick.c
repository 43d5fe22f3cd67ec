/* The tick test: one SCHED_FIFO thread on one CPU times a fixed busy loop, again and again. Every
 * interruption (the kernel's tick, the hypervisor taking the CPU away) lengthens one sample. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "run.h"
#include "util.h"

typedef struct {
  samples_t *s;
  uint64_t iterations;
  double loop_us; /* calibrate when iterations is 0 and this is > 0 */
} tick_job;

static inline void busy(uint64_t iterations) {
  for (uint64_t k = iterations; k; k--) __asm__ volatile("" : "+r"(k));
}

/* The loop, specialised per counter so the reads inline. No system call, allocation or I/O inside. It
 * stops at the limit (a held run's capacity, a ring's slots not yet emptied by the writer, the sample
 * count), which it reads again only on reaching it: one load and one compare per sample more. */
#define TICK_LOOP(BEGIN, END)                                                               \
  do {                                                                                      \
    uint64_t *ts = s->ts, mask = s->mask, it = iterations, i;                               \
    uint64_t limit = __atomic_load_n(&s->limit, __ATOMIC_ACQUIRE);                          \
    uint32_t *dur = s->dur;                                                                 \
    for (i = 0;; i++) {                                                                     \
      if (__atomic_load_n(&RUN.stop, __ATOMIC_RELAXED)) break;                              \
      if (i >= limit && i >= (limit = __atomic_load_n(&s->limit, __ATOMIC_ACQUIRE))) break; \
      uint64_t t0 = BEGIN;                                                                  \
      busy(it);                                                                             \
      uint64_t t1 = END;                                                                    \
      ts[i & mask] = t0;                                                                    \
      samples_store(dur, i &mask, t1 - t0);                                                 \
    }                                                                                       \
    s->count = i;                                                                           \
  } while (0)

static void tick_loop(samples_t *s, uint64_t iterations) {
  switch (RUN.counter.kind) {
#ifdef COUNTER_HAS_TSC
    case COUNTER_TSC:
      TICK_LOOP(tsc_begin(), tsc_end());
      break;
    case COUNTER_TSC_NO_RDTSCP:
      TICK_LOOP(tsc_begin(), tsc_end_no_rdtscp());
      break;
#endif
#ifdef COUNTER_HAS_CNTVCT
    case COUNTER_CNTVCT:
      TICK_LOOP(cntvct_read(), cntvct_read());
      break;
#endif
    default:
      TICK_LOOP(counter_mono_raw(), counter_mono_raw());
  }
}

static void prefault_stack(void) {
  volatile char page[64 * 1024];
  memset((char *)page, 0, sizeof page);
}

/* The shortest of `reps` loops of `iterations`: the loop when nothing interrupts it. */
static uint64_t min_loop_ticks(uint64_t iterations, int reps) {
  samples_t s = {0};
  uint64_t ts[1];
  uint32_t dur[1];
  s.ts = ts;
  s.dur = dur;
  s.capacity = 1;
  s.mask = UINT64_MAX;
  s.limit = 1;
  uint64_t best = UINT64_MAX;
  for (int r = 0; r < reps; r++) {
    dur[0] = 0;
    tick_loop(&s, iterations);
    if (dur[0] < best) best = dur[0];
  }
  return best;
}

/* Busy for `ns`: a CPU coming out of idle runs slower until its clock settles, which would skew calibration. */
static void spin_ns(double ns, double ticks_per_ns) {
  uint64_t end = counter_read(&RUN.counter) + (uint64_t)(ns * ticks_per_ns);
  while (counter_read(&RUN.counter) < end) __asm__ volatile("" ::: "memory");
}

/* Iterations whose shortest loop takes `target` ticks, from a few rounds of measuring. */
static uint64_t calibrate_iterations(double target, uint64_t n) {
  uint64_t base = min_loop_ticks(0, 200);
  for (int round = 0; round < 4; round++) {
    uint64_t t = min_loop_ticks(n, round < 3 ? 20 : 400);
    double per_iteration = (double)(t > base ? t - base : 1) / (double)n;
    uint64_t next = (uint64_t)((target - (double)base) / per_iteration + 0.5);
    n = next ? next : 1;
  }
  return n;
}

static void *calibrate_thread(void *arg) {
  tick_job *job = arg;
  prefault_stack();
  double ticks_per_ns = RUN.hz_estimate / 1e9;
  if (job->iterations == 0 && job->loop_us > 0) {
    double target = job->loop_us * 1000 * ticks_per_ns;
    uint64_t n = 10000;
    /* Warm up, calibrate, then check on a longer measure; again while the check disagrees by over 3%
     * (the clock was still settling, or a sibling thread of the core got busy meanwhile). */
    spin_ns(200e6, ticks_per_ns);
    for (int attempt = 0; attempt < 5; attempt++) {
      n = calibrate_iterations(target, n);
      double check = (double)min_loop_ticks(n, 1000);
      if (check > 0.97 * target && check < 1.03 * target) break;
    }
    job->iterations = n;
  }
  RUN.loop_ns_min = (double)min_loop_ticks(job->iterations, 1000) / ticks_per_ns;
  return NULL;
}

static void *sampler_thread(void *arg) {
  tick_job *job = arg;
  prefault_stack();
  uint64_t faults = run_thread_faults();
  tick_loop(job->s, job->iterations);
  __atomic_add_fetch(&RUN.loop_faults, run_thread_faults() - faults, __ATOMIC_RELAXED);
  __atomic_store_n(&RUN.done, 1, __ATOMIC_RELEASE);
  return NULL;
}

static void start(pthread_t *t, void *(*fn)(void *), void *arg, int cpu) {
  pthread_attr_t attr;
  run_thread_attr(&attr, cpu, 256 * 1024);
  int err = run_thread_create(t, &attr, fn, arg);
  pthread_attr_destroy(&attr);
  if (err) fail("cannot start the sampler thread on CPU %d: %s", cpu, strerror(err));
}

int tick_main(int argc, char **argv) {
  run_options o;
  run_parse_options(&o, "tick", argc, argv);
  run_prepare(&o);

  tick_job job = {.iterations = o.iterations > 0 ? (uint64_t)o.iterations : 0,
                  .loop_us = o.iterations == 0 ? 0 : o.loop_us};
  pthread_t t;
  start(&t, calibrate_thread, &job, o.cpu);
  pthread_join(t, NULL);
  RUN.loop_iterations = job.iterations;

  /* Samples come no faster than one per uninterrupted loop; half that, in case the CPU runs faster later. */
  samples_t s;
  run_reserve_samples(&o, &s, 2e9 / (RUN.loop_ns_min > 10 ? RUN.loop_ns_min : 10), false);
  job.s = &s;

  iso8601_now(RUN.started_at, sizeof RUN.started_at);
  RUN.start = counter_pair_read(&RUN.counter);
  start(&t, sampler_thread, &job, o.cpu);
  run_monitor(&o, &s);
  pthread_join(t, NULL);
  RUN.end = counter_pair_read(&RUN.counter);
  run_stop_because(run_stopped_at_limit(&o, &s));
  run_write(&o, &s);
  return 0;
}
