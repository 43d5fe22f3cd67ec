#include "writer.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Room left in the schema for the final latency:run, beyond the one known at the start. */
#define META_SLACK 4096

static char *padded(const char *json, size_t length) {
  size_t n = strlen(json);
  if (n > length) return NULL;
  char *p = malloc(length + 1);
  if (!p) return NULL;
  memcpy(p, json, n);
  memset(p + n, ' ', length - n);
  p[length] = 0;
  return p;
}

int stream_open(stream_writer *sw, int fd, const char *test, samples_t *s, uint64_t total, counter_scale scale,
                uint32_t chunk_rows, const char *run_json) {
  memset(sw, 0, sizeof *sw);
  sw->s = s;
  sw->total = total;
  sw->scale = scale;
  sw->chunk_rows = chunk_rows && chunk_rows <= STREAM_MAX_CHUNK_ROWS ? chunk_rows : STREAM_DEFAULT_CHUNK_ROWS;
  if (sw->chunk_rows > s->capacity / 4) sw->chunk_rows = (uint32_t)(s->capacity / 4); /* a smaller ring */
  sw->meta_reserved = strlen(run_json) + META_SLACK;
  sw->meta_json = padded(run_json, sw->meta_reserved);
  if (!sw->meta_json) return ENOMEM;
  sw->meta[0] = (arrow_kv){"latency:test", test};
  sw->meta[1] = (arrow_kv){"latency:run", sw->meta_json};
  arrow_column cols[3] = {{"ts_ns", 64, true}, {"duration_ns", 32, false}, {"thread", 32, true}};
  sw->err = arrow_open(&sw->w, fd, cols, s->thread ? 3 : 2, sw->meta, 2);
  __atomic_store_n(&sw->bytes, sw->w.pos, __ATOMIC_RELAXED);
  return sw->err;
}

/* Converts slots [from, from + rows) in place: ts to ns since the first sample, dur to ns. */
static void convert(stream_writer *sw, uint64_t from, uint64_t rows) {
  samples_t *s = sw->s;
  int64_t *ts = (int64_t *)s->ts;
  for (uint64_t i = from; i < from + rows; i++) {
    ts[i] = (int64_t)counter_to_ns(sw->scale, s->ts[i] - sw->origin);
    uint64_t d = s->dur[i];
    if (d == UINT32_MAX) {
      sw->saturated++;
    } else {
      d = counter_to_ns(sw->scale, d);
      s->dur[i] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
    }
    if (s->dur[i] > sw->max_ns) sw->max_ns = s->dur[i];
  }
}

int stream_write(stream_writer *sw, uint64_t upto, bool flush) {
  samples_t *s = sw->s;
  while (!sw->err && sw->written < upto) {
    uint64_t rows = upto - sw->written;
    if (rows > sw->chunk_rows) rows = sw->chunk_rows;
    if (rows < sw->chunk_rows && !flush) break;
    uint64_t at = sw->written & s->mask;
    if (rows > s->capacity - at) rows = s->capacity - at; /* a batch never wraps: the rest is the next one */
    if (sw->written == 0) sw->origin = s->ts[0];
    convert(sw, at, rows);
    const void *data[3] = {s->ts + at, s->dur + at, s->thread ? (const void *)(s->thread + at) : NULL};
    sw->err = arrow_write_batch(&sw->w, (uint32_t)rows, data);
    __atomic_store_n(&sw->bytes, sw->w.pos, __ATOMIC_RELAXED);
    if (sw->err) break;
    /* The slots are empty again: zero durations (what the monitor's scan looks for), publish them written
     * (the monitor may scan their next samples from here), then let the sampler in. */
    memset(s->dur + at, 0, rows * sizeof *s->dur);
    __atomic_store_n(&sw->written, sw->written + rows, __ATOMIC_RELEASE);
    sw->batches++;
    uint64_t limit = sw->written + s->capacity;
    __atomic_store_n(&s->limit, sw->total && sw->total < limit ? sw->total : limit, __ATOMIC_RELEASE);
  }
  return sw->err;
}

int stream_finish(stream_writer *sw, const char *run_json) {
  if (sw->err) return sw->err;
  char *final = padded(run_json, sw->meta_reserved);
  if (!final) return sw->err = ENOSPC;
  free(sw->meta_json);
  sw->meta_json = final;
  sw->meta[1].value = final;
  sw->err = arrow_rewrite_schema(&sw->w);
  if (!sw->err) sw->err = arrow_finish(&sw->w);
  return sw->err;
}
