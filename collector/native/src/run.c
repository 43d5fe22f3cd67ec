#include "run.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "arrow_ipc.h"
#include "commands.h"
#include "fingerprint.h"
#include "version.h"
#include "writer.h"
#include "writer_thread.h"

/* A streamed run's monitor and writer run at this nice value when allowed (run_prepare). */
#define MONITOR_NICE -10
/* A writer inside one write or sync this long when the run stops: the disk holds it (run_write_streamed). */
#define WRITER_HELD_NS 250000000ull
/* Shorter than this, a run says nothing of the counter's rate that the 20 ms measure before it did not. */
#define RUN_HZ_LEAST_NS 5000000ull

run_state RUN;

static char temp_path[PATH_MAX];
static int temp_fd = -1;

static void remove_temp(void) {
  if (temp_fd >= 0) close(temp_fd);
  temp_fd = -1;
  if (*temp_path) unlink(temp_path);
  *temp_path = 0;
}

static int cpu_count_configured(void) { return (int)sysconf(_SC_NPROCESSORS_CONF); }

static bool cpu_online(int cpu) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set)) return cpu < cpu_count_configured();
  return cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set);
}

void run_parse_options(run_options *o, const char *test, int argc, char **argv) {
  memset(o, 0, sizeof *o);
  o->test = test;
  o->cpu = -1;
  o->priority = -1;
  o->threads = strcmp(test, "switch") ? 1 : 2;
  o->loop_us = 68;
  o->iterations = -1;
  o->progress_ns = 250000000;
  bool loop_set = false, hold = false;
  enum {
    OPT_CPU = 256,
    OPT_PRIORITY,
    OPT_THREADS,
    OPT_SAMPLES,
    OPT_DURATION,
    OPT_LOOP_US,
    OPT_ITERATIONS,
    OPT_ENVIRONMENT,
    OPT_SCENARIO,
    OPT_LABEL,
    OPT_ALLOW_UNPRIVILEGED,
    OPT_PROGRESS,
    OPT_PROGRESS_ALTERNATE,
    OPT_NO_PROGRESS,
    OPT_PROGRESS_MS,
    OPT_STREAM,
    OPT_HOLD,
    OPT_CHUNK_ROWS,
  };
  static const struct option options[] = {
      {"cpu", required_argument, NULL, OPT_CPU},
      {"priority", required_argument, NULL, OPT_PRIORITY},
      {"threads", required_argument, NULL, OPT_THREADS},
      {"samples", required_argument, NULL, OPT_SAMPLES},
      {"duration", required_argument, NULL, OPT_DURATION},
      {"loop-us", required_argument, NULL, OPT_LOOP_US},
      {"iterations", required_argument, NULL, OPT_ITERATIONS},
      {"environment", required_argument, NULL, OPT_ENVIRONMENT},
      {"scenario", required_argument, NULL, OPT_SCENARIO},
      {"label", required_argument, NULL, OPT_LABEL},
      {"output", required_argument, NULL, 'o'},
      {"allow-unprivileged", no_argument, NULL, OPT_ALLOW_UNPRIVILEGED},
      {"progress", no_argument, NULL, OPT_PROGRESS},
      {"progress-alternate", no_argument, NULL, OPT_PROGRESS_ALTERNATE},
      {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
      {"progress-ms", required_argument, NULL, OPT_PROGRESS_MS},
      {"stream", no_argument, NULL, OPT_STREAM},
      {"hold", no_argument, NULL, OPT_HOLD},
      {"chunk-rows", required_argument, NULL, OPT_CHUNK_ROWS},
      {0},
  };
  opterr = 0;
  optind = 1;
  for (int opt; (opt = getopt_long(argc, argv, "+:o:", options, NULL)) != -1;) {
    uint64_t v;
    switch (opt) {
      case OPT_CPU:
        if (!parse_u64(optarg, &v) || v > INT_MAX) fail_usage("--cpu: expected a CPU number, found \"%s\"", optarg);
        o->cpu = (int)v;
        break;
      case OPT_PRIORITY:
        if (!parse_u64(optarg, &v) || v < 1 || v > 99)
          fail_usage("--priority: expected a SCHED_FIFO priority from 1 to 99, found \"%s\"", optarg);
        o->priority = (int)v;
        break;
      case OPT_THREADS:
        if (!parse_u64(optarg, &v) || v < 2 || v > MAX_SWITCH_THREADS)
          fail_usage("--threads: expected 2 to %d threads, found \"%s\"", MAX_SWITCH_THREADS, optarg);
        o->threads = (int)v;
        break;
      case OPT_SAMPLES:
        if (!parse_u64(optarg, &v) || v == 0)
          fail_usage("--samples: expected a positive number of samples, found \"%s\"", optarg);
        o->samples = v;
        break;
      case OPT_DURATION:
        if (!parse_duration_ns(optarg, &v) || v == 0)
          fail_usage("--duration: expected a positive duration such as 3s, 500ms, 10m or 1h, found \"%s\"", optarg);
        o->duration_ns = v;
        break;
      case OPT_LOOP_US: {
        char *end;
        double us = strtod(optarg, &end);
        if (*end || !(us >= 0) || us > 1e6)
          fail_usage("--loop-us: expected microseconds (0 to 1000000), found \"%s\"", optarg);
        o->loop_us = us;
        loop_set = true;
        break;
      }
      case OPT_ITERATIONS:
        if (!parse_u64(optarg, &v) || v > (1ull << 40))
          fail_usage("--iterations: expected a loop iteration count, found \"%s\"", optarg);
        o->iterations = (int64_t)v;
        break;
      case OPT_ENVIRONMENT:
        o->environment = optarg;
        break;
      case OPT_SCENARIO:
        o->scenario = optarg;
        break;
      case OPT_LABEL:
        o->label = optarg;
        break;
      case 'o':
        o->output = optarg;
        break;
      case OPT_ALLOW_UNPRIVILEGED:
        o->allow_unprivileged = true;
        break;
      case OPT_PROGRESS:
        o->progress = true;
        break;
      case OPT_PROGRESS_ALTERNATE:
        o->progress = o->progress_alternate = true;
        break;
      case OPT_NO_PROGRESS:
        o->progress = false;
        break;
      case OPT_PROGRESS_MS:
        if (!parse_u64(optarg, &v) || v < 10 || v > 60000)
          fail_usage("--progress-ms: expected 10 to 60000, found \"%s\"", optarg);
        o->progress_ns = v * 1000000;
        break;
      case OPT_STREAM:
        o->stream = true;
        hold = false;
        break;
      case OPT_HOLD:
        hold = true;
        break;
      case OPT_CHUNK_ROWS:
        if (!parse_u64(optarg, &v) || v < 1024 || v > STREAM_MAX_CHUNK_ROWS)
          fail_usage("--chunk-rows: expected 1024 to %u samples, found \"%s\"", STREAM_MAX_CHUNK_ROWS, optarg);
        o->chunk_rows = (uint32_t)v;
        break;
      case ':':
        fail_usage("%s needs a value", argv[optind - 1]);
      default:
        fail_usage("%s: unknown option \"%s\" (see tickscope-sampler --help)", test, argv[optind - 1]);
    }
  }
  if (optind < argc) fail_usage("%s: unknown option \"%s\" (see tickscope-sampler --help)", test, argv[optind]);
  if (strcmp(test, "switch") && o->threads != 1) fail_usage("--threads applies to the switch test only");
  if (loop_set && o->iterations >= 0) fail_usage("give --loop-us or --iterations, not both");
  if (o->samples && o->duration_ns) fail_usage("give --samples or --duration, not both");
  o->stream = !hold;
  if (o->chunk_rows && hold) fail_usage("--chunk-rows applies to a streamed run, not with --hold");
  if (!o->samples && !o->duration_ns) o->duration_ns = 10ull * 1000000000ull;
  if (!o->output) fail_usage("%s: -o FILE.arrow is required", test);
  int cpus = cpu_count_configured();
  /* A parent that keeps itself off the measured CPU (the CLI does) passes its mask on: widen it again,
   * within whatever cpuset the kernel allows. */
  cpu_set_t all;
  CPU_ZERO(&all);
  for (int c = 0; c < cpus && c < CPU_SETSIZE; c++) CPU_SET(c, &all);
  sched_setaffinity(0, sizeof all, &all);
  if (o->cpu < 0) o->cpu = cpus > 1 ? cpus - 1 : 0;
  if (!cpu_online(o->cpu))
    fail_usage("--cpu %d: no such CPU available to this process (this machine has CPUs 0-%d)", o->cpu, cpus - 1);
  if (hold && o->samples > samples_max_capacity(o->threads > 1))
    fail_usage("--samples %llu: needs %.1f GiB of memory, more than is available; ask for fewer",
               (unsigned long long)o->samples, o->samples * samples_bytes_each(o->threads > 1) / 1073741824.0);
}

bool run_stop_because(const char *why) {
  const char *none = NULL;
  bool first = __atomic_compare_exchange_n(&RUN.stopped, &none, why, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
  __atomic_store_n(&RUN.stop, 1, __ATOMIC_RELEASE);
  return first;
}

static void on_signal(int sig) {
  RUN.signal_seen = sig;
  RUN.stop = 1;
}

static void open_temp_output(const char *output) {
  char copy[PATH_MAX], copy2[PATH_MAX];
  if (strlen(output) >= sizeof copy - 64) fail_usage("-o %s: path too long", output);
  snprintf(copy, sizeof copy, "%s", output);
  snprintf(copy2, sizeof copy2, "%s", output);
  const char *dir = dirname(copy), *base = basename(copy2);
  snprintf(temp_path, sizeof temp_path, "%s/.%s.partial-%d", dir, base, (int)getpid());
  temp_fd = open(temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (temp_fd < 0) {
    int err = errno;
    *temp_path = 0;
    fail_usage("-o %s: cannot write in %s: %s", output, dir, strerror(err));
  }
  at_fail = remove_temp;
}

void run_prepare(run_options *o) {
  counter_detect(&RUN.counter);
  RUN.monitor_cpu = -1;
  int max = sched_get_priority_max(SCHED_FIFO);
  if (o->priority < 0) o->priority = max;
  RUN.policy_priority = o->priority;
  buf_t note = {0};

  struct sched_param sp = {.sched_priority = o->priority};
  if (sched_setscheduler(0, SCHED_FIFO, &sp) == 0) {
    RUN.fifo = true;
    struct sched_param other = {.sched_priority = 0};
    sched_setscheduler(0, SCHED_OTHER, &other);
  } else {
    int err = errno;
    struct rlimit rl;
    getrlimit(RLIMIT_RTPRIO, &rl);
    if (!o->allow_unprivileged)
      fail(
          "SCHED_FIFO priority %d refused (%s). Run as root, or raise the real-time priority limit "
          "(ulimit -r %d, or rtprio in /etc/security/limits.conf; now %ld), or give the binary "
          "CAP_SYS_NICE (setcap cap_sys_nice,cap_ipc_lock+ep); if it is allowed but starved, check "
          "kernel.sched_rt_runtime_us. --allow-unprivileged runs anyway, marked as such.",
          o->priority, strerror(err), o->priority, (long)rl.rlim_cur);
    buf_printf(&note, "SCHED_FIFO refused (%s): ran under SCHED_OTHER. ", strerror(err));
    RUN.policy_priority = 0;
  }
  /* MCL_ONFAULT (Linux 4.4+): lock pages as they are touched, so reserved sample memory is not all
   * populated at once; without it everything mapped is populated and locked immediately. */
  if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0) {
    RUN.locked = RUN.lock_onfault = true;
  } else if (errno == EINVAL && mlockall(MCL_CURRENT | MCL_FUTURE) == 0) {
    RUN.locked = true;
  } else {
    int err = errno;
    struct rlimit rl;
    getrlimit(RLIMIT_MEMLOCK, &rl);
    if (!o->allow_unprivileged)
      fail(
          "mlockall refused (%s): the samples' memory cannot be locked. Run as root, or raise the "
          "locked-memory limit (ulimit -l unlimited, or memlock in /etc/security/limits.conf; now %ld KiB), "
          "or give the binary CAP_IPC_LOCK. --allow-unprivileged runs anyway, marked as such.",
          strerror(err), rl.rlim_cur == RLIM_INFINITY ? -1L : (long)(rl.rlim_cur / 1024));
    buf_printf(&note, "mlockall refused (%s): memory not locked (pre-faulted only).", strerror(err));
  }
  snprintf(RUN.privilege_note, sizeof RUN.privilege_note, "%s", note.len ? buf_str(&note) : "");
  buf_free(&note);

  open_temp_output(o->output);
  /* The heap only grows during a run: giving memory back (trimming, unmapping a large block) would make the
   * kernel flush the TLB of every CPU the process runs on, the measured one included. */
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  /* One heap for every thread: a thread's first malloc would otherwise map an arena of its own (and grow it
   * with mprotect), the writer's while the sampler measures. */
  mallopt(M_ARENA_MAX, 1);

  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);

  /* The monitor (this thread) runs on another CPU than the measured one, at normal priority. */
  int cpus = cpu_count_configured();
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c = 0; c < cpus && c < CPU_SETSIZE; c++)
    if (c != o->cpu && cpu_online(c)) CPU_SET(c, &set);
  if (CPU_COUNT(&set) && sched_setaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < cpus; c++)
      if (CPU_ISSET(c, &set)) {
        RUN.monitor_cpu = c;
        break;
      }
  /* A streamed run's writer (started from this thread: it inherits the nice) and its monitor: with the other
   * CPU busy (a load, other users' work) the writer must not wait its turn behind every runnable task, or it
   * falls a ring behind and the run stops. Nice -10 weighs ~9 times a nice-0 task's share; it is still
   * SCHED_OTHER, so it never takes a CPU from real-time work. Refused (unprivileged): they keep their nice,
   * and the metadata says which. */
  RUN.monitor_nice = getpriority(PRIO_PROCESS, 0);
  if (o->stream && setpriority(PRIO_PROCESS, 0, MONITOR_NICE) == 0) RUN.monitor_nice = MONITOR_NICE;
  RUN.hz_estimate = run_estimate_hz();
}

double run_estimate_hz(void) {
  counter_pair a = counter_pair_read(&RUN.counter);
  struct timespec pause = {0, 20 * 1000 * 1000};
  nanosleep(&pause, NULL);
  return counter_hz(&RUN.counter, a, counter_pair_read(&RUN.counter));
}

uint64_t run_thread_faults(void) {
  struct rusage ru;
  getrusage(RUSAGE_THREAD, &ru);
  return (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
}

static uint64_t stream_bytes_each; /* a streamed sample's bytes in the file (its columns) */
static void check_disk_before(const run_options *o, const samples_t *s, double rate);
static const char *host_json(double hz);
static void start_writer(const run_options *o, samples_t *s);

void run_reserve_samples(const run_options *o, samples_t *s, double initial_rate, bool with_thread) {
  if (o->stream) {
    /* No more slots than the run's samples; unprivileged, no more than half the locked-memory limit. */
    uint64_t slots = o->samples && o->samples < STREAM_RING_SLOTS ? o->samples : STREAM_RING_SLOTS;
    struct rlimit rl;
    if (RUN.locked && geteuid() != 0 && getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur / 2 / samples_bytes_each(with_thread) < slots)
      slots = rl.rlim_cur / 2 / samples_bytes_each(with_thread);
    samples_reserve_ring(s, slots < 1024 ? 1024 : slots, o->samples, with_thread);
    stream_bytes_each = samples_bytes_each(with_thread);
    /* The tick test's rate is one sample per loop (initial_rate is twice that); the switch test's is not
     * known before it runs. */
    check_disk_before(o, s, strcmp(o->test, "tick") ? 0 : initial_rate / 2);
    host_json(RUN.hz_estimate);
    start_writer(o, s);
    return;
  }
  if (o->samples) {
    samples_reserve(s, o->samples, o->samples, with_thread);
    return;
  }
  uint64_t most = samples_max_capacity(with_thread);
  double seconds = o->duration_ns / 1e9;
  uint64_t estimate = (uint64_t)(initial_rate * seconds) + 4096;
  if (RUN.locked && !RUN.lock_onfault) {
    /* Everything mapped is populated now: reserve the estimate only. */
    samples_reserve(s, estimate < most ? estimate : most, estimate < most ? estimate : most, with_thread);
    return;
  }
  /* Enough for the monitor's first look (every 250 ms); it faults in the rest ahead of the sampler. */
  uint64_t initial = (uint64_t)(initial_rate * (seconds < 0.5 ? seconds : 0.5)) + (1u << 20);
  samples_reserve(s, most, initial < most ? initial : most, with_thread);
}

void run_thread_attr(pthread_attr_t *attr, int cpu, size_t stack) {
  pthread_attr_init(attr);
  pthread_attr_setstacksize(attr, stack);
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_attr_setaffinity_np(attr, sizeof set, &set);
  if (RUN.fifo) {
    pthread_attr_setinheritsched(attr, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(attr, SCHED_FIFO);
    struct sched_param sp = {.sched_priority = RUN.policy_priority};
    pthread_attr_setschedparam(attr, &sp);
  }
}

int run_thread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old); /* signals go to the monitor, never to a measured thread */
  int err = pthread_create(t, attr, fn, arg);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return err;
}

static const char *signal_name(int sig) { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP"; }

static void run_metadata(const run_options *o, const samples_t *s, double hz, uint64_t saturated, bool provisional,
                         buf_t *out);

/* A streamed run's file, written by the writer thread while the sampler runs (writer_thread.h says who owns
 * what); the main thread's again once writer_stop() has joined it. */
static stream_writer stream;
static uint64_t stream_behind_max; /* the monitor's: the most samples finished but not yet written */
static writer_held stream_held;    /* the writer's longest write and fdatasync, once it has stopped */
static bool stream_origin_told;    /* the monitor printed the origin during the run */
static const run_options *stream_options;
static samples_t *stream_samples;
static void set_origin(uint64_t first_counter, double hz);

/* Space kept free during the run: what the ring may still hold when the run stops, and the footer. */
static double disk_reserve_bytes(const samples_t *s) { return (double)(s->capacity * stream_bytes_each) + (1 << 20); }

/* Before the run: the file's estimated size (a run by count exactly; by duration, at the rate `rate`
 * samples a second when known) and the reserve must fit on the disk. */
static void check_disk_before(const run_options *o, const samples_t *s, double rate) {
  double free_bytes = disk_free_bytes(temp_fd);
  if (free_bytes < 0) return;
  double samples = o->samples ? (double)o->samples : rate > 0 ? rate * (o->duration_ns / 1e9) : 0;
  double need = samples * stream_bytes_each * 1.01 + disk_reserve_bytes(s);
  if (need > free_bytes)
    fail(
        "-o %s: the run needs about %.1f MiB (%.0f samples%s) and its disk has %.1f MiB free; free some space, "
        "write elsewhere, or ask for a shorter run",
        o->output, need / 1048576.0, samples, o->samples ? "" : ", estimated", free_bytes / 1048576.0);
}

/* On the writer thread, once the run has started: writes the schema with the metadata known then (`stopped:
 * crashed`, what a reader finds if the process dies), and moves the file to its final name at once, so that
 * whatever is written survives a crash. */
static void stream_begin(void) {
  const run_options *o = stream_options;
  buf_t meta = {0};
  run_metadata(o, stream_samples, RUN.hz_estimate, 0, true, &meta);
  int err = stream_open(&stream, temp_fd, o->test, stream_samples, o->samples, counter_scale_for(RUN.hz_estimate),
                        o->chunk_rows, buf_str(&meta));
  buf_free(&meta);
  if (err) fail("writing %s: %s", temp_path, strerror(err));
  if (rename(temp_path, o->output)) fail("cannot rename %s to %s: %s", temp_path, o->output, strerror(errno));
  snprintf(temp_path, sizeof temp_path, "%s", o->output);
  at_fail = NULL; /* from here on, what was written is kept: a reader recovers it */
}

static void start_writer(const run_options *o, samples_t *s) {
  stream_options = o;
  stream_samples = s;
  writer_start(&(writer_job){.sw = &stream,
                             .fd = temp_fd,
                             .output = o->output,
                             .reserve_bytes = disk_reserve_bytes(s),
                             .begin = stream_begin});
}

/* The monitor's part of a streamed run, after each scan (its samples [0, scanned) are finished): the
 * run's origin, told once, then the scan handed to the writer, and how far behind the writer is. Slot 0
 * is read before the first hand-off, while it is the monitor's (writer_thread.h). */
static void stream_scanned(uint64_t scanned, uint64_t written) {
  if (!stream_origin_told && scanned) {
    /* Time 0 is the first sample's start: `collect` converts the kernel events and the steal readings with
     * it as they come (the same values as the result line's: the end keeps this origin). */
    stream_origin_told = true;
    set_origin(stream_samples->ts[0], RUN.hz_estimate);
    printf("{\"origin\":{\"origin_counter\":%lld,\"origin_mono_ns\":%lld,\"tsc_hz\":%.17g}}\n",
           (long long)RUN.origin_counter, (long long)RUN.origin_mono_ns, RUN.hz_estimate);
    fflush(stdout);
  }
  writer_scanned(scanned);
  if (scanned - written > stream_behind_max) stream_behind_max = scanned - written;
}

/* The monitor never writes the file nor waits on its disk (a streamed run's writer does, writer_thread.h):
 * whatever the disk does, it keeps the deadline, the signals and the progress lines on time. */
void run_monitor(const run_options *o, samples_t *s) {
  if (o->stream) writer_go();
  uint64_t start = mono_ns(), deadline = o->duration_ns ? start + o->duration_ns : UINT64_MAX;
  uint64_t step = o->stream && o->progress_ns > STREAM_STEP_NS ? STREAM_STEP_NS : o->progress_ns;
  uint64_t scanned = 0, max_ticks = 0, next = start + step, next_report = start + o->progress_ns;
  uint64_t rate_at = start, rate_from = 0;
  counter_scale scale = counter_scale_for(RUN.hz_estimate);
  while (!__atomic_load_n(&RUN.done, __ATOMIC_ACQUIRE) && !RUN.stop) {
    uint64_t until = next < deadline ? next : deadline;
    mono_sleep_until(until);
    uint64_t now = mono_ns();
    if (RUN.signal_seen) run_stop_because(signal_name(RUN.signal_seen));
    if (now >= deadline && !RUN.stop) run_stop_because("duration");
    if (now < next) continue;
    next += step;
    if (next < now) next = now + step;
    bool growing = s->prefaulted < s->capacity;
    bool report_due = now >= next_report;
    if (report_due) next_report = now + o->progress_ns;
    bool reporting = report_due && o->progress && (!o->progress_alternate || ((now - start) / 1000000000ull) % 2 == 0);
    if (!reporting && !growing && !o->stream) continue;
    /* Read what the sampler wrote since the last look (held: never past the faulted-in pages; a ring: never
     * past the slots not yet written, which hold older samples, nor below them: those are the writer's);
     * the measured loop does nothing extra. */
    uint64_t written = o->stream ? writer_written() : 0;
    uint64_t limit = s->ring ? written + s->capacity : __atomic_load_n(&s->prefaulted, __ATOMIC_ACQUIRE);
    while (scanned < limit) {
      uint32_t d = __atomic_load_n(&s->dur[scanned & s->mask], __ATOMIC_ACQUIRE);
      if (!d) break;
      if (d > max_ticks) max_ticks = d;
      scanned++;
    }
    if (growing && !RUN.stop) {
      /* Keep three seconds at the recent rate (at least 2^20 samples, at most what the rest of the run needs)
       * faulted in ahead of the sampler. */
      double rate = now > rate_at ? (double)(scanned - rate_from) * 1e9 / (double)(now - rate_at) : 0;
      rate_at = now;
      rate_from = scanned;
      double horizon = deadline == UINT64_MAX ? 3 : (double)(deadline - now) / 1e9 + 0.5;
      uint64_t ahead = (uint64_t)(rate * (horizon < 3 ? horizon : 3));
      if (ahead < (1u << 20)) ahead = 1u << 20;
      if (scanned + ahead > limit) samples_prefault(s, scanned + 2 * ahead);
    }
    if (o->stream) stream_scanned(scanned, written);
    if (reporting) {
      if (o->stream) {
        /* The writer's figures may be a step older than the scan: behind counts from what it has written. */
        writer_status w = writer_status_now(now);
        printf(
            "{\"progress\":{\"samples\":%llu,\"elapsed_s\":%.3f,\"max_ns\":%llu,\"written\":%llu,\"behind\":%llu,"
            "\"behind_limit\":%llu,\"bytes\":%llu,\"disk_free\":%.0f,\"writer_busy_ms\":%llu}}\n",
            (unsigned long long)scanned, (now - start) / 1e9, (unsigned long long)counter_to_ns(scale, max_ticks),
            (unsigned long long)w.written, (unsigned long long)(scanned - w.written), (unsigned long long)s->capacity,
            (unsigned long long)w.bytes, w.disk_free, (unsigned long long)(w.busy_ns / 1000000));
      } else
        printf("{\"progress\":{\"samples\":%llu,\"elapsed_s\":%.3f,\"max_ns\":%llu}}\n", (unsigned long long)scanned,
               (now - start) / 1e9, (unsigned long long)counter_to_ns(scale, max_ticks));
      fflush(stdout);
    }
  }
  if (RUN.signal_seen) run_stop_because(signal_name(RUN.signal_seen));
}

const char *run_stopped_at_limit(const run_options *o, const samples_t *s) {
  if (o->samples && s->count >= o->samples) return "samples";
  return s->ring ? "writer-behind" : "capacity";
}

/* The fingerprint for a counter rate, kept: taking it runs commands (popen), and spawning a process maps and
 * unmaps a stack in this one, which makes the kernel flush the TLB of every CPU it runs on, the measured one
 * included. A streamed run takes it before the sampler starts (run_reserve_samples) and reuses it. */
static const char *host_json(double hz) {
  static buf_t host;
  static double host_hz = -1;
  if (RUN.counter.kind == COUNTER_MONOTONIC_RAW) hz = 0;
  if (hz != host_hz || !host.len) {
    buf_free(&host);
    fingerprint_json(&host, &RUN.counter, hz);
    host_hz = hz;
  }
  return buf_str(&host);
}

/* The counter's rate over the whole run, or 0 before the run ends or when it was too short to tell. */
static double whole_run_hz(void) {
  if (RUN.end.raw_ns < RUN.start.raw_ns + RUN_HZ_LEAST_NS) return 0;
  return counter_hz(&RUN.counter, RUN.start, RUN.end);
}

/* Both measures of the counter's rate and which one the timestamps were converted with (`hz`): the one taken
 * before the run (20 ms; a streamed run writes its samples as it goes, so it has no other) and the one over
 * the whole run, with how far the first is from the second. */
static void run_hz_json(json_t *j, double hz, bool provisional) {
  double run_hz = provisional ? 0 : whole_run_hz();
  json_num(j, "tsc_hz_before_run", RUN.hz_estimate);
  if (run_hz > 0) {
    json_num(j, "tsc_hz_run", run_hz);
    json_num(j, "tsc_hz_drift_ppm", (RUN.hz_estimate / run_hz - 1) * 1e6);
  }
  json_str(j, "tsc_hz_converted", run_hz > 0 && hz == run_hz ? "whole-run" : "before-run");
}

/* `provisional`: the metadata a streamed run's file starts with, written while the sampler runs: stopped
 * "crashed" (what a reader finds if the process dies), no samples nor elapsed time yet. */
static void run_metadata(const run_options *o, const samples_t *s, double hz, uint64_t saturated, bool provisional,
                         buf_t *out) {
  json_t j;
  json_begin(&j, out);
  const char *environment = o->environment;
  char guess[64] = "";
  if (!environment) {
    const char *g = strstr(host_json(hz), "\"environment_guess\":\"");
    if (g) sscanf(g + strlen("\"environment_guess\":\""), "%63[^\"]", guess);
    environment = *guess ? guess : NULL;
  }
  if (environment) json_str(&j, "environment", environment);
  if (o->scenario) json_str(&j, "scenario", o->scenario);
  if (o->label) json_str(&j, "label", o->label);
  if (!strcmp(o->test, "switch")) json_int(&j, "threads", o->threads);
  if (!strcmp(o->test, "tick")) {
    json_int(&j, "loop_iterations", (int64_t)RUN.loop_iterations);
    if (o->iterations < 0) json_num(&j, "loop_us", o->loop_us);
    json_num(&j, "loop_ns_min", RUN.loop_ns_min);
  }
  json_int(&j, "cpu", o->cpu);
  json_int(&j, "priority", RUN.policy_priority);
  json_str(&j, "policy", RUN.fifo ? "SCHED_FIFO" : "SCHED_OTHER");
  if (hz > 0 && RUN.counter.kind != COUNTER_MONOTONIC_RAW) {
    json_num(&j, "tsc_hz", hz);
    run_hz_json(&j, hz, provisional);
  }
  json_str(&j, "counter", RUN.counter.name);
  json_str(&j, "counter_note", RUN.counter.reason);
  json_str(&j, "started_at", RUN.started_at);
  json_int(&j, "samples", provisional ? 0 : (int64_t)s->count);
  if (o->samples) json_int(&j, "samples_requested", (int64_t)o->samples);
  if (o->duration_ns) json_num(&j, "duration_requested_s", o->duration_ns / 1e9);
  json_num(&j, "elapsed_s", provisional ? 0 : (RUN.end.raw_ns - RUN.start.raw_ns) / 1e9);
  json_str(&j, "stopped", provisional ? "crashed" : RUN.stopped);
  json_bool(&j, "memory_locked", RUN.locked);
  json_bool(&j, "unprivileged", !RUN.fifo || !RUN.locked);
  if (*RUN.privilege_note) json_str(&j, "unprivileged_reason", RUN.privilege_note);
  json_bool(&j, "progress", o->progress);
  if (RUN.monitor_cpu >= 0)
    json_int(&j, "monitor_cpu", RUN.monitor_cpu);
  else
    json_null(&j, "monitor_cpu");
  json_int(&j, "monitor_nice", RUN.monitor_nice);
  json_int(&j, "saturated_samples", (int64_t)saturated);
  json_int(&j, "page_faults_while_measuring", (int64_t)RUN.loop_faults);
  if (s->count && !provisional) {
    json_int(&j, "origin_counter", (int64_t)RUN.origin_counter);
    json_int(&j, "origin_mono_ns", (int64_t)RUN.origin_mono_ns);
  }
  if (o->stream) {
    json_bool(&j, "streamed", true);
    json_int(&j, "chunk_rows", (int64_t)stream.chunk_rows);
    json_int(&j, "ring_slots", (int64_t)s->capacity);
    json_int(&j, "writer_behind_max_samples", (int64_t)stream_behind_max);
    json_int(&j, "sync_max_us", (int64_t)(stream_held.sync_max_ns / 1000));
    json_int(&j, "write_max_us", (int64_t)(stream_held.write_max_ns / 1000));
  }
  json_str(&j, "sampler", "tickscope-sampler " TICKSCOPE_VERSION);
  json_raw(&j, "host", host_json(hz));
  json_end(&j);
}

/* Converts, writes the batches, renames into place; shared by the tests and write-bench. */
static void run_write_samples(const char *test, samples_t *s, counter_scale scale, const char *run_json,
                              uint64_t *saturated) {
  *saturated = samples_to_ns(s, scale);
  arrow_column cols[3] = {{"ts_ns", 64, true}, {"duration_ns", 32, false}, {"thread", 32, true}};
  arrow_kv meta[2] = {{"latency:test", test}, {"latency:run", run_json}};
  arrow_writer w;
  int err = arrow_open(&w, temp_fd, cols, s->thread ? 3 : 2, meta, run_json ? 2 : 1);
  for (uint64_t at = 0; !err && (at < s->count || at == 0); at += ARROW_MAX_BATCH_ROWS) {
    uint64_t rows = s->count - at < ARROW_MAX_BATCH_ROWS ? s->count - at : ARROW_MAX_BATCH_ROWS;
    if (rows == 0) break; /* an empty run: schema and footer only */
    const void *data[3] = {s->ts + at, s->dur + at, s->thread ? (const void *)(s->thread + at) : NULL};
    err = arrow_write_batch(&w, (uint32_t)rows, data);
  }
  if (!err) err = arrow_finish(&w);
  if (err) fail("writing %s: %s", temp_path, strerror(err));
}

/* Time 0 of the run (its first sample) as counter and CLOCK_MONOTONIC values, to align other clocks. */
static void set_origin(uint64_t first_counter, double hz) {
  uint64_t now_mono = mono_ns(), now_counter = counter_read(&RUN.counter);
  RUN.origin_counter = first_counter;
  RUN.origin_mono_ns = now_mono - (uint64_t)((double)(now_counter - first_counter) * 1e9 / hz);
}

/* The line `collect` reads: the run's file, samples (and those taken, when not all reached the file), its
 * maximum, why it stopped, the counter's rate and the run's origin. */
static void print_result(const run_options *o, uint64_t samples, int64_t taken, uint32_t max_ns, double hz) {
  buf_t line = {0};
  json_t j;
  buf_put(&line, "{\"result\":", 10);
  json_begin(&j, &line);
  json_str(&j, "file", o->output);
  json_str(&j, "test", o->test);
  json_int(&j, "samples", (int64_t)samples);
  if (taken >= 0) json_int(&j, "samples_taken", taken);
  json_int(&j, "max_ns", max_ns);
  json_str(&j, "stopped", RUN.stopped);
  json_num(&j, "tsc_hz", hz);
  if (samples) {
    json_int(&j, "origin_counter", (int64_t)RUN.origin_counter);
    json_int(&j, "origin_mono_ns", (int64_t)RUN.origin_mono_ns);
  }
  json_bool(&j, "unprivileged", !RUN.fifo || !RUN.locked);
  json_end(&j);
  buf_put(&line, "}\n", 2);
  fputs(buf_str(&line), stdout);
  fflush(stdout);
  buf_free(&line);
}

/* Streamed: the last samples, the final metadata in place of the provisional one, the footer. */
static void run_write_streamed(const run_options *o, samples_t *s) {
  if (!strcmp(RUN.stopped, "writer-behind"))
    fprintf(stderr,
            "tickscope-sampler: the writer fell a whole ring (%llu samples) behind: the disk cannot keep up; the run "
            "stopped, what was taken is written\n",
            (unsigned long long)s->capacity);
  /* The sampler has stopped on time; the writer may still be held by the disk (a write or a sync that has
   * not returned, which it finishes before it stops): say so, rather than seem to hang. */
  writer_status w = writer_status_now(mono_ns());
  if (w.busy_ns >= WRITER_HELD_NS)
    fprintf(stderr,
            "tickscope-sampler: the run stopped (%s); the disk has held the writer for %.1f s, with %llu samples still "
            "to write: the file is finished once the disk takes them\n",
            RUN.stopped, w.busy_ns / 1e9, (unsigned long long)(s->count - w.written));
  stream_held = writer_stop(); /* from here, the stream_writer is this thread's */
  /* How far behind the writer was when the run ended. */
  if (s->count - stream.written > stream_behind_max) stream_behind_max = s->count - stream.written;
  int err = stream_write(&stream, s->count, true);
  /* Only what reached the file counts: a write error leaves the samples before it. */
  uint64_t taken = s->count;
  s->count = stream.written;
  if (s->count && !stream_origin_told) set_origin(stream.origin, RUN.hz_estimate);
  buf_t meta = {0};
  run_metadata(o, s, RUN.hz_estimate, stream.saturated, false, &meta);
  if (!err) err = stream_finish(&stream, buf_str(&meta));
  buf_free(&meta);
  close(temp_fd);
  temp_fd = -1;
  *temp_path = 0;
  if (err)
    fail(
        "writing %s: %s; it keeps the %llu samples written before (of %llu taken): readers recover them, "
        "tickscope repair finishes the file",
        o->output, strerror(err), (unsigned long long)stream.written, (unsigned long long)taken);
  print_result(o, s->count, (int64_t)taken, stream.max_ns, RUN.hz_estimate);
}

void run_write(const run_options *o, samples_t *s) {
  if (o->stream) {
    run_write_streamed(o, s);
    return;
  }
  double hz = whole_run_hz();
  if (!(hz > 0)) hz = RUN.hz_estimate; /* too short to calibrate */
  counter_scale scale = counter_scale_for(hz);
  if (s->count) set_origin(s->ts[0], hz);
  /* The metadata needs the saturation count, which the conversion finds: count it first. */
  uint64_t saturated = 0;
  for (uint64_t i = 0; i < s->count; i++) saturated += s->dur[i] == UINT32_MAX;
  buf_t meta = {0};
  run_metadata(o, s, hz, saturated, false, &meta);
  run_write_samples(o->test, s, scale, buf_str(&meta), &saturated);
  buf_free(&meta);
  uint32_t max_ns = 0;
  for (uint64_t i = 0; i < s->count; i++)
    if (s->dur[i] > max_ns) max_ns = s->dur[i];
  close(temp_fd);
  temp_fd = -1;
  if (rename(temp_path, o->output)) fail("cannot rename %s to %s: %s", temp_path, o->output, strerror(errno));
  *temp_path = 0;
  at_fail = NULL;
  print_result(o, s->count, -1, max_ns, hz);
}

/* write-bench: the after-run write path alone, on synthetic samples (the benchmark's figure). */
int run_write_bench(int argc, char **argv) {
  uint64_t n = 0;
  const char *out = NULL;
  static const struct option options[] = {{"samples", required_argument, NULL, 's'}, {0}};
  opterr = 0;
  optind = 1;
  for (int opt; (opt = getopt_long(argc, argv, "+:o:", options, NULL)) != -1;) {
    if (opt == 's' && parse_u64(optarg, &n)) continue;
    if (opt == 'o') {
      out = optarg;
      continue;
    }
    fail_usage("write-bench: usage: write-bench --samples N -o FILE");
  }
  if (optind < argc) fail_usage("write-bench: usage: write-bench --samples N -o FILE");
  if (!n || !out) fail_usage("write-bench: usage: write-bench --samples N -o FILE");
  open_temp_output(out);
  samples_t s;
  samples_reserve(&s, n, n, false);
  /* Its own synthetic samples (not lib/format/testing's): it times the C writer alone, with no Node.js in the
   * process, and the values only need to look like a tick run's. */
  for (uint64_t i = 0; i < n; i++) {
    s.ts[i] = 1000000 + i * 151200;
    s.dur[i] = 142800 + (uint32_t)(i % 97);
  }
  s.count = n;
  uint64_t t0 = mono_ns(), saturated;
  run_write_samples("tick", &s, counter_scale_for(2.1e9), "{\"label\":\"write-bench\"}", &saturated);
  uint64_t t1 = mono_ns();
  close(temp_fd);
  temp_fd = -1;
  if (rename(temp_path, out)) fail("rename: %s", strerror(errno));
  *temp_path = 0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"samples\":%llu,\"write_s\":%.4f,\"max_rss_bytes\":%ld,\"bytes_per_sample\":%.2f}\n", (unsigned long long)n,
         (t1 - t0) / 1e9, ru.ru_maxrss * 1024L, ru.ru_maxrss * 1024.0 / (double)n);
  return 0;
}
