/* Load generators for the study's scenarios: `cpu` spins, `memory` copies a buffer larger than the caches
 * (9 MiB by default, as in the study) again and again; one thread per chosen CPU, until stopped. */
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "util.h"

static volatile int stop_load;
static void on_signal(int sig) { stop_load = sig; }

typedef struct {
  int cpu;
  bool memory;
  uint64_t size;
  uint64_t rounds;
  pthread_t thread;
} load_job;

static void *load_thread(void *arg) {
  load_job *job = arg;
  if (!job->memory) {
    uint64_t n = 0;
    while (!__atomic_load_n(&stop_load, __ATOMIC_RELAXED)) {
      for (int k = 0; k < 1 << 20; k++) __asm__ volatile("" : "+r"(n));
      n++;
    }
    job->rounds = n;
    return NULL;
  }
  char *a = malloc(job->size), *b = malloc(job->size);
  if (!a || !b) fail("load memory: cannot allocate 2 x %llu bytes", (unsigned long long)job->size);
  memset(a, 1, job->size);
  memset(b, 2, job->size);
  while (!__atomic_load_n(&stop_load, __ATOMIC_RELAXED)) {
    memcpy(b, a, job->size);
    __asm__ volatile("" ::"r"(b) : "memory");
    char *t = a;
    a = b;
    b = t;
    job->rounds++;
  }
  free(a);
  free(b);
  return NULL;
}

int load_main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "cpu") && strcmp(argv[1], "memory")))
    fail_usage("load: expected `load cpu` or `load memory` [--cpus LIST] [--duration T] [--size BYTES]");
  /* Not the sampler's name (which kernel events identify it by): a load thread that runs on the measured CPU
   * while the sampler is throttled must read as another task, not as the sampler back at work. Threads
   * started below inherit it. */
  prctl(PR_SET_NAME, "tickscope-load");
  const char *kind = argv[1];
  bool memory = !strcmp(kind, "memory");
  int ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
  bool *chosen = calloc((size_t)ncpu, 1);
  int count = 0;
  uint64_t duration = 0, size = 9ull << 20;
  static const struct option options[] = {
      {"cpus", required_argument, NULL, 'c'},
      {"duration", required_argument, NULL, 'd'},
      {"size", required_argument, NULL, 's'},
      {0},
  };
  opterr = 0;
  optind = 1;
  /* argv + 1: the options follow the kind, as getopt_long's argv[0]. */
  for (int opt; (opt = getopt_long(argc - 1, argv + 1, "+:", options, NULL)) != -1;) {
    const char *v = optarg;
    switch (opt) {
      case 'c':
        count = parse_cpu_list(v, chosen, ncpu);
        if (count == -2) fail_usage("--cpus %s: this machine has CPUs 0-%d", v, ncpu - 1);
        if (count <= 0) fail_usage("--cpus: expected a CPU list such as 0,2-3, found \"%s\"", v);
        break;
      case 'd':
        if (!parse_duration_ns(v, &duration) || !duration)
          fail_usage("--duration: expected a positive duration such as 30s or 1h, found \"%s\"", v);
        break;
      case 's':
        if (!parse_size(v, &size) || size < 4096) fail_usage("--size: expected a size such as 9MiB, found \"%s\"", v);
        break;
      default:
        fail_usage("load %s: unknown option or missing value \"%s\"", kind, argv[optind]);
    }
  }
  if (optind + 1 < argc) fail_usage("load %s: unknown option or missing value \"%s\"", kind, argv[optind + 1]);
  cpu_set_t online;
  sched_getaffinity(0, sizeof online, &online);
  if (count == 0)
    for (int c = 0; c < ncpu; c++)
      if (CPU_ISSET(c, &online)) chosen[c] = true, count++;
  for (int c = 0; c < ncpu; c++)
    if (chosen[c] && !CPU_ISSET(c, &online)) fail_usage("--cpus: CPU %d is not available to this process", c);

  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);

  load_job *jobs = calloc((size_t)count, sizeof *jobs);
  int n = 0;
  uint64_t start = mono_ns();
  for (int c = 0; c < ncpu; c++) {
    if (!chosen[c]) continue;
    jobs[n] = (load_job){.cpu = c, .memory = memory, .size = size};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(c, &set);
    pthread_attr_setaffinity_np(&attr, sizeof set, &set);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int err = pthread_create(&jobs[n].thread, &attr, load_thread, &jobs[n]);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (err) fail("load: cannot start a thread on CPU %d: %s", c, strerror(err));
    n++;
  }
  fprintf(stderr, "tickscope-sampler: load %s on %d CPU(s)%s; Ctrl-C stops it\n", kind, n,
          duration ? "" : ", until stopped");
  while (!stop_load) {
    uint64_t now = mono_ns();
    if (duration && now - start >= duration) break;
    uint64_t wait = duration ? start + duration - now : 1000000000ull;
    if (wait > 1000000000ull) wait = 1000000000ull;
    struct timespec t = {(time_t)(wait / 1000000000ull), (long)(wait % 1000000000ull)};
    nanosleep(&t, NULL);
  }
  stop_load = stop_load ? stop_load : -1;
  uint64_t rounds = 0;
  for (int i = 0; i < n; i++) {
    pthread_join(jobs[i].thread, NULL);
    rounds += jobs[i].rounds;
  }
  double seconds = (mono_ns() - start) / 1e9;
  printf("{\"load\":\"%s\",\"cpus\":%d,\"seconds\":%.3f,", kind, n, seconds);
  if (memory)
    printf("\"buffer_bytes\":%llu,\"copies\":%llu,\"bytes_per_second\":%.0f}\n", (unsigned long long)size,
           (unsigned long long)rounds, (double)rounds * (double)size / seconds);
  else
    printf("\"rounds\":%llu}\n", (unsigned long long)rounds);
  free(jobs);
  free(chosen);
  return 0;
}
