/*
 * The cycle counter the tests read: the TSC on x86-64 (lfence;rdtsc to start, rdtscp;lfence to end, no
 * CPUID because it exits to the hypervisor), cntvct_el0 on aarch64, and CLOCK_MONOTONIC_RAW (through the
 * vDSO) where neither is reliable. Every run says which one it used and why.
 */
#ifndef TICKSCOPE_COUNTER_H
#define TICKSCOPE_COUNTER_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef enum { COUNTER_TSC, COUNTER_TSC_NO_RDTSCP, COUNTER_CNTVCT, COUNTER_MONOTONIC_RAW } counter_kind;

typedef struct {
  counter_kind kind;
  const char *name;   /* "tsc", "cntvct_el0", "clock_monotonic_raw" */
  const char *reason; /* why this counter */
  double hz_nominal;  /* the kernel's or the CPU's own figure, 0 when unknown */
  const char *hz_nominal_source;
} counter_info;

void counter_detect(counter_info *c);

static inline uint64_t counter_mono_raw(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC_RAW, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

#if defined(__x86_64__) || defined(__i386__)
static inline uint64_t tsc_begin(void) {
  uint32_t lo, hi;
  __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
  return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t tsc_end(void) {
  uint32_t lo, hi, aux;
  __asm__ volatile("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
  return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t tsc_end_no_rdtscp(void) {
  uint32_t lo, hi;
  __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
  return ((uint64_t)hi << 32) | lo;
}
#define COUNTER_HAS_TSC 1
#elif defined(__aarch64__)
static inline uint64_t cntvct_read(void) {
  uint64_t v;
  __asm__ volatile("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v)::"memory");
  return v;
}
#define COUNTER_HAS_CNTVCT 1
#endif

/* Reads the counter chosen at run time: for code outside the measured loops. */
static inline uint64_t counter_read(const counter_info *c) {
  switch (c->kind) {
#ifdef COUNTER_HAS_TSC
    case COUNTER_TSC:
      return tsc_end();
    case COUNTER_TSC_NO_RDTSCP:
      return tsc_end_no_rdtscp();
#endif
#ifdef COUNTER_HAS_CNTVCT
    case COUNTER_CNTVCT:
      return cntvct_read();
#endif
    default:
      return counter_mono_raw();
  }
}

/* A (counter, CLOCK_MONOTONIC_RAW) pair read as close together as possible. */
typedef struct {
  uint64_t counter, raw_ns;
} counter_pair;
counter_pair counter_pair_read(const counter_info *c);
/* Counter frequency between two pairs; 1e9 for the monotonic-raw fallback. */
double counter_hz(const counter_info *c, counter_pair a, counter_pair b);

/* Fixed-point conversion: ns = (ticks * mult) >> 32. */
typedef struct {
  uint64_t mult;
} counter_scale;
counter_scale counter_scale_for(double hz);
static inline uint64_t counter_to_ns(counter_scale s, uint64_t ticks) {
  return (uint64_t)(((unsigned __int128)ticks * s.mult) >> 32);
}
#endif
