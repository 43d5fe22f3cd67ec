/* A streamed run's writer thread: appends the ring's finished samples to the run file (writer.c), fdatasyncs
 * about once a second and watches the file's disk, apart from the monitor (run.c), so that a disk holding a
 * write() or an fdatasync() for seconds holds this thread only: the monitor keeps the deadline, the signals
 * and the progress lines on time, and says the writer is behind.
 *
 * Who touches what. Everything the threads share is an atomic; nothing waits on a lock.
 * - The sampler writes sample i into slot i & mask while i < the ring's limit, its duration last (release).
 * - The monitor owns the scan: it reads the durations of samples [scanned, written + capacity) only, reading
 *   `written` first (acquire), and publishes how far it got (writer_scanned, release) once it has read them.
 *   Before its first publish it also reads slot 0's start (the run's time 0).
 * - The writer owns slots [written, scanned): it converts them in place, writes them, zeroes their durations,
 *   then publishes `written` (release) and raises the sampler's limit.
 * Those two ranges of samples never share a slot (they are less than a ring apart and do not overlap), so
 * the monitor never reads a slot the writer converts or zeroes. The monitor reads everything else the writer
 * knows through writer_status_now(); the stream_writer itself is the writer thread's from writer_go() until
 * writer_stop() joins it, then the caller's again. */
#ifndef TICKSCOPE_WRITER_THREAD_H
#define TICKSCOPE_WRITER_THREAD_H
#include <stdint.h>
#include "writer.h"

typedef struct {
  stream_writer *sw;
  int fd;
  const char *output;   /* the file's name, for messages */
  double reserve_bytes; /* free space the run's end needs on the disk: below it the run stops (disk-full) */
  void (*begin)(void);  /* on the writer thread, once the run has started: opens the file (stream_open) */
} writer_job;

/* What the writer has done, as the monitor's progress lines tell it. */
typedef struct {
  uint64_t written; /* samples in the file */
  uint64_t bytes;   /* the file's length */
  double disk_free; /* bytes free on its disk at the writer's last look, -1 unknown */
  uint64_t busy_ns; /* how long its current write or fdatasync has lasted (the disk holds it), 0 while it waits */
} writer_status;

/* Starts the thread (a small stack, every signal blocked), which waits for writer_go(): before the measured
 * threads, which must be the last threads the run starts. */
void writer_start(const writer_job *job);
/* The run has started: the writer opens the file (job->begin), then writes every STREAM_STEP_NS. */
void writer_go(void);
/* The monitor's scan reached `scanned`: the writer may take the samples below it. */
void writer_scanned(uint64_t scanned);
/* Samples in the file so far (0 until the writer has opened it): the monitor scans no further than a ring
 * past them. */
uint64_t writer_written(void);
writer_status writer_status_now(uint64_t now_ns);
/* The longest the disk held the writer during the run: one step's writes, one fdatasync. */
typedef struct {
  uint64_t write_max_ns, sync_max_ns;
} writer_held;

/* Stops the thread once its current step is done (a write or a sync the disk holds ends first) and joins
 * it: the stream_writer is the caller's again. */
writer_held writer_stop(void);

/* The writer and the monitor wake this often at least: the ring holds over a second at the fastest loop. */
#define STREAM_STEP_NS 50000000ull
#endif
