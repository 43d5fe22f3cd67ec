/* Streaming capture: the writer thread (writer_thread.h, on another CPU than the measured one) appends the
 * samples the sampler has finished in its ring (samples.h) as record batches while the run goes on, then
 * empties their slots and raises the sampler's limit, so a run of any length uses the ring's memory and no
 * more. The hand-off is lock-free both ways: the samples' own release/acquire store (samples_store) one way,
 * the limit the other. */
#ifndef TICKSCOPE_WRITER_H
#define TICKSCOPE_WRITER_H
#include <stdbool.h>
#include <stdint.h>
#include "arrow_ipc.h"
#include "counter.h"
#include "samples.h"

/* The ring: 2^21 slots (24 MiB for the tick test, 32 MiB with `thread`), at least a second of samples at the
 * fastest loop; a chunk is at most a quarter of it. */
#define STREAM_RING_SLOTS (1ull << 21)
#define STREAM_DEFAULT_CHUNK_ROWS (1u << 17)
#define STREAM_MAX_CHUNK_ROWS ((uint32_t)(STREAM_RING_SLOTS / 4))

typedef struct {
  arrow_writer w;
  samples_t *s;
  counter_scale scale;
  uint32_t chunk_rows;
  uint64_t origin;    /* the first sample's counter value: time 0 */
  uint64_t written;   /* samples converted and appended (atomic: published with release once their slots are empty) */
  uint64_t bytes;     /* the file's length so far (atomic: published for the progress lines) */
  uint64_t total;     /* the run's sample count when it has one (the limit never passes it), else 0 */
  uint64_t saturated; /* samples that saturated (counted while converting) */
  uint32_t max_ns;
  uint64_t batches;
  int err; /* the first write error (errno): what was written before it stays readable */
  char *meta_json;
  size_t meta_reserved; /* the latency:run value is padded with spaces to this length, start to end */
  arrow_kv meta[2];
} stream_writer;

/* Writes the magic and the schema, whose latency:run (`run_json`, as known at the start) is padded so that
 * the final one can replace it in place. Returns 0 or an errno value. */
int stream_open(stream_writer *sw, int fd, const char *test, samples_t *s, uint64_t total, counter_scale scale,
                uint32_t chunk_rows, const char *run_json);
/* Appends the finished samples below `upto` (slots [written, upto), which are the caller's: see
 * writer_thread.h for who owns which slots) in whole chunks (a batch ends at the ring's end too), and the
 * rest too when `flush` (at least every second, so that a crash loses little however slow the run). Returns 0 or the first write error, after
 * which it writes nothing more. */
int stream_write(stream_writer *sw, uint64_t upto, bool flush);
/* Replaces latency:run with `run_json` (its final values) and writes the footer. */
int stream_finish(stream_writer *sw, const char *run_json);
#endif
