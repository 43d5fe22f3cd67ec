/* Sample memory, locked, in one of two shapes:
 * - held (--hold): reserved before the run and pre-faulted ahead of the sampler (all of it for a run by
 *   sample count; for a run by duration the monitor keeps a few seconds' worth ready ahead of the write
 *   position); converted in place and written after the run: 12 bytes a sample (16 with `thread`).
 * - ring (the default, streamed): a fixed ring of `capacity` slots (a power of two), faulted in before the
 *   run and reused until its end. Sample i goes to slot i & mask; the sampler may write below `limit`, which
 *   the writer raises as it empties slots. Nothing is mapped, unmapped, locked or released during the run,
 *   so the kernel has no per-CPU work to do on the measured CPU on the writer's behalf. */
#ifndef TICKSCOPE_SAMPLES_H
#define TICKSCOPE_SAMPLES_H
#include <stdbool.h>
#include <stdint.h>
#include "counter.h"

typedef struct {
  uint64_t *ts;        /* counter value at the sample's start; int64 ns since the run started once converted */
  uint32_t *dur;       /* counter ticks (0 = not yet written); ns once converted; saturates at UINT32_MAX */
  int32_t *thread;     /* the thread that resumed (switch test), NULL otherwise */
  uint64_t capacity;   /* slots reserved (address space) */
  uint64_t mask;       /* slot of sample i: i & mask (held: all ones) */
  uint64_t limit;      /* the sampler writes samples below this (atomic; a ring's writer raises it) */
  uint64_t prefaulted; /* slots whose pages are resident: the sampler never faults below this */
  uint64_t count;      /* samples taken */
  bool ring;
} samples_t;

/* Reserves `capacity` samples and pre-faults the first `initial`. Fails with a message when the memory
 * is not there. */
void samples_reserve(samples_t *s, uint64_t capacity, uint64_t initial, bool with_thread);
/* Reserves and faults in a ring of `slots` (rounded up to a power of two); `total` samples at most (0: no
 * end but the writer's pace). */
void samples_reserve_ring(samples_t *s, uint64_t slots, uint64_t total, bool with_thread);
/* Pre-faults (zero-fills) up to `upto` samples; runs on the monitor's CPU, never the measured one. */
void samples_prefault(samples_t *s, uint64_t upto);
void samples_free(samples_t *s);
/* Bytes of RAM one sample needs, and how many samples fit in the memory budget (60% of MemAvailable). */
uint64_t samples_bytes_each(bool with_thread);
uint64_t samples_max_capacity(bool with_thread);

static inline void samples_store(uint32_t *dur, uint64_t i, uint64_t ticks) {
  __atomic_store_n(&dur[i], ticks > UINT32_MAX ? UINT32_MAX : (ticks ? (uint32_t)ticks : 1u), __ATOMIC_RELEASE);
}

/* Converts in place: ts to ns since the first sample, dur to ns. Returns the number of saturated samples. */
uint64_t samples_to_ns(samples_t *s, counter_scale scale);
#endif
