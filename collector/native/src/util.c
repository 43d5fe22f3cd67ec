#include "util.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

void (*at_fail)(void);

void buf_reserve(buf_t *b, size_t extra) {
  if (b->len + extra <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra) cap *= 2;
  uint8_t *p = realloc(b->p, cap);
  if (!p) fail("out of memory (%zu bytes)", cap);
  b->p = p;
  b->cap = cap;
}
void buf_put(buf_t *b, const void *data, size_t n) {
  buf_reserve(b, n);
  memcpy(b->p + b->len, data, n);
  b->len += n;
}
void buf_zero(buf_t *b, size_t n) {
  buf_reserve(b, n);
  memset(b->p + b->len, 0, n);
  b->len += n;
}
void buf_printf(buf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  buf_reserve(b, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}
void buf_free(buf_t *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}
const char *buf_str(buf_t *b) {
  buf_reserve(b, 1);
  b->p[b->len] = 0;
  return (const char *)b->p;
}

void json_escape(buf_t *b, const char *s) {
  buf_put(b, "\"", 1);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '"' || *c == '\\') {
      buf_put(b, "\\", 1);
      buf_put(b, c, 1);
    } else if (*c < 0x20) {
      buf_printf(b, "\\u%04x", *c);
    } else {
      buf_put(b, c, 1);
    }
  }
  buf_put(b, "\"", 1);
}
static void json_key(json_t *j, const char *key) {
  if (!j->first[j->depth]) buf_put(j->b, ",", 1);
  j->first[j->depth] = false;
  json_escape(j->b, key);
  buf_put(j->b, ":", 1);
}
void json_begin(json_t *j, buf_t *b) {
  j->b = b;
  j->depth = 0;
  j->first[0] = true;
  buf_put(b, "{", 1);
}
void json_open(json_t *j, const char *key) {
  json_key(j, key);
  buf_put(j->b, "{", 1);
  j->first[++j->depth] = true;
}
void json_close(json_t *j) {
  buf_put(j->b, "}", 1);
  j->depth--;
}
void json_end(json_t *j) { buf_put(j->b, "}", 1); }
void json_str(json_t *j, const char *key, const char *value) {
  json_key(j, key);
  if (value)
    json_escape(j->b, value);
  else
    buf_put(j->b, "null", 4);
}
void json_int(json_t *j, const char *key, int64_t value) {
  json_key(j, key);
  buf_printf(j->b, "%lld", (long long)value);
}
void json_num(json_t *j, const char *key, double value) {
  json_key(j, key);
  if (isfinite(value))
    buf_printf(j->b, "%.17g", value);
  else
    buf_put(j->b, "null", 4);
}
void json_bool(json_t *j, const char *key, bool value) {
  json_key(j, key);
  buf_printf(j->b, "%s", value ? "true" : "false");
}
void json_null(json_t *j, const char *key) {
  json_key(j, key);
  buf_put(j->b, "null", 4);
}
void json_raw(json_t *j, const char *key, const char *json) {
  json_key(j, key);
  buf_put(j->b, json, strlen(json));
}

__attribute__((noreturn)) static void vfail(int status, const char *fmt, va_list ap) {
  if (at_fail) at_fail();
  fputs("tickscope-sampler: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  exit(status);
}
void fail_usage(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(2, fmt, ap);
}
void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(1, fmt, ap);
}

bool parse_u64(const char *s, uint64_t *out) {
  if (!s || !isdigit((unsigned char)*s)) return false;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) return false;
  *out = v;
  return true;
}

bool parse_duration_ns(const char *s, uint64_t *out) {
  if (!s || !(isdigit((unsigned char)*s) || *s == '.')) return false;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || !(v >= 0)) return false;
  double unit;
  if (!*end || !strcmp(end, "s"))
    unit = 1e9;
  else if (!strcmp(end, "ms"))
    unit = 1e6;
  else if (!strcmp(end, "us"))
    unit = 1e3;
  else if (!strcmp(end, "ns"))
    unit = 1;
  else if (!strcmp(end, "m") || !strcmp(end, "min"))
    unit = 60e9;
  else if (!strcmp(end, "h"))
    unit = 3600e9;
  else
    return false;
  double ns = v * unit;
  if (ns > 1e18) return false;
  *out = (uint64_t)llround(ns);
  return true;
}

bool parse_size(const char *s, uint64_t *out) {
  if (!s || !isdigit((unsigned char)*s)) return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno) return false;
  uint64_t unit = 1;
  if (!*end || !strcmp(end, "B"))
    unit = 1;
  else if (!strcmp(end, "K") || !strcmp(end, "KiB") || !strcmp(end, "k"))
    unit = 1ull << 10;
  else if (!strcmp(end, "M") || !strcmp(end, "MiB"))
    unit = 1ull << 20;
  else if (!strcmp(end, "G") || !strcmp(end, "GiB"))
    unit = 1ull << 30;
  else
    return false;
  *out = v * unit;
  return true;
}

int parse_cpu_list(const char *s, bool *set, int max_cpus) {
  int n = 0;
  const char *p = s;
  if (!*p) return -1;
  while (*p) {
    char *end;
    long a = strtol(p, &end, 10);
    if (end == p || a < 0) return -1;
    long b = a;
    p = end;
    if (*p == '-') {
      p++;
      b = strtol(p, &end, 10);
      if (end == p || b < a) return -1;
      p = end;
    }
    for (long c = a; c <= b; c++) {
      if (c >= max_cpus) return -2;
      if (!set[c]) n++;
      set[c] = true;
    }
    if (*p == ',')
      p++;
    else if (*p)
      return -1;
  }
  return n;
}

char *read_text_file(const char *path, size_t max) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char *s = malloc(max + 1);
  if (!s) {
    fclose(f);
    return NULL;
  }
  size_t n = fread(s, 1, max, f);
  fclose(f);
  s[n] = 0;
  while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
  return s;
}

uint64_t mono_raw_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC_RAW, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
uint64_t mono_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
void mono_sleep_until(uint64_t mono_deadline) {
  struct timespec t = {(time_t)(mono_deadline / 1000000000ull), (long)(mono_deadline % 1000000000ull)};
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL); /* EINTR: a signal; the caller's loop looks */
}

double disk_free_bytes(int fd) {
  struct statvfs fs;
  return fstatvfs(fd, &fs) == 0 ? (double)fs.f_bavail * (double)fs.f_frsize : -1;
}

void iso8601_now(char *out, size_t n) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  struct tm tm;
  gmtime_r(&t.tv_sec, &tm);
  char base[32];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out, n, "%s.%03ldZ", base, t.tv_nsec / 1000000);
}
