#include "counter.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include "cpu.h"

#ifdef COUNTER_HAS_TSC
/* "tsc: Refined TSC clocksource calibration: 2100.000 MHz" beats "tsc: Detected 2100.000 MHz processor". */
static double kernel_log_tsc_hz(void) {
  int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
  if (size <= 0) return 0;
  char *log = malloc((size_t)size + 1);
  if (!log) return 0;
  int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, size);
  double hz = 0;
  if (n > 0) {
    log[n] = 0;
    const char *keys[] = {"Refined TSC clocksource calibration: ", "tsc: Detected "};
    for (int k = 0; k < 2 && hz == 0; k++) {
      const char *p = strstr(log, keys[k]);
      if (p) hz = strtod(p + strlen(keys[k]), NULL) * 1e6;
    }
  }
  free(log);
  return hz;
}
#endif

void counter_detect(counter_info *c) {
  memset(c, 0, sizeof *c);
#ifdef COUNTER_HAS_TSC
  cpu_ids ids;
  cpu_read_ids(&ids);
  if (!ids.invariant_tsc) {
    c->kind = COUNTER_MONOTONIC_RAW;
    c->name = "clock_monotonic_raw";
    c->reason = "the TSC is not invariant (CPUID 0x80000007 EDX bit 8 clear): CLOCK_MONOTONIC_RAW is used instead";
    return;
  }
  c->kind = ids.rdtscp ? COUNTER_TSC : COUNTER_TSC_NO_RDTSCP;
  c->name = "tsc";
  c->reason = ids.rdtscp ? "invariant TSC: lfence;rdtsc ... rdtscp;lfence"
                         : "invariant TSC without RDTSCP: lfence;rdtsc ... lfence;rdtsc;lfence";
  if (ids.tsc_hz_cpuid > 0) {
    c->hz_nominal = ids.tsc_hz_cpuid;
    c->hz_nominal_source = ids.tsc_hz_cpuid_source;
  } else if ((c->hz_nominal = kernel_log_tsc_hz()) > 0) {
    c->hz_nominal_source = "kernel log (tsc: ... MHz)";
  }
#elif defined(COUNTER_HAS_CNTVCT)
  uint64_t f;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
  c->kind = COUNTER_CNTVCT;
  c->name = "cntvct_el0";
  c->reason = "aarch64 generic timer, virtual count (isb-ordered reads)";
  c->hz_nominal = (double)f;
  c->hz_nominal_source = "cntfrq_el0";
#else
  c->kind = COUNTER_MONOTONIC_RAW;
  c->name = "clock_monotonic_raw";
  c->reason = "no cycle counter known on this architecture";
#endif
}

counter_pair counter_pair_read(const counter_info *c) {
  counter_pair best = {0, 0};
  uint64_t best_window = UINT64_MAX;
  for (int i = 0; i < 7; i++) {
    uint64_t a = counter_mono_raw();
    uint64_t t = counter_read(c);
    uint64_t b = counter_mono_raw();
    if (b - a < best_window) {
      best_window = b - a;
      best = (counter_pair){t, a + (b - a) / 2};
    }
  }
  return best;
}

double counter_hz(const counter_info *c, counter_pair a, counter_pair b) {
  if (c->kind == COUNTER_MONOTONIC_RAW || b.raw_ns <= a.raw_ns) return 1e9;
  return (double)(b.counter - a.counter) * 1e9 / (double)(b.raw_ns - a.raw_ns);
}

counter_scale counter_scale_for(double hz) { return (counter_scale){(uint64_t)llround(1e9 / hz * 4294967296.0)}; }
