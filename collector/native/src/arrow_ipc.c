#include "arrow_ipc.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- a forward Flatbuffers builder: a table's vtable is written just before it, its children after
 * it, and offsets are patched once the children's positions are known (all offsets point forward). */

enum { FB_SCALAR, FB_OFFSET };
typedef struct {
  int slot;
  int size; /* 1, 2, 4, 8 */
  int kind;
  int64_t value;
  size_t pos; /* out: where the field was written */
} fb_field;

static void put_le(uint8_t *p, uint64_t v, int size) {
  for (int i = 0; i < size; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void fb_align(buf_t *b, size_t a) {
  if (b->len % a) buf_zero(b, a - b->len % a);
}
static void fb_u32(buf_t *b, uint32_t v) {
  uint8_t x[4];
  put_le(x, v, 4);
  buf_put(b, x, 4);
}
/* Points the uoffset stored at `at` to `target`. */
static void fb_patch(buf_t *b, size_t at, size_t target) { put_le(b->p + at, (uint32_t)(target - at), 4); }

static size_t fb_table(buf_t *b, fb_field *f, int n) {
  int slots = 0;
  for (int i = 0; i < n; i++)
    if (f[i].slot + 1 > slots) slots = f[i].slot + 1;
  size_t rel[16], size = 4; /* after the soffset to the vtable */
  for (int width = 8; width >= 1; width /= 2)
    for (int i = 0; i < n; i++)
      if (f[i].size == width) {
        size = (size + (size_t)width - 1) / (size_t)width * (size_t)width;
        rel[i] = size;
        size += (size_t)width;
      }
  fb_align(b, 2);
  size_t vt = b->len;
  uint8_t v[64] = {0};
  put_le(v, (uint64_t)(4 + 2 * slots), 2);
  put_le(v + 2, size, 2);
  for (int i = 0; i < n; i++) put_le(v + 4 + 2 * f[i].slot, rel[i], 2);
  buf_put(b, v, (size_t)(4 + 2 * slots));
  fb_align(b, 8);
  size_t table = b->len;
  buf_zero(b, size);
  put_le(b->p + table, (uint32_t)(int32_t)(table - vt), 4);
  for (int i = 0; i < n; i++) {
    f[i].pos = table + rel[i];
    if (f[i].kind == FB_SCALAR) put_le(b->p + f[i].pos, (uint64_t)f[i].value, f[i].size);
  }
  return table;
}

static size_t fb_string(buf_t *b, const char *s) {
  fb_align(b, 4);
  size_t at = b->len;
  fb_u32(b, (uint32_t)strlen(s));
  buf_put(b, s, strlen(s) + 1);
  return at;
}

/* A vector's length word, placed so that its elements start aligned to `align`. */
static size_t fb_vector(buf_t *b, uint32_t count, size_t align) {
  fb_align(b, 4);
  while ((b->len + 4) % align) buf_zero(b, 4);
  size_t at = b->len;
  fb_u32(b, count);
  return at;
}

/* Schema.fbs: Int { bitWidth, is_signed }; Field { name, nullable, type_type, type, dictionary, children,
 * custom_metadata }; Schema { endianness, fields, custom_metadata, features }; KeyValue { key, value }. */
enum { TYPE_INT = 2, HEADER_SCHEMA = 1, HEADER_RECORD_BATCH = 3, METADATA_V5 = 4 };

static size_t fb_schema(buf_t *b, const arrow_writer *w) {
  fb_field schema[] = {{.slot = 1, .size = 4, .kind = FB_OFFSET}, {.slot = 2, .size = 4, .kind = FB_OFFSET}};
  size_t table = fb_table(b, schema, 2);

  size_t fields = fb_vector(b, (uint32_t)w->ncols, 4);
  fb_patch(b, schema[0].pos, fields);
  buf_zero(b, 4 * (size_t)w->ncols);
  for (int i = 0; i < w->ncols; i++) {
    fb_field field[] = {
        {.slot = 0, .size = 4, .kind = FB_OFFSET}, {.slot = 1, .size = 1, .value = 0},
        {.slot = 2, .size = 1, .value = TYPE_INT}, {.slot = 3, .size = 4, .kind = FB_OFFSET},
        {.slot = 5, .size = 4, .kind = FB_OFFSET},
    };
    size_t ft = fb_table(b, field, 5);
    fb_patch(b, fields + 4 + 4 * (size_t)i, ft);
    fb_patch(b, field[0].pos, fb_string(b, w->cols[i].name));
    fb_field type[] = {{.slot = 0, .size = 4, .value = w->cols[i].bit_width},
                       {.slot = 1, .size = 1, .value = w->cols[i].is_signed}};
    fb_patch(b, field[3].pos, fb_table(b, type, 2));
    fb_patch(b, field[4].pos, fb_vector(b, 0, 4)); /* children: empty, but present (Arrow C++ requires it) */
  }

  size_t kvs = fb_vector(b, (uint32_t)w->nmeta, 4);
  fb_patch(b, schema[1].pos, kvs);
  buf_zero(b, 4 * (size_t)w->nmeta);
  for (int i = 0; i < w->nmeta; i++) {
    fb_field kv[] = {{.slot = 0, .size = 4, .kind = FB_OFFSET}, {.slot = 1, .size = 4, .kind = FB_OFFSET}};
    fb_patch(b, kvs + 4 + 4 * (size_t)i, fb_table(b, kv, 2));
    fb_patch(b, kv[0].pos, fb_string(b, w->meta[i].key));
    fb_patch(b, kv[1].pos, fb_string(b, w->meta[i].value));
  }
  return table;
}

/* Message { version, header_type, header, bodyLength, custom_metadata } with its header table. */
static void fb_message(buf_t *b, const arrow_writer *w, int header_type, uint32_t rows, uint64_t body,
                       const uint64_t *buffers /* offset,length pairs */, int nbuffers) {
  size_t root = b->len;
  fb_u32(b, 0);
  fb_field msg[] = {
      {.slot = 0, .size = 2, .value = METADATA_V5},
      {.slot = 1, .size = 1, .value = header_type},
      {.slot = 2, .size = 4, .kind = FB_OFFSET},
      {.slot = 3, .size = 8, .value = (int64_t)body},
  };
  fb_patch(b, root, fb_table(b, msg, 4));
  if (header_type == HEADER_SCHEMA) {
    fb_patch(b, msg[2].pos, fb_schema(b, w));
    return;
  }
  /* RecordBatch { length, nodes: [FieldNode{length,null_count}], buffers: [Buffer{offset,length}] } */
  fb_field rb[] = {
      {.slot = 0, .size = 8, .value = rows},
      {.slot = 1, .size = 4, .kind = FB_OFFSET},
      {.slot = 2, .size = 4, .kind = FB_OFFSET},
  };
  fb_patch(b, msg[2].pos, fb_table(b, rb, 3));
  fb_patch(b, rb[1].pos, fb_vector(b, (uint32_t)w->ncols, 8));
  for (int i = 0; i < w->ncols; i++) {
    uint8_t node[16] = {0};
    put_le(node, rows, 8);
    buf_put(b, node, 16);
  }
  fb_patch(b, rb[2].pos, fb_vector(b, (uint32_t)nbuffers, 8));
  for (int i = 0; i < nbuffers; i++) {
    uint8_t buffer[16];
    put_le(buffer, buffers[2 * i], 8);
    put_le(buffer + 8, buffers[2 * i + 1], 8);
    buf_put(b, buffer, 16);
  }
}

static int write_all(arrow_writer *w, const void *p, size_t n) {
  const uint8_t *c = p;
  while (n) {
    ssize_t k = write(w->fd, c, n > (1u << 30) ? (1u << 30) : n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    c += k;
    n -= (size_t)k;
    w->pos += (uint64_t)k;
  }
  return 0;
}

/* Continuation marker, padded metadata length, the flatbuffer, padding to 8 bytes. */
static int write_message(arrow_writer *w, buf_t *fb, uint32_t *meta_len) {
  fb_align(fb, 8);
  uint8_t prefix[8];
  put_le(prefix, 0xFFFFFFFFu, 4);
  put_le(prefix + 4, fb->len, 4);
  *meta_len = (uint32_t)(8 + fb->len);
  int err = write_all(w, prefix, 8);
  return err ? err : write_all(w, fb->p, fb->len);
}

int arrow_open(arrow_writer *w, int fd, const arrow_column *cols, int ncols, const arrow_kv *meta, int nmeta) {
  memset(w, 0, sizeof *w);
  w->fd = fd;
  w->ncols = ncols;
  memcpy(w->cols, cols, sizeof *cols * (size_t)ncols);
  w->meta = meta;
  w->nmeta = nmeta;
  int err = write_all(w, "ARROW1\0\0", 8);
  if (err) return err;
  buf_t fb = {0};
  fb_message(&fb, w, HEADER_SCHEMA, 0, 0, NULL, 0);
  err = write_message(w, &fb, &w->schema_len);
  buf_free(&fb);
  return err;
}

int arrow_rewrite_schema(arrow_writer *w) {
  buf_t fb = {0};
  fb_message(&fb, w, HEADER_SCHEMA, 0, 0, NULL, 0);
  fb_align(&fb, 8);
  int err = 0;
  if (8 + fb.len != w->schema_len) err = EINVAL;
  uint8_t prefix[8];
  put_le(prefix, 0xFFFFFFFFu, 4);
  put_le(prefix + 4, fb.len, 4);
  if (!err && pwrite(w->fd, prefix, 8, 8) != 8) err = errno ? errno : EIO;
  if (!err && pwrite(w->fd, fb.p, fb.len, 16) != (ssize_t)fb.len) err = errno ? errno : EIO;
  buf_free(&fb);
  return err;
}

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

int arrow_write_batch(arrow_writer *w, uint32_t rows, const void *const *data) {
  uint64_t buffers[2 * 2 * ARROW_MAX_COLUMNS], body = 0;
  for (int i = 0; i < w->ncols; i++) {
    size_t bytes = (size_t)rows * (size_t)(w->cols[i].bit_width / 8);
    buffers[4 * i + 0] = body; /* validity: absent (no nulls) */
    buffers[4 * i + 1] = 0;
    buffers[4 * i + 2] = body;
    buffers[4 * i + 3] = bytes;
    body += pad8(bytes);
  }
  if (w->nblocks == w->cap_blocks) {
    size_t cap = w->cap_blocks ? 2 * w->cap_blocks : 64;
    void *p = realloc(w->blocks, cap * sizeof *w->blocks);
    if (!p) return ENOMEM;
    w->blocks = p;
    w->cap_blocks = cap;
  }
  struct arrow_block *block = &w->blocks[w->nblocks++];
  block->offset = w->pos;
  block->body = body;
  buf_t fb = {0};
  fb_message(&fb, w, HEADER_RECORD_BATCH, rows, body, buffers, 2 * w->ncols);
  int err = write_message(w, &fb, &block->meta_len);
  buf_free(&fb);
  if (err) return err;
  static const uint8_t zeros[8];
  struct iovec iov[2 * ARROW_MAX_COLUMNS];
  int n = 0;
  for (int i = 0; i < w->ncols; i++) {
    size_t bytes = (size_t)rows * (size_t)(w->cols[i].bit_width / 8);
    iov[n++] = (struct iovec){(void *)data[i], bytes};
    if (pad8(bytes) != bytes) iov[n++] = (struct iovec){(void *)zeros, pad8(bytes) - bytes};
  }
  /* writev may write part of it: finish the rest buffer by buffer. */
  ssize_t done = writev(w->fd, iov, n);
  if (done < 0 && errno != EINTR) return errno;
  if (done < 0) done = 0;
  w->pos += (uint64_t)done;
  for (int i = 0; i < n; i++) {
    if ((size_t)done >= iov[i].iov_len) {
      done -= (ssize_t)iov[i].iov_len;
      continue;
    }
    err = write_all(w, (const uint8_t *)iov[i].iov_base + done, iov[i].iov_len - (size_t)done);
    if (err) return err;
    done = 0;
  }
  return 0;
}

int arrow_finish(arrow_writer *w) {
  uint8_t eos[8];
  put_le(eos, 0xFFFFFFFFu, 4);
  put_le(eos + 4, 0, 4);
  int err = write_all(w, eos, 8);
  if (err) return err;
  /* Footer { version, schema, dictionaries: [Block], recordBatches: [Block] };
   * Block { offset: long, metaDataLength: int, (pad), bodyLength: long } = 24 bytes. */
  buf_t fb = {0};
  size_t root = fb.len;
  fb_u32(&fb, 0);
  fb_field footer[] = {
      {.slot = 0, .size = 2, .value = METADATA_V5},
      {.slot = 1, .size = 4, .kind = FB_OFFSET},
      {.slot = 2, .size = 4, .kind = FB_OFFSET},
      {.slot = 3, .size = 4, .kind = FB_OFFSET},
  };
  fb_patch(&fb, root, fb_table(&fb, footer, 4));
  fb_patch(&fb, footer[1].pos, fb_schema(&fb, w));
  fb_patch(&fb, footer[2].pos, fb_vector(&fb, 0, 8));
  fb_patch(&fb, footer[3].pos, fb_vector(&fb, (uint32_t)w->nblocks, 8));
  for (size_t i = 0; i < w->nblocks; i++) {
    uint8_t block[24] = {0};
    put_le(block, w->blocks[i].offset, 8);
    put_le(block + 8, w->blocks[i].meta_len, 4);
    put_le(block + 16, w->blocks[i].body, 8);
    buf_put(&fb, block, 24);
  }
  uint8_t tail[10];
  put_le(tail, fb.len, 4);
  memcpy(tail + 4, "ARROW1", 6);
  err = write_all(w, fb.p, fb.len);
  if (!err) err = write_all(w, tail, 10);
  buf_free(&fb);
  free(w->blocks);
  w->blocks = NULL;
  return err;
}
