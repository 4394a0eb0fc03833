/*
 * enrich_simdjson.h — a small, pure C API over simdjson's DOM parser for JSON Lines events.
 *
 * Design (see Sources/EventJSON for the Swift side):
 *  - One enrich_sj_parser per worker thread. A parser is not thread-safe; it owns a padded copy
 *    of the last line, the parsed document, and scratch memory reused across lines.
 *  - enrich_sj_parse() copies the line into a reusable buffer with SIMDJSON_PADDING bytes of
 *    zeroed slack (callers never need to pad), validates the whole line as JSON (UTF-8, strings,
 *    numbers, structure), and rejects a top level that is not an object.
 *  - enrich_sj_extract() resolves N prepared paths against the current document in one call.
 *    Strings point into parser-owned memory (already unescaped); raw JSON slices of arrays and
 *    objects point into the parser's copy of the line. Both stay valid until the next
 *    enrich_sj_parse() on the same parser or enrich_sj_parser_destroy().
 *  - enrich_sj_flatten() turns the document (or an extracted array/object) into a pre-order
 *    token array, so a caller can build its own tree with a single call across the boundary.
 *
 * Semantics shared with the Swift JSONValue model:
 *  - If an object repeats a key, the LAST occurrence wins (for extraction and for
 *    enrich_sj_has_key); enrich_sj_flatten flags such objects so the caller can merge them.
 *  - An array step matches a path component only when the component was prepared with an
 *    index >= 0.
 */
#ifndef ENRICH_SIMDJSON_H
#define ENRICH_SIMDJSON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of zeroed slack simdjson needs after the input (SIMDJSON_PADDING). */
#define ENRICH_SJ_PADDING 64

/** The nesting limit the parser enforces (arrays and objects). */
#define ENRICH_SJ_MAX_DEPTH 512

typedef struct enrich_sj_parser enrich_sj_parser;
typedef struct enrich_sj_paths enrich_sj_paths;

/** Kinds of values, tokens and roots. */
typedef enum enrich_sj_kind {
    ENRICH_SJ_MISSING = 0, /**< the path does not resolve */
    ENRICH_SJ_NULL = 1,
    ENRICH_SJ_BOOL = 2,    /**< value.boolean is 0 or 1 */
    ENRICH_SJ_INT64 = 3,   /**< value.i64 */
    ENRICH_SJ_UINT64 = 4,  /**< value.u64, only for integers above INT64_MAX */
    ENRICH_SJ_DOUBLE = 5,  /**< value.f64 */
    ENRICH_SJ_STRING = 6,  /**< value.ptr + length: unescaped UTF-8, not NUL-terminated */
    ENRICH_SJ_ARRAY = 7,
    ENRICH_SJ_OBJECT = 8
} enrich_sj_kind;

/** Outcome of enrich_sj_parse. */
typedef enum enrich_sj_status {
    ENRICH_SJ_OK = 0,
    ENRICH_SJ_INVALID_JSON = 1,  /**< error.code / error.message say why */
    ENRICH_SJ_NOT_AN_OBJECT = 2, /**< valid JSON whose top level is error.root_kind */
    ENRICH_SJ_TOO_LARGE = 3,     /**< longer than the parser's max_line_bytes */
    ENRICH_SJ_OUT_OF_MEMORY = 4
} enrich_sj_status;

/** simdjson::error_code values callers commonly tell apart (checked against simdjson in the shim). */
#define ENRICH_SJ_CODE_STRING_ERROR 5
#define ENRICH_SJ_CODE_NUMBER_ERROR 9
#define ENRICH_SJ_CODE_UTF8_ERROR 10
#define ENRICH_SJ_CODE_EMPTY 12
#define ENRICH_SJ_CODE_UNCLOSED_STRING 14

typedef struct enrich_sj_error {
    /** simdjson::error_code (0 when the status is not ENRICH_SJ_INVALID_JSON). */
    int32_t code;
    /** For ENRICH_SJ_NOT_AN_OBJECT: the enrich_sj_kind of the top level. */
    int32_t root_kind;
    /** simdjson's own message (static storage), or a shim message; never NULL after a failure. */
    const char *message;
    /** Byte offset of the problem when cheaply known (top-level value, empty input), else -1. */
    int64_t offset;
} enrich_sj_error;

/** An extracted value. */
typedef struct enrich_sj_value {
    uint32_t kind;   /**< enrich_sj_kind */
    /** For ARRAY / OBJECT: a handle for enrich_sj_flatten, valid until the next extract or parse. */
    uint32_t node;
    /** STRING: byte length. ARRAY / OBJECT: raw slice length if requested, else 0. */
    size_t length;
    union {
        int64_t i64;
        uint64_t u64;
        double f64;
        int32_t boolean;
        /** STRING: unescaped bytes. ARRAY / OBJECT: raw JSON text in the line copy, or NULL. */
        const char *ptr;
    } value;
} enrich_sj_value;

/** A node of a flattened tree, in pre-order. */
typedef struct enrich_sj_token {
    uint32_t kind;   /**< enrich_sj_kind, possibly or-ed with ENRICH_SJ_FLAG_DUPLICATE_KEYS */
    /** STRING: byte length. ARRAY: element count. OBJECT: field count (each field is a STRING
     *  key token followed by the value's tokens). */
    uint32_t count;
    union {
        int64_t i64;
        uint64_t u64;
        double f64;
        int32_t boolean;
        const char *ptr;
    } value;
} enrich_sj_token;

/** Set on an OBJECT token whose fields repeat a key (the last occurrence should win). */
#define ENRICH_SJ_FLAG_DUPLICATE_KEYS 0x100u
#define ENRICH_SJ_KIND_MASK 0xFFu

/** Flag for enrich_sj_extract: fill value.ptr/length with the raw JSON of arrays and objects. */
#define ENRICH_SJ_EXTRACT_RAW_CONTAINERS 0x1u

/** Node handle meaning "the whole document" for enrich_sj_flatten. */
#define ENRICH_SJ_ROOT_NODE 0xFFFFFFFFu

/* ---- parser ---------------------------------------------------------------------------- */

/** A new parser that accepts lines of at most max_line_bytes (0 = 64 MiB). NULL if out of memory. */
enrich_sj_parser *enrich_sj_parser_create(size_t max_line_bytes);
void enrich_sj_parser_destroy(enrich_sj_parser *parser);

/**
 * Copies `length` bytes into the parser's padded buffer, parses and validates them, and keeps the
 * document as the parser's current document. On failure fills *error (if not NULL) and leaves the
 * parser without a current document.
 */
enrich_sj_status enrich_sj_parse(enrich_sj_parser *parser, const void *bytes, size_t length,
                                 enrich_sj_error *error);

/**
 * Like enrich_sj_parse, but parses `bytes` in place: the caller guarantees that
 * bytes[length ..< length + ENRICH_SJ_PADDING] is readable. Raw slices then point into `bytes`,
 * which must outlive their use; enrich_sj_is_current compares against it.
 */
enrich_sj_status enrich_sj_parse_padded(enrich_sj_parser *parser, const void *bytes,
                                        size_t length, enrich_sj_error *error);

/** 1 if the parser's current document was parsed from exactly these bytes (length + memcmp). */
int enrich_sj_is_current(const enrich_sj_parser *parser, const void *bytes, size_t length);

/** 1 if the current document's top-level object has this (unescaped) key. */
int enrich_sj_has_key(const enrich_sj_parser *parser, const char *key, size_t key_length);

/**
 * 1 if any of `key_count` keys is a key of the current document's top-level object. The keys are
 * stored back to back in `keys`; key k has key_lengths[k] bytes. One scan of the object.
 */
int enrich_sj_has_any_key(const enrich_sj_parser *parser, const char *keys,
                          const size_t *key_lengths, size_t key_count);

/** Number of fields in the current document's top-level object (0 without a document). */
size_t enrich_sj_field_count(const enrich_sj_parser *parser);

/* ---- paths and extraction ---------------------------------------------------------------- */

/**
 * Prepares `path_count` paths. Path i has path_lengths[i] components, taken in order from the
 * flattened arrays: component j has bytes components[j] of length component_lengths[j], and
 * array_indices[j] >= 0 when it may also select that element of an array (-1 otherwise).
 * The data is copied. NULL if out of memory. Immutable afterwards: one paths object may be
 * shared by any number of parsers on any threads.
 */
enrich_sj_paths *enrich_sj_paths_create(size_t path_count, const size_t *path_lengths,
                                        const char *const *components,
                                        const size_t *component_lengths,
                                        const int64_t *array_indices);
void enrich_sj_paths_destroy(enrich_sj_paths *paths);
size_t enrich_sj_paths_count(const enrich_sj_paths *paths);

/**
 * Resolves every prepared path against the current document, writing one value per path into
 * out[0 ..< enrich_sj_paths_count(paths)]. Returns 0, or -1 when there is no current document.
 */
int enrich_sj_extract(enrich_sj_parser *parser, const enrich_sj_paths *paths, uint32_t flags,
                      enrich_sj_value *out);

/* ---- trees ---------------------------------------------------------------------------------- */

/**
 * Flattens the current document (node = ENRICH_SJ_ROOT_NODE) or an array/object returned by the
 * last enrich_sj_extract into pre-order tokens. Returns the token count and sets *tokens to
 * parser-owned memory valid until the next flatten or parse; returns 0 on a bad node.
 */
size_t enrich_sj_flatten(enrich_sj_parser *parser, uint32_t node, const enrich_sj_token **tokens);

#ifdef __cplusplus
}
#endif

#endif /* ENRICH_SIMDJSON_H */
