#include "samples.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "util.h"

static void *map(uint64_t bytes) {
  /* Address space only: with mlockall(MCL_ONFAULT) pages are locked as they are first touched. */
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    fail("cannot allocate %.1f MiB for the samples: %s (ask for fewer --samples or a shorter --duration)",
         bytes / 1048576.0, strerror(errno));
  return p;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* Faults in the pages of [from, to) bytes without changing a byte: MADV_POPULATE_WRITE where the kernel
 * has it (one call, as if each page were written), else an atomic add of zero on each page, a write
 * that keeps whatever the sampler may have stored there meanwhile. */
static void touch(void *base, uint64_t from, uint64_t to) {
  from &= ~(uint64_t)4095;
  if (to <= from) return;
  if (madvise((char *)base + from, to - from, MADV_POPULATE_WRITE) == 0) return;
  for (uint64_t at = from; at < to; at += 4096)
    __atomic_fetch_add((uint32_t *)((char *)base + at), 0, __ATOMIC_RELAXED);
}

void samples_prefault(samples_t *s, uint64_t upto) {
  if (upto > s->capacity) upto = s->capacity;
  uint64_t from = s->prefaulted;
  if (upto <= from) return;
  touch(s->ts, from * 8, upto * 8);
  touch(s->dur, from * 4, upto * 4);
  if (s->thread) touch(s->thread, from * 4, upto * 4);
  __atomic_store_n(&s->prefaulted, upto, __ATOMIC_RELEASE);
}

void samples_reserve(samples_t *s, uint64_t capacity, uint64_t initial, bool with_thread) {
  memset(s, 0, sizeof *s);
  if (!capacity) capacity = 1;
  s->capacity = capacity;
  s->mask = UINT64_MAX;
  s->limit = capacity;
  s->ts = map(capacity * 8);
  s->dur = map(capacity * 4);
  if (with_thread) s->thread = map(capacity * 4);
  samples_prefault(s, initial);
}

void samples_reserve_ring(samples_t *s, uint64_t slots, uint64_t total, bool with_thread) {
  uint64_t ring = 1;
  while (ring < slots) ring <<= 1;
  samples_reserve(s, ring, ring, with_thread);
  s->ring = true;
  s->mask = ring - 1;
  s->limit = total && total < ring ? total : ring;
}

void samples_free(samples_t *s) {
  uint64_t n = s->capacity ? s->capacity : 1;
  munmap(s->ts, n * 8);
  munmap(s->dur, n * 4);
  if (s->thread) munmap(s->thread, n * 4);
  memset(s, 0, sizeof *s);
}

uint64_t samples_bytes_each(bool with_thread) { return with_thread ? 16 : 12; }

uint64_t samples_max_capacity(bool with_thread) {
  uint64_t available_kb = 0;
  FILE *f = fopen("/proc/meminfo", "r");
  if (f) {
    char line[256];
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "MemAvailable: %lu kB", &available_kb) == 1) break;
    fclose(f);
  }
  if (!available_kb) available_kb = 1024 * 1024;
  return available_kb * 1024 / 10 * 6 / samples_bytes_each(with_thread);
}

uint64_t samples_to_ns(samples_t *s, counter_scale scale) {
  uint64_t saturated = 0, t0 = s->count ? s->ts[0] : 0;
  int64_t *ts = (int64_t *)s->ts;
  for (uint64_t i = 0; i < s->count; i++) {
    ts[i] = (int64_t)counter_to_ns(scale, s->ts[i] - t0);
    uint64_t d = s->dur[i];
    if (d == UINT32_MAX) {
      saturated++;
      continue;
    }
    d = counter_to_ns(scale, d);
    s->dur[i] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
  }
  return saturated;
}
