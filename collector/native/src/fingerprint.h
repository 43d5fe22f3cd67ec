/* The environment fingerprint (the contract's `host`): kernel, timer, CPU and hypervisor facts. */
#ifndef TICKSCOPE_FINGERPRINT_H
#define TICKSCOPE_FINGERPRINT_H
#include "counter.h"
#include "util.h"

/* Appends the fingerprint as one JSON object. tsc_hz: the measured counter frequency (0: measure now). */
void fingerprint_json(buf_t *out, const counter_info *counter, double tsc_hz);
#endif
