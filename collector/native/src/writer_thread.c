#include "writer_thread.h"
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "run.h"
#include "util.h"

/* Each second's batches reach the disk, not only the page cache (written back up to 30 s later), so the
 * machine dying loses about the last second too, not only a kill. */
#define SYNC_EVERY_NS 1000000000ull

static struct {
  writer_job job;
  pthread_t thread;
  sem_t go;
  int quit;               /* atomic: the caller's writer_stop() */
  uint64_t scanned;       /* atomic, the monitor's: the writer takes samples below it */
  uint64_t busy_since_ns; /* atomic: CLOCK_MONOTONIC when its current write or sync began, 0 while it waits */
  double disk_free;       /* atomic (as its bits): at its last look */
  writer_held held;       /* the longest write and fdatasync: read by writer_stop() after the join */
  int begun;              /* atomic: the file is open (the stream_writer's counters are its own from here) */
  bool started;
} W;

static void publish_disk_free(double bytes) { __atomic_store(&W.disk_free, &bytes, __ATOMIC_RELAXED); }

/* Appends what the monitor scanned (whole chunks; everything once a second, then fdatasync) and looks at
 * the disk. Returns false when the run stops for good: the file cannot be written. */
static bool writer_step(uint64_t now, uint64_t *synced_at) {
  stream_writer *sw = W.job.sw;
  bool flush = now - *synced_at >= SYNC_EVERY_NS;
  uint64_t upto = __atomic_load_n(&W.scanned, __ATOMIC_ACQUIRE);
  __atomic_store_n(&W.busy_since_ns, now, __ATOMIC_RELAXED);
  int err = stream_write(sw, upto, flush);
  uint64_t written_at = mono_ns();
  if (written_at - now > W.held.write_max_ns) W.held.write_max_ns = written_at - now;
  if (!err && flush) {
    if (fdatasync(W.job.fd)) err = sw->err = errno;
    uint64_t synced = mono_ns();
    if (synced - written_at > W.held.sync_max_ns) W.held.sync_max_ns = synced - written_at;
    *synced_at = now;
  }
  __atomic_store_n(&W.busy_since_ns, 0, __ATOMIC_RELAXED);
  if (err) {
    fprintf(stderr,
            "tickscope-sampler: writing %s failed after %llu samples: %s; the run stops, what was written is kept\n",
            W.job.output, (unsigned long long)sw->written, strerror(err));
    run_stop_because("write-error");
    return false;
  }
  double free_bytes = disk_free_bytes(W.job.fd);
  publish_disk_free(free_bytes);
  if (free_bytes >= 0 && free_bytes < W.job.reserve_bytes && !__atomic_load_n(&RUN.stop, __ATOMIC_RELAXED) &&
      run_stop_because("disk-full"))
    fprintf(stderr,
            "tickscope-sampler: the disk holding %s has %.1f MiB free, less than the %.1f MiB the run's end needs; the "
            "run stops, what was taken is written\n",
            W.job.output, free_bytes / 1048576.0, W.job.reserve_bytes / 1048576.0);
  return true;
}

static void *writer_main(void *arg) {
  while (sem_wait(&W.go) && errno == EINTR) {}
  W.job.begin();
  __atomic_store_n(&W.begun, 1, __ATOMIC_RELEASE);
  /* The first step writes and syncs what there is at once; then once a second. */
  uint64_t synced_at = 0, next = mono_ns() + STREAM_STEP_NS;
  publish_disk_free(disk_free_bytes(W.job.fd));
  while (!__atomic_load_n(&W.quit, __ATOMIC_ACQUIRE)) {
    mono_sleep_until(next);
    uint64_t now = mono_ns();
    next += STREAM_STEP_NS;
    if (next < now) next = now + STREAM_STEP_NS; /* the disk held it past a step: no catching up in a burst */
    if (!writer_step(now, &synced_at)) break;
  }
  return NULL;
}

void writer_start(const writer_job *job) {
  W.job = *job;
  publish_disk_free(-1);
  if (sem_init(&W.go, 0, 0)) fail("cannot start the writer: %s", strerror(errno));
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  /* It inherits this thread's CPUs (not the measured one), policy (SCHED_OTHER) and nice (run_prepare). */
  int err = run_thread_create(&W.thread, &attr, writer_main, NULL);
  pthread_attr_destroy(&attr);
  if (err) fail("cannot start the writer thread: %s", strerror(err));
  W.started = true;
}

void writer_go(void) { sem_post(&W.go); }

void writer_scanned(uint64_t scanned) { __atomic_store_n(&W.scanned, scanned, __ATOMIC_RELEASE); }

uint64_t writer_written(void) {
  return __atomic_load_n(&W.begun, __ATOMIC_ACQUIRE) ? __atomic_load_n(&W.job.sw->written, __ATOMIC_ACQUIRE) : 0;
}

writer_status writer_status_now(uint64_t now_ns) {
  writer_status st;
  st.written = writer_written();
  st.bytes = __atomic_load_n(&W.begun, __ATOMIC_ACQUIRE) ? __atomic_load_n(&W.job.sw->bytes, __ATOMIC_RELAXED) : 0;
  __atomic_load(&W.disk_free, &st.disk_free, __ATOMIC_RELAXED);
  uint64_t busy = __atomic_load_n(&W.busy_since_ns, __ATOMIC_RELAXED);
  st.busy_ns = busy && now_ns > busy ? now_ns - busy : 0;
  return st;
}

writer_held writer_stop(void) {
  if (!W.started) return W.held;
  __atomic_store_n(&W.quit, 1, __ATOMIC_RELEASE);
  pthread_join(W.thread, NULL);
  W.started = false;
  return W.held;
}
