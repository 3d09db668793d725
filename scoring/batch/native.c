/*
 * The per-cell loops of `cli.py score` that array kernels cannot make cheap
 * (bench/README.md has the measurements). Nothing here knows a score, a column or a
 * clinical rule: it hashes texts, checks that they are UTF-8 and lays out CSV rows.
 * Loaded with ctypes by scoring/batch/native.py, which checks that the library was built
 * from this file (SOURCE_SHA256, given by the Makefile; native.py pins its hash).
 *
 * Texts arrive as Arrow large_string buffers: offsets (int64, one more than texts) and
 * the character bytes. Every read stays inside [data + offsets[0], data + offsets[last]),
 * every write inside the caller's buffer; indices are checked before they are used.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "head_word compares texts as little-endian words"
#endif

#ifndef SOURCE_SHA256
#error "build with -DSOURCE_SHA256='\"<sha256 of this file>\"' (see the Makefile)"
#endif

const char *native_source_sha256(void) { return SOURCE_SHA256; }

/* ------------------------------------------------------------------ distinct texts */

typedef struct {
    uint64_t head; /* the text's first 8 bytes, zero-padded */
    int64_t len;
    int64_t number; /* -1: empty slot */
} slot;

/* The first min(len, 8) bytes of a text as one word, zero-padded, never reading at or
   past end. */
static inline uint64_t head_word(const uint8_t *p, int64_t len, const uint8_t *end) {
    uint64_t w = 0;
    if (len >= 8) {
        memcpy(&w, p, 8);
    } else if (end - p >= 8) {
        memcpy(&w, p, 8);
        w = len ? w & (~UINT64_C(0) >> (64 - 8 * len)) : 0;
    } else {
        memcpy(&w, p, (size_t)len);
    }
    return w;
}

static inline uint64_t mix(uint64_t h) {
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

static inline uint64_t hash_text(const uint8_t *p, int64_t len, uint64_t head, uint64_t seed) {
    uint64_t h = seed ^ head ^ ((uint64_t)len * UINT64_C(0x9e3779b97f4a7c15));
    for (int64_t i = 8; i < len; i += 8) {
        uint64_t w = 0;
        memcpy(&w, p + i, (size_t)(len - i < 8 ? len - i : 8));
        h = mix(h) ^ w;
    }
    return mix(h);
}

/* Double the table; hashes[number] is the hash of each text already numbered. */
static int grow(slot **table, int64_t *capacity, const uint64_t *hashes) {
    int64_t bigger = *capacity * 2;
    slot *fresh = malloc(sizeof(slot) * (size_t)bigger);
    if (!fresh) return 0;
    for (int64_t s = 0; s < bigger; s++) fresh[s].number = -1;
    uint64_t mask = (uint64_t)bigger - 1;
    for (int64_t s = 0; s < *capacity; s++) {
        if ((*table)[s].number < 0) continue;
        uint64_t at = hashes[(*table)[s].number] & mask;
        while (fresh[at].number >= 0) at = (at + 1) & mask;
        fresh[at] = (*table)[s];
    }
    free(*table);
    *table = fresh;
    *capacity = bigger;
    return 1;
}

/*
 * Numbers the n texts in order of first appearance: index[r] is the number of text r,
 * first[k] the first row holding number k (index and first hold n each). Returns the
 * count of distinct texts, or -1 when memory runs out. seed is drawn at random once per
 * process, so that no file can be made of texts that all collide (which would make the
 * numbering take time quadratic in the rows). The same answer as Arrow's
 * dictionary_encode (tested); about three times faster on short texts, because a text of
 * up to 8 bytes is hashed and compared as one word.
 */
int64_t encode_texts(const int64_t *offsets, const uint8_t *data, int64_t n, int64_t *index,
                     int64_t *first, uint64_t seed) {
    const uint8_t *end = data + offsets[n];
    int64_t capacity = 256;
    slot *table = malloc(sizeof(slot) * (size_t)capacity);
    uint64_t *hashes = malloc(sizeof(uint64_t) * (size_t)(n > 0 ? n : 1));
    if (!table || !hashes) {
        free(table);
        free(hashes);
        return -1;
    }
    for (int64_t s = 0; s < capacity; s++) table[s].number = -1;
    int64_t count = 0;
    for (int64_t r = 0; r < n; r++) {
        const uint8_t *p = data + offsets[r];
        int64_t len = offsets[r + 1] - offsets[r];
        uint64_t head = head_word(p, len, end);
        uint64_t h = hash_text(p, len, head, seed);
        uint64_t mask = (uint64_t)capacity - 1;
        for (uint64_t s = h & mask;; s = (s + 1) & mask) {
            int64_t k = table[s].number;
            if (k < 0) {
                table[s].number = count;
                table[s].head = head;
                table[s].len = len;
                hashes[count] = h;
                first[count] = r;
                index[r] = count++;
                if (2 * count > capacity && !grow(&table, &capacity, hashes)) {
                    free(table);
                    free(hashes);
                    return -1;
                }
                break;
            }
            if (table[s].head == head && table[s].len == len) {
                const uint8_t *seen = data + offsets[first[k]];
                if (len <= 8 || memcmp(seen + 8, p + 8, (size_t)(len - 8)) == 0) {
                    index[r] = k;
                    break;
                }
            }
        }
    }
    free(table);
    free(hashes);
    return count;
}

/* -------------------------------------------------------------------------- UTF-8 */

/* Where well-formed UTF-8 (The Unicode Standard, table 3-7) stops in p[0, n): the position
   of the first byte of the first ill-formed or truncated sequence, or -1 when there is
   none. *wide is set when a byte above 0x7F was seen. ASCII is read eight bytes at a
   time. */
static int64_t utf8_stop(const uint8_t *p, int64_t n, int *wide) {
    int64_t i = 0;
    while (i < n) {
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & UINT64_C(0x8080808080808080)) break;
            i += 8;
        }
        if (i >= n) break;
        uint8_t b = p[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        *wide = 1;
        int64_t more; /* continuation bytes after b */
        uint8_t low = 0x80, high = 0xBF; /* the range of the first of them */
        if (b >= 0xC2 && b <= 0xDF) {
            more = 1;
        } else if (b == 0xE0) {
            more = 2, low = 0xA0;
        } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
            more = 2;
        } else if (b == 0xED) { /* no surrogates */
            more = 2, high = 0x9F;
        } else if (b == 0xF0) {
            more = 3, low = 0x90;
        } else if (b >= 0xF1 && b <= 0xF3) {
            more = 3;
        } else if (b == 0xF4) { /* nothing above U+10FFFF */
            more = 3, high = 0x8F;
        } else {
            return i; /* a continuation byte, an overlong lead (C0, C1) or F5..FF */
        }
        if (n - i <= more || p[i + 1] < low || p[i + 1] > high) return i;
        for (int64_t k = 2; k <= more; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
        }
        i += more + 1;
    }
    return -1;
}

/*
 * Whether each of the n texts is well-formed UTF-8 (what Arrow's CSV reader checks when
 * told to): -1 when every one is, else the index of the first that is not. The texts'
 * bytes are checked as one run; when the run holds any byte above 0x7F, no text may also
 * start with a continuation byte (a text ending inside a character that the next one
 * completes would otherwise pass as one character). Reads offsets[0..n] and the bytes
 * between offsets[0] and offsets[n] only.
 */
int64_t utf8_texts(const int64_t *offsets, const uint8_t *data, int64_t n) {
    if (n <= 0) return -1;
    int wide = 0;
    int64_t stop = utf8_stop(data + offsets[0], offsets[n] - offsets[0], &wide);
    int64_t first_bad = n; /* the text holding the stop, found by bisection */
    if (stop >= 0) {
        int64_t at = offsets[0] + stop, lo = 0, hi = n - 1;
        while (lo < hi) { /* the last text starting at or before at */
            int64_t mid = lo + (hi - lo + 1) / 2;
            if (offsets[mid] <= at) lo = mid;
            else hi = mid - 1;
        }
        first_bad = lo; /* not empty: the next text starts after at */
    }
    if (wide) {
        int64_t previous = -1; /* the last non-empty text before r */
        for (int64_t r = 0; r <= first_bad && r < n; r++) { /* the text at the stop too */
            if (offsets[r + 1] == offsets[r]) continue;
            if ((data[offsets[r]] & 0xC0) == 0x80) { /* r is not UTF-8 by itself; nor is */
                first_bad = r;                      /* the one before if it ends inside */
                if (previous >= 0) {                /* the character r continues */
                    int unused = 0;
                    const uint8_t *p = data + offsets[previous];
                    int64_t len = offsets[previous + 1] - offsets[previous];
                    if (utf8_stop(p, len, &unused) >= 0) first_bad = previous;
                }
                break;
            }
            previous = r;
        }
    }
    return first_bad < n ? first_bad : -1;
}

/* ----------------------------------------------------------------------- CSV rows */

typedef struct {
    const int64_t *offsets; /* values + 1 */
    const uint8_t *data;
    const int64_t *index; /* per row, which text; NULL: text r is row r's */
    int64_t values;       /* texts in offsets */
} csv_column;

enum { CSV_TOO_SMALL = -1, CSV_BAD_INDEX = -2, CSV_NO_MEMORY = -3, CSV_CHANGED = -4 };

/* Copied a cell at a time; a short cell is copied as 16 bytes (one move) when both the
   source and the output have room, and the output pointer advances by its length. */
enum { SHORT = 16, BLOCK = 64 };

typedef struct {
    const uint8_t *p;
    int64_t len;
    int64_t field; /* its length as a CSV field: len, or more when quoted */
    int64_t room;  /* SHORT bytes can be read from p */
} cell;

/* The bytes that make a field need quotes (read-only: the library is called from several
   threads at once). */
static const uint8_t SPECIAL[256] = {['"'] = 1, [','] = 1, ['\n'] = 1, ['\r'] = 1};

/* The length of a text as a CSV field: as it is, or quoted with its quotes doubled when
   it holds a quote, a comma, a CR or a LF (Python's csv.QUOTE_MINIMAL, plus CR). */
static int64_t field_length(const uint8_t *special, const uint8_t *p, int64_t len) {
    int64_t quotes = 0;
    int any = 0;
    for (int64_t i = 0; i < len; i++) {
        any |= special[p[i]];
        quotes += p[i] == '"';
    }
    return any ? len + quotes + 2 : len;
}

/*
 * Lays out nrows CSV lines: the columns' fields joined by commas, each line ended by LF.
 * Returns the bytes written to out, or CSV_TOO_SMALL with *needed set to a capacity that
 * is enough, CSV_BAD_INDEX when an index is outside its column's texts, CSV_CHANGED when
 * the indices changed while the rows were written (another thread's doing; nothing is
 * then read or written out of bounds either), or CSV_NO_MEMORY. On an error, what was
 * written to out is not a result. Work: one pass over each column's texts (field lengths),
 * one over the rows to size the output and check the indices, one to write.
 */
int64_t csv_rows(const csv_column *cols, int32_t ncols, int64_t nrows, uint8_t *out,
                 int64_t capacity, int64_t *needed) {
    const uint8_t *special = SPECIAL;
    int64_t **lengths = calloc((size_t)(ncols > 0 ? ncols : 1), sizeof(int64_t *));
    const uint8_t **ends = calloc((size_t)(ncols > 0 ? ncols : 1), sizeof(uint8_t *));
    int64_t result = 0;
    if (!lengths || !ends) {
        result = CSV_NO_MEMORY;
        goto done;
    }
    int64_t bound = nrows * ncols + SHORT;
    for (int32_t c = 0; c < ncols; c++) {
        const csv_column *col = &cols[c];
        if (!col->index && col->values != nrows) {
            result = CSV_BAD_INDEX;
            goto done;
        }
        int64_t *len = malloc(sizeof(int64_t) * (size_t)(col->values > 0 ? col->values : 1));
        if (!len) {
            result = CSV_NO_MEMORY;
            goto done;
        }
        lengths[c] = len;
        ends[c] = col->data + col->offsets[col->values];
        for (int64_t v = 0; v < col->values; v++) {
            const uint8_t *p = col->data + col->offsets[v];
            len[v] = field_length(special, p, col->offsets[v + 1] - col->offsets[v]);
        }
        if (col->index) {
            for (int64_t r = 0; r < nrows; r++) {
                int64_t v = col->index[r];
                if ((uint64_t)v >= (uint64_t)col->values) {
                    result = CSV_BAD_INDEX;
                    goto done;
                }
                bound += len[v];
            }
        } else {
            for (int64_t r = 0; r < nrows; r++) bound += len[r];
        }
    }
    if (bound > capacity) {
        *needed = bound;
        result = CSV_TOO_SMALL;
        goto done;
    }
    /* Rows are written a block at a time: first each column's cells of the block are
       looked up (one column after the other, so memory is read in long runs), then the
       block's lines are laid out from that small table. */
    cell *block = malloc(sizeof(cell) * (size_t)BLOCK * (size_t)(ncols > 0 ? ncols : 1));
    if (!block) {
        result = CSV_NO_MEMORY;
        goto done;
    }
    uint8_t *o = out;
    const uint8_t *out_end = out + capacity;
    for (int64_t first = 0; first < nrows; first += BLOCK) {
        int64_t rows = nrows - first < BLOCK ? nrows - first : BLOCK;
        for (int32_t c = 0; c < ncols; c++) {
            const csv_column *col = &cols[c];
            cell *at = block + (size_t)c * BLOCK;
            for (int64_t r = 0; r < rows; r++) {
                int64_t v = first + r;
                if (col->index) { /* read once and checked again: the caller owns it */
                    v = col->index[first + r];
                    if ((uint64_t)v >= (uint64_t)col->values) {
                        free(block);
                        result = CSV_BAD_INDEX;
                        goto done;
                    }
                }
                at[r].p = col->data + col->offsets[v];
                at[r].len = col->offsets[v + 1] - col->offsets[v];
                at[r].field = lengths[c][v];
                at[r].room = ends[c] - at[r].p >= SHORT;
            }
        }
        for (int64_t r = 0; r < rows; r++) {
            for (int32_t c = 0; c < ncols; c++) {
                const cell *x = &block[(size_t)c * BLOCK + (size_t)r];
                if (x->field + 1 + SHORT > out_end - o) { /* indices changed since sizing */
                    free(block);
                    result = CSV_CHANGED;
                    goto done;
                }
                if (x->field == x->len) {
                    if (x->len <= SHORT && x->room) {
                        memcpy(o, x->p, SHORT);
                    } else {
                        memcpy(o, x->p, (size_t)x->len);
                    }
                    o += x->len;
                } else {
                    *o++ = '"';
                    for (int64_t i = 0; i < x->len; i++) {
                        if (x->p[i] == '"') *o++ = '"';
                        *o++ = x->p[i];
                    }
                    *o++ = '"';
                }
                *o++ = ',';
            }
            if (ncols > 0) o[-1] = '\n';
        }
    }
    free(block);
    result = o - out;
done:
    if (lengths) {
        for (int32_t c = 0; c < ncols; c++) free(lengths[c]);
    }
    free(lengths);
    free((void *)ends);
    return result;
}
