#include "samples.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "util.h"

static void *map(uint64_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    fail("cannot allocate %.1f MiB for the samples: %s (ask for fewer --samples or a shorter --duration)",
         bytes / 1048576.0, strerror(errno));
  memset(p, 0, bytes); /* pre-fault, so the measured loop never takes a page fault */
  return p;
}

void samples_alloc(samples_t *s, uint64_t capacity, bool with_thread) {
  memset(s, 0, sizeof *s);
  s->capacity = capacity;
  s->ts = map((capacity ? capacity : 1) * 8);
  s->dur = map((capacity ? capacity : 1) * 4);
  if (with_thread) s->thread = map((capacity ? capacity : 1) * 4);
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
