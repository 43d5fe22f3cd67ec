/* What the tick and switch tests share: options, privileges, the monitor, and writing the run file. */
#ifndef TICKSCOPE_RUN_H
#define TICKSCOPE_RUN_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "counter.h"
#include "samples.h"

#define MAX_SWITCH_THREADS 10000

typedef struct {
  const char *test; /* "tick" or "switch" */
  int cpu, priority, threads;
  double loop_us;       /* tick: calibrate to this long (default 68, as in the study) */
  int64_t iterations;   /* tick: fixed iteration count, -1 to calibrate */
  uint64_t samples;     /* 0: by duration */
  uint64_t duration_ns; /* 0: by samples */
  const char *environment, *scenario, *label, *output;
  bool allow_unprivileged, progress;
  bool progress_alternate; /* progress in even seconds only: to measure what it costs within one run */
  uint64_t progress_ns;
  bool stream;         /* the default: write record batches while the run goes on (writer.c); --hold: after it */
  uint32_t chunk_rows; /* streamed: samples per record batch (STREAM_DEFAULT_CHUNK_ROWS unless given) */
} run_options;

/* Everything the run learns, for its metadata. */
typedef struct {
  counter_info counter;
  double hz_estimate; /* before the run, for calibration and progress */
  counter_pair start, end;
  char started_at[40];
  bool fifo, locked;
  bool lock_onfault;             /* mlockall(MCL_ONFAULT): reserved sample memory is not populated at once */
  volatile uint64_t loop_faults; /* page faults the measured threads took while measuring (should be 0) */
  char privilege_note[512];
  int policy_priority;
  int monitor_cpu;
  int monitor_nice; /* the monitor's (a streamed run's writer's) nice value */
  uint64_t loop_iterations;
  double loop_ns_min;  /* tick: the uninterrupted loop, calibrated */
  volatile int stop;   /* set by a signal, the monitor (duration), the writer or the sampler (count reached) */
  volatile int done;   /* the sampler has finished */
  const char *stopped; /* why the run ended: the first reason given (run_stop_because), never changed after */
  volatile int signal_seen;
  /* ts_ns 0 of the run (its first sample): the counter's value and CLOCK_MONOTONIC's, to align other
   * clocks (the kernel's trace events) with the samples. */
  uint64_t origin_counter, origin_mono_ns;
} run_state;

extern run_state RUN;

void run_parse_options(run_options *o, const char *test, int argc, char **argv);
/* Checks SCHED_FIFO and mlock, and creates the temporary output: everything that can fail before a run. */
void run_prepare(run_options *o);
/* Pins and sets the policy of a new thread's attributes (SCHED_FIFO when allowed). */
void run_thread_attr(pthread_attr_t *attr, int cpu, size_t stack);
/* pthread_create with every signal blocked in the new thread. */
int run_thread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
/* Stops the run for `why` (RUN.stopped) unless it has a reason already; true when this one is its reason. Any
 * thread but a measured one. */
bool run_stop_because(const char *why);
/* Watches the run from another CPU until it stops: duration, signals, progress lines. */
void run_monitor(const run_options *o, samples_t *s);
/* Converts the samples and writes the Arrow file, renames it into place, prints the result line. */
void run_write(const run_options *o, samples_t *s);
/* Reserves the sample memory: a streamed run's ring (samples.h), and starts its writer thread (which waits for
 * run_monitor; the measured threads must be the last ones started); held, all of it, pre-faulted, for a run by
 * count; for a run by duration, room for the most that memory allows, with `initial_rate` samples a second pre-faulted for the first half second
 * (the monitor faults in more ahead of the sampler). */
void run_reserve_samples(const run_options *o, samples_t *s, double initial_rate, bool with_thread);
/* Why a sampler that reached its limit stopped: its sample count, a held run's capacity, a ring's writer
 * behind. */
const char *run_stopped_at_limit(const run_options *o, const samples_t *s);
/* Minor and major page faults of the calling thread so far. */
uint64_t run_thread_faults(void);
/* The sampler's pre-run frequency estimate, measured over ~20 ms. */
double run_estimate_hz(void);
#endif
