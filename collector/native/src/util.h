/* Small helpers shared by the sampler's commands: a growable byte buffer, a JSON writer, argument parsing. */
#ifndef TICKSCOPE_UTIL_H
#define TICKSCOPE_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct {
  uint8_t *p;
  size_t len, cap;
} buf_t;

void buf_reserve(buf_t *b, size_t extra);
void buf_put(buf_t *b, const void *data, size_t n);
void buf_zero(buf_t *b, size_t n);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(buf_t *b);
const char *buf_str(buf_t *b); /* NUL-terminates (not counted in len) */

/* JSON object writer: json_begin, then key/value calls, then json_end. Keys and strings are escaped. */
typedef struct {
  buf_t *b;
  int depth;
  bool first[16];
} json_t;
void json_begin(json_t *j, buf_t *b);
void json_open(json_t *j, const char *key); /* nested object */
void json_close(json_t *j);
void json_end(json_t *j);
void json_str(json_t *j, const char *key, const char *value); /* NULL writes null */
void json_int(json_t *j, const char *key, int64_t value);
void json_num(json_t *j, const char *key, double value); /* non-finite writes null */
void json_bool(json_t *j, const char *key, bool value);
void json_null(json_t *j, const char *key);
void json_raw(json_t *j, const char *key, const char *json);
void json_escape(buf_t *b, const char *s);

/* Errors the user can act on: printed as "tickscope-sampler: <message>", exit status 2 (usage) or 1. */
void fail_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Called by fail() before exiting (removes a half-written output). */
extern void (*at_fail)(void);

bool parse_u64(const char *s, uint64_t *out);
/* "3s", "500ms", "10m", "1h", "250us", a bare number is seconds. */
bool parse_duration_ns(const char *s, uint64_t *out);
/* "9MiB", "9M", "4096", "1GiB" */
bool parse_size(const char *s, uint64_t *out);
/* "0,2-3" into a bitmap of max_cpus entries; returns the number set, -1 on a syntax error */
int parse_cpu_list(const char *s, bool *set, int max_cpus);

char *read_text_file(const char *path, size_t max); /* trimmed; NULL when unreadable */
uint64_t mono_raw_ns(void);
uint64_t mono_ns(void);
/* Sleeps until CLOCK_MONOTONIC reaches `mono_deadline` (ns), or a signal comes. */
void mono_sleep_until(uint64_t mono_deadline);
/* Bytes free to this user on the disk holding `fd`, -1 when it cannot tell. */
double disk_free_bytes(int fd);
void iso8601_now(char *out, size_t n);
#endif
