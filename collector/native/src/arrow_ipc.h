/*
 * A minimal Arrow IPC *file* writer for the sampler's fixed schemas (integer columns, no nulls,
 * uncompressed, 8-byte aligned buffers, continuation markers). The Flatbuffers messages (Schema,
 * RecordBatch, Footer) are laid out by hand; collector/src tests check every file with apache-arrow.
 */
#ifndef TICKSCOPE_ARROW_IPC_H
#define TICKSCOPE_ARROW_IPC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define ARROW_MAX_COLUMNS 4
#define ARROW_MAX_BATCH_ROWS 1048576u /* the contract's limit (lib/format/contract.ts MAX_BATCH_ROWS) */

typedef struct {
  const char *name;
  int bit_width; /* 8, 16, 32, 64 */
  bool is_signed;
} arrow_column;

typedef struct {
  const char *key, *value;
} arrow_kv;

typedef struct {
  int fd;
  uint64_t pos;
  int ncols;
  arrow_column cols[ARROW_MAX_COLUMNS];
  const arrow_kv *meta;
  int nmeta;
  uint32_t schema_len; /* bytes of the schema message at offset 8 */
  struct arrow_block {
    uint64_t offset, body;
    uint32_t meta_len;
  } * blocks;
  size_t nblocks, cap_blocks;
} arrow_writer;

/* Returns 0, or an errno value. Metadata strings must outlive the writer. */
int arrow_open(arrow_writer *w, int fd, const arrow_column *cols, int ncols, const arrow_kv *meta, int nmeta);
/* One record batch of `rows` rows (at most ARROW_MAX_BATCH_ROWS); data[i] points at column i's values. */
int arrow_write_batch(arrow_writer *w, uint32_t rows, const void *const *data);
/* Writes the schema message again at offset 8, from w->meta as it is now: the same length, or EINVAL. */
int arrow_rewrite_schema(arrow_writer *w);
/* Writes the end-of-stream marker and the footer. */
int arrow_finish(arrow_writer *w);
#endif
