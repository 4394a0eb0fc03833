// C shim over simdjson's DOM API; see include/enrich_simdjson.h for the contract.
#include "enrich_simdjson.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

static_assert(ENRICH_SJ_PADDING == simdjson::SIMDJSON_PADDING, "padding must match simdjson");
static_assert(ENRICH_SJ_CODE_STRING_ERROR == simdjson::STRING_ERROR, "simdjson error codes moved");
static_assert(ENRICH_SJ_CODE_NUMBER_ERROR == simdjson::NUMBER_ERROR, "simdjson error codes moved");
static_assert(ENRICH_SJ_CODE_UTF8_ERROR == simdjson::UTF8_ERROR, "simdjson error codes moved");
static_assert(ENRICH_SJ_CODE_EMPTY == simdjson::EMPTY, "simdjson error codes moved");
static_assert(ENRICH_SJ_CODE_UNCLOSED_STRING == simdjson::UNCLOSED_STRING, "simdjson error codes moved");

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr size_t kDefaultMaxLine = size_t(64) << 20;
constexpr size_t kInitialCapacity = 4096;

struct step {
    std::string key;
    int64_t index; // >= 0 when the component may select an array element
};

struct path {
    std::vector<step> steps;
};

enrich_sj_kind kind_of(element_type type) {
    switch (type) {
    case element_type::ARRAY: return ENRICH_SJ_ARRAY;
    case element_type::OBJECT: return ENRICH_SJ_OBJECT;
    case element_type::INT64: return ENRICH_SJ_INT64;
    case element_type::UINT64: return ENRICH_SJ_UINT64;
    case element_type::DOUBLE: return ENRICH_SJ_DOUBLE;
    case element_type::STRING: return ENRICH_SJ_STRING;
    case element_type::BOOL: return ENRICH_SJ_BOOL;
    case element_type::NULL_VALUE: return ENRICH_SJ_NULL;
    }
    return ENRICH_SJ_MISSING;
}

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Inline equality for short keys (a libc memcmp call costs more than the comparison).
inline bool bytes_equal(const char *a, const char *b, size_t n) {
    while (n >= 8) {
        uint64_t x, y;
        std::memcpy(&x, a, 8);
        std::memcpy(&y, b, 8);
        if (x != y) return false;
        a += 8;
        b += 8;
        n -= 8;
    }
    while (n) {
        if (*a++ != *b++) return false;
        --n;
    }
    return true;
}

// ---- textual walking over input that simdjson has already validated ------------------------
// The input is followed by zeroed padding, so every scan stops at a NUL at the latest.

inline const char *skip_ws(const char *p) {
    while (is_ws(*p)) ++p;
    return p;
}

inline const char *skip_string(const char *p) { // p at the opening quote
    ++p;
    for (;;) {
        char c = *p;
        if (c == '"') return p + 1;
        if (c == '\\') { p += 2; continue; }
        if (c == 0) return p;
        ++p;
    }
}

const char *skip_value(const char *p) { // p at the first byte of a value
    char c = *p;
    if (c == '"') return skip_string(p);
    if (c == '{' || c == '[') {
        int depth = 0;
        for (;;) {
            c = *p;
            if (c == '"') { p = skip_string(p); continue; }
            if (c == '{' || c == '[') ++depth;
            else if (c == '}' || c == ']') {
                if (--depth == 0) return p + 1;
            } else if (c == 0) return p;
            ++p;
        }
    }
    while (!(c == ',' || c == '}' || c == ']' || c == 0 || is_ws(c))) c = *++p;
    return p;
}

} // namespace

// Paths are merged into a trie so one scan of each object serves every path through it.
struct trie_node {
    std::string key;
    int64_t index = -1;              // >= 0 when the component may select an array element
    std::vector<uint32_t> children;  // indices into enrich_sj_paths::nodes
    std::vector<uint32_t> terminals; // paths that end here
    // Per child, flattened for the member scan: key length and key pointer.
    std::vector<size_t> child_lengths;
    std::vector<const char *> child_keys;
    // Bit L set when some child key has length L (L < 63), bit 63 for longer keys: most members
    // are rejected by one test.
    uint64_t child_length_mask = 0;
};

inline uint64_t length_bit(size_t length) { return uint64_t(1) << (length < 63 ? length : 63); }

struct enrich_sj_paths {
    std::vector<path> paths;
    std::vector<trie_node> nodes; // nodes[0] is the document's top level
};

struct enrich_sj_parser {
    simdjson::dom::parser dom;
    size_t max_line;
    std::unique_ptr<char[]> buffer; // line copy + padding
    size_t buffer_capacity = 0;     // bytes usable for the line (padding excluded)
    const char *input = nullptr;    // bytes of the current document
    size_t input_length = 0;
    bool has_document = false;
    std::vector<size_t> nodes;         // tape indexes of arrays/objects handed out by the last extract
    std::vector<enrich_sj_token> tokens;
    std::vector<std::string_view> keys; // scratch for duplicate-key detection
    std::vector<std::string_view> sorted_keys;
    std::vector<uint32_t> ordinals;     // scratch: field/element ordinals along a path

    // The shim enforces max_line itself; simdjson's own limit only has to be at least that (and
    // at least its minimal document capacity).
    explicit enrich_sj_parser(size_t max) : dom(std::max(max, kInitialCapacity)), max_line(max) {}
};

namespace {

enrich_sj_status parse_common(enrich_sj_parser *p, const char *bytes, size_t length,
                              enrich_sj_error *error) {
    auto fail = [&](enrich_sj_status status, int code, const char *message, int64_t offset) {
        if (error) {
            error->code = code;
            error->root_kind = ENRICH_SJ_MISSING;
            error->message = message;
            error->offset = offset;
        }
        return status;
    };
    element doc;
    auto code = p->dom.parse(reinterpret_cast<const uint8_t *>(bytes), length, false).get(doc);
    if (code != simdjson::SUCCESS) {
        if (code == simdjson::CAPACITY) {
            return fail(ENRICH_SJ_TOO_LARGE, code, simdjson::error_message(code), -1);
        }
        if (code == simdjson::MEMALLOC) {
            return fail(ENRICH_SJ_OUT_OF_MEMORY, code, simdjson::error_message(code), -1);
        }
        return fail(ENRICH_SJ_INVALID_JSON, code, simdjson::error_message(code),
                    code == simdjson::EMPTY ? 0 : -1);
    }
    element_type type = doc.type();
    if (type != element_type::OBJECT) {
        int64_t offset = int64_t(skip_ws(bytes) - bytes);
        enrich_sj_status status = fail(ENRICH_SJ_NOT_AN_OBJECT, 0, "top level is not an object", offset);
        if (error) error->root_kind = kind_of(type);
        return status;
    }
    p->input = bytes;
    p->input_length = length;
    p->has_document = true;
    return ENRICH_SJ_OK;
}

// ---- reading simdjson's tape ------------------------------------------------------------
// The DOM's tape (simdjson docs/tape.md) is walked directly: it is several times cheaper than the
// dom::object / dom::array iterators for the short scans extraction does. Layout, per 64-bit
// word: the type character in the top 8 bits, a 56-bit payload below.
//   '{' / '[' : low 32 bits = index just past the matching '}' / ']'
//   '"'       : offset into string_buf, where a uint32 length precedes the unescaped bytes
//   'l' 'u' 'd': the value is the next word;  't' 'f' 'n': no payload.
// The root value is at index 1.
constexpr size_t kRootIndex = 1;

static_assert(simdjson::SIMDJSON_VERSION_MAJOR == 3, "the tape walk below is written against simdjson 3.x");

struct tape {
    const uint64_t *words;
    const uint8_t *strings;

    explicit tape(const simdjson::dom::parser &dom)
        : words(dom.doc.tape.get()), strings(dom.doc.string_buf.get()) {}

    char type(size_t i) const { return char(words[i] >> 56); }
    size_t after(size_t i) const {
        switch (type(i)) {
        case '{': case '[': return size_t(uint32_t(words[i]));
        case 'l': case 'u': case 'd': return i + 2;
        default: return i + 1;
        }
    }
    // For '{' / '[' at i: index of the matching '}' / ']'.
    size_t end(size_t i) const { return size_t(uint32_t(words[i])) - 1; }
    const char *string(size_t i, size_t &length) const {
        const uint8_t *at = strings + (words[i] & simdjson::internal::JSON_VALUE_MASK);
        uint32_t n;
        std::memcpy(&n, at, sizeof(n));
        length = n;
        return reinterpret_cast<const char *>(at + sizeof(uint32_t));
    }
    uint64_t next_word(size_t i) const { return words[i + 1]; }
};

enrich_sj_kind kind_at(const tape &t, size_t i) {
    switch (t.type(i)) {
    case '{': return ENRICH_SJ_OBJECT;
    case '[': return ENRICH_SJ_ARRAY;
    case '"': return ENRICH_SJ_STRING;
    case 'l': return ENRICH_SJ_INT64;
    case 'u': return ENRICH_SJ_UINT64;
    case 'd': return ENRICH_SJ_DOUBLE;
    case 't': case 'f': return ENRICH_SJ_BOOL;
    case 'n': return ENRICH_SJ_NULL;
    default: return ENRICH_SJ_MISSING;
    }
}

// Fills kind, length and value for the scalar at i (all 8 payload bytes are written).
void fill_scalar(const tape &t, size_t i, enrich_sj_kind kind, enrich_sj_value &v) {
    v.value.u64 = 0;
    switch (kind) {
    case ENRICH_SJ_BOOL: v.value.boolean = t.type(i) == 't' ? 1 : 0; break;
    case ENRICH_SJ_INT64: case ENRICH_SJ_UINT64: case ENRICH_SJ_DOUBLE:
        v.value.u64 = t.next_word(i); // the same 8 bytes, whichever member is read
        break;
    case ENRICH_SJ_STRING: {
        size_t length = 0;
        v.value.ptr = t.string(i, length);
        v.length = length;
        break;
    }
    default: break;
    }
}

// The raw text of the value reached by following ordinals from the document's top level.
void raw_slice(const char *input, const std::vector<uint32_t> &ordinals, const char *&start,
               size_t &length) {
    const char *p = skip_ws(input);
    for (uint32_t ordinal : ordinals) {
        if (*p == '{') {
            p = skip_ws(p + 1);
            for (uint32_t i = 0;; ++i) {
                p = skip_ws(skip_string(p)); // key
                p = skip_ws(p + 1);          // ':'
                if (i == ordinal) break;
                p = skip_ws(skip_value(p));
                p = skip_ws(p + 1);          // ','
            }
        } else { // '['
            p = skip_ws(p + 1);
            for (uint32_t i = 0; i < ordinal; ++i) {
                p = skip_ws(skip_value(p));
                p = skip_ws(p + 1);          // ','
            }
        }
    }
    start = p;
    length = size_t(skip_value(p) - p);
}

bool object_has_duplicates(std::vector<std::string_view> &keys, size_t base,
                           std::vector<std::string_view> &sorted) {
    const size_t n = keys.size() - base;
    if (n < 2) return false;
    if (n <= 16) {
        for (size_t i = base + 1; i < keys.size(); ++i)
            for (size_t j = base; j < i; ++j)
                if (keys[i] == keys[j]) return true;
        return false;
    }
    sorted.assign(keys.begin() + ptrdiff_t(base), keys.end());
    std::sort(sorted.begin(), sorted.end());
    return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

// Appends the value at tape index i (and everything below it) as tokens; returns the index after it.
size_t flatten_into(enrich_sj_parser *p, const tape &t, size_t i) {
    const enrich_sj_kind kind = kind_at(t, i);
    enrich_sj_token token;
    token.kind = kind;
    token.count = 0;
    token.value.u64 = 0;
    if (kind == ENRICH_SJ_ARRAY) {
        const size_t at = p->tokens.size();
        p->tokens.push_back(token);
        const size_t end = t.end(i);
        uint32_t count = 0;
        for (size_t j = i + 1; j < end; ++count) j = flatten_into(p, t, j);
        p->tokens[at].count = count;
        return end + 1;
    }
    if (kind == ENRICH_SJ_OBJECT) {
        const size_t at = p->tokens.size();
        p->tokens.push_back(token);
        const size_t end = t.end(i);
        const size_t base = p->keys.size();
        uint32_t count = 0;
        for (size_t j = i + 1; j < end; ++count) {
            enrich_sj_token key;
            size_t length = 0;
            key.kind = ENRICH_SJ_STRING;
            key.value.ptr = t.string(j, length);
            key.count = uint32_t(length);
            p->tokens.push_back(key);
            p->keys.emplace_back(key.value.ptr, length);
            j = flatten_into(p, t, j + 1);
        }
        p->tokens[at].count = count;
        if (object_has_duplicates(p->keys, base, p->sorted_keys))
            p->tokens[at].kind |= ENRICH_SJ_FLAG_DUPLICATE_KEYS;
        p->keys.resize(base);
        return end + 1;
    }
    enrich_sj_value v;
    v.length = 0;
    fill_scalar(t, i, kind, v);
    token.value.u64 = v.value.u64;
    if (kind == ENRICH_SJ_STRING) token.count = uint32_t(v.length);
    p->tokens.push_back(token);
    return t.after(i);
}

void extract_into(enrich_sj_parser *p, const enrich_sj_paths *paths, uint32_t flags,
                  enrich_sj_value *out);

} // namespace

extern "C" {

enrich_sj_parser *enrich_sj_parser_create(size_t max_line_bytes) {
    if (max_line_bytes == 0) max_line_bytes = kDefaultMaxLine;
    if (max_line_bytes > UINT32_MAX - ENRICH_SJ_PADDING) max_line_bytes = UINT32_MAX - ENRICH_SJ_PADDING;
    auto *p = new (std::nothrow) enrich_sj_parser(max_line_bytes);
    if (!p) return nullptr;
    const size_t initial = kInitialCapacity;
    if (p->dom.allocate(initial, ENRICH_SJ_MAX_DEPTH) != simdjson::SUCCESS) {
        delete p;
        return nullptr;
    }
    p->buffer.reset(new (std::nothrow) char[initial + ENRICH_SJ_PADDING]);
    if (!p->buffer) {
        delete p;
        return nullptr;
    }
    p->buffer_capacity = initial;
    p->nodes.reserve(16);
    p->tokens.reserve(256);
    p->ordinals.reserve(16);
    return p;
}

void enrich_sj_parser_destroy(enrich_sj_parser *parser) { delete parser; }

enrich_sj_status enrich_sj_parse(enrich_sj_parser *p, const void *bytes, size_t length,
                                 enrich_sj_error *error) {
    p->has_document = false;
    p->nodes.clear();
    if (length > p->max_line) {
        if (error) {
            error->code = simdjson::CAPACITY;
            error->root_kind = ENRICH_SJ_MISSING;
            error->message = "line is longer than the parser's limit";
            error->offset = int64_t(p->max_line);
        }
        return ENRICH_SJ_TOO_LARGE;
    }
    if (length > p->buffer_capacity) {
        size_t capacity = std::max(length, p->buffer_capacity * 2);
        char *grown = new (std::nothrow) char[capacity + ENRICH_SJ_PADDING];
        if (!grown) {
            if (error) {
                error->code = simdjson::MEMALLOC;
                error->root_kind = ENRICH_SJ_MISSING;
                error->message = simdjson::error_message(simdjson::MEMALLOC);
                error->offset = -1;
            }
            return ENRICH_SJ_OUT_OF_MEMORY;
        }
        p->buffer.reset(grown);
        p->buffer_capacity = capacity;
    }
    char *buf = p->buffer.get();
    if (length) std::memcpy(buf, bytes, length);
    std::memset(buf + length, 0, ENRICH_SJ_PADDING);
    return parse_common(p, buf, length, error);
}

enrich_sj_status enrich_sj_parse_padded(enrich_sj_parser *p, const void *bytes, size_t length,
                                        enrich_sj_error *error) {
    p->has_document = false;
    p->nodes.clear();
    if (length > p->max_line) {
        if (error) {
            error->code = simdjson::CAPACITY;
            error->root_kind = ENRICH_SJ_MISSING;
            error->message = "line is longer than the parser's limit";
            error->offset = int64_t(p->max_line);
        }
        return ENRICH_SJ_TOO_LARGE;
    }
    return parse_common(p, static_cast<const char *>(bytes), length, error);
}

int enrich_sj_is_current(const enrich_sj_parser *p, const void *bytes, size_t length) {
    if (!p->has_document || p->input_length != length) return 0;
    if (p->input == bytes) return 1;
    return std::memcmp(p->input, bytes, length) == 0 ? 1 : 0;
}

int enrich_sj_has_key(const enrich_sj_parser *p, const char *key, size_t key_length) {
    return enrich_sj_has_any_key(p, key, &key_length, 1);
}

int enrich_sj_has_any_key(const enrich_sj_parser *p, const char *keys, const size_t *key_lengths,
                          size_t key_count) {
    if (!p->has_document || key_count == 0) return 0;
    uint64_t length_mask = 0;
    for (size_t k = 0; k < key_count; ++k) length_mask |= length_bit(key_lengths[k]);
    const tape t(p->dom);
    const size_t end = t.end(kRootIndex);
    for (size_t j = kRootIndex + 1; j < end; j = t.after(j + 1)) {
        size_t length;
        const char *field = t.string(j, length);
        if (!(length_mask & length_bit(length))) continue;
        const char *key = keys;
        for (size_t k = 0; k < key_count; ++k) {
            if (key_lengths[k] == length && bytes_equal(field, key, length)) return 1;
            key += key_lengths[k];
        }
    }
    return 0;
}

size_t enrich_sj_field_count(const enrich_sj_parser *p) {
    if (!p->has_document) return 0;
    const tape t(p->dom);
    const size_t end = t.end(kRootIndex);
    size_t n = 0;
    for (size_t j = kRootIndex + 1; j < end; j = t.after(j + 1)) ++n;
    return n;
}

enrich_sj_paths *enrich_sj_paths_create(size_t path_count, const size_t *path_lengths,
                                        const char *const *components,
                                        const size_t *component_lengths,
                                        const int64_t *array_indices) {
    auto *paths = new (std::nothrow) enrich_sj_paths();
    if (!paths) return nullptr;
    try {
        paths->paths.resize(path_count);
        size_t c = 0;
        for (size_t i = 0; i < path_count; ++i) {
            auto &steps = paths->paths[i].steps;
            steps.reserve(path_lengths[i]);
            for (size_t j = 0; j < path_lengths[i]; ++j, ++c) {
                steps.push_back(step{std::string(components[c], component_lengths[c]),
                                     array_indices ? array_indices[c] : -1});
            }
        }
        paths->nodes.emplace_back();
        for (size_t i = 0; i < path_count; ++i) {
            uint32_t at = 0;
            for (const step &s : paths->paths[i].steps) {
                uint32_t next = UINT32_MAX;
                for (uint32_t child : paths->nodes[at].children) {
                    if (paths->nodes[child].key == s.key) { next = child; break; }
                }
                if (next == UINT32_MAX) {
                    next = uint32_t(paths->nodes.size());
                    trie_node node;
                    node.key = s.key;
                    node.index = s.index;
                    paths->nodes.push_back(std::move(node));
                    paths->nodes[at].children.push_back(next);
                }
                at = next;
            }
            paths->nodes[at].terminals.push_back(uint32_t(i));
        }
        for (trie_node &node : paths->nodes) {
            for (uint32_t child : node.children) {
                node.child_lengths.push_back(paths->nodes[child].key.size());
                node.child_keys.push_back(paths->nodes[child].key.data());
                node.child_length_mask |= length_bit(paths->nodes[child].key.size());
            }
        }
    } catch (...) {
        delete paths;
        return nullptr;
    }
    return paths;
}

void enrich_sj_paths_destroy(enrich_sj_paths *paths) { delete paths; }

size_t enrich_sj_paths_count(const enrich_sj_paths *paths) { return paths->paths.size(); }

int enrich_sj_extract(enrich_sj_parser *p, const enrich_sj_paths *paths, uint32_t flags,
                      enrich_sj_value *out) {
    if (!p->has_document) return -1;
    try {
        extract_into(p, paths, flags, out);
    } catch (...) { // std::bad_alloc
        return -1;
    }
    return 0;
}

} // extern "C"

namespace {

struct walk {
    enrich_sj_parser *p;
    const enrich_sj_paths *paths;
    tape t;
    bool want_raw;
    enrich_sj_value *out;

    // Scans the container at tape index i once, matching its members (or elements) against the
    // children of `node`.
    void visit(const trie_node &node, size_t i) {
        const size_t n = node.children.size();
        if (n == 0) return;
        const char type = t.type(i);
        if (type == '{') {
            constexpr size_t kInline = 16;
            size_t inline_matched[kInline];
            uint32_t inline_ordinal[kInline];
            std::vector<size_t> heap_matched;
            std::vector<uint32_t> heap_ordinal;
            size_t *matched = inline_matched;
            uint32_t *ordinal = inline_ordinal;
            if (n > kInline) {
                heap_matched.resize(n);
                heap_ordinal.resize(n);
                matched = heap_matched.data();
                ordinal = heap_ordinal.data();
            }
            const uint32_t none = UINT32_MAX;
            for (size_t c = 0; c < n; ++c) ordinal[c] = none;
            const size_t *lengths = node.child_lengths.data();
            const char *const *keys = node.child_keys.data();
            const size_t end = t.end(i);
            uint32_t at = 0;
            const uint64_t length_mask = node.child_length_mask;
            for (size_t j = i + 1; j < end; ++at) {
                size_t length;
                const char *key = t.string(j, length);
                const size_t value_at = j + 1;
                j = t.after(value_at);
                if (!(length_mask & length_bit(length))) continue;
                for (size_t c = 0; c < n; ++c) {
                    if (lengths[c] == length && (length == 0 || keys[c][0] == key[0]) &&
                        bytes_equal(keys[c], key, length)) {
                        matched[c] = value_at; // the last occurrence wins
                        ordinal[c] = at;
                        break;
                    }
                }
            }
            for (size_t c = 0; c < n; ++c) {
                if (ordinal[c] == none) continue;
                if (want_raw) p->ordinals.push_back(ordinal[c]);
                emit(paths->nodes[node.children[c]], matched[c]);
                if (want_raw) p->ordinals.pop_back();
            }
        } else if (type == '[') {
            const size_t end = t.end(i);
            for (size_t c = 0; c < n; ++c) {
                const trie_node &child = paths->nodes[node.children[c]];
                if (child.index < 0) continue;
                size_t j = i + 1;
                int64_t k = 0;
                for (; j < end && k < child.index; ++k) j = t.after(j);
                if (j >= end) continue;
                if (want_raw) p->ordinals.push_back(uint32_t(child.index));
                emit(child, j);
                if (want_raw) p->ordinals.pop_back();
            }
        }
    }

    // Writes the value at tape index i for every path ending at `node`, then continues below.
    void emit(const trie_node &node, size_t i) {
        if (!node.terminals.empty()) {
            enrich_sj_value v;
            v.node = 0;
            v.length = 0;
            v.value.u64 = 0;
            const enrich_sj_kind kind = kind_at(t, i);
            v.kind = kind;
            if (kind == ENRICH_SJ_ARRAY || kind == ENRICH_SJ_OBJECT) {
                v.node = uint32_t(p->nodes.size());
                p->nodes.push_back(i);
                if (want_raw) {
                    const char *start = nullptr;
                    size_t length = 0;
                    raw_slice(p->input, p->ordinals, start, length);
                    v.value.ptr = start;
                    v.length = length;
                }
            } else {
                fill_scalar(t, i, kind, v);
            }
            for (uint32_t terminal : node.terminals) out[terminal] = v;
        }
        visit(node, i);
    }
};

void extract_into(enrich_sj_parser *p, const enrich_sj_paths *paths, uint32_t flags,
                  enrich_sj_value *out) {
    p->nodes.clear();
    p->ordinals.clear();
    const size_t n = paths->paths.size();
    for (size_t i = 0; i < n; ++i) {
        out[i].kind = ENRICH_SJ_MISSING;
        out[i].node = 0;
        out[i].length = 0;
        out[i].value.u64 = 0;
    }
    walk w{p, paths, tape(p->dom), (flags & ENRICH_SJ_EXTRACT_RAW_CONTAINERS) != 0, out};
    w.emit(paths->nodes[0], kRootIndex);
}

} // namespace

extern "C" {

size_t enrich_sj_flatten(enrich_sj_parser *p, uint32_t node, const enrich_sj_token **tokens) {
    if (!p->has_document) return 0;
    size_t at;
    if (node == ENRICH_SJ_ROOT_NODE) {
        at = kRootIndex;
    } else if (node < p->nodes.size()) {
        at = p->nodes[node];
    } else {
        return 0;
    }
    p->tokens.clear();
    p->keys.clear();
    try {
        flatten_into(p, tape(p->dom), at);
    } catch (...) { // std::bad_alloc
        p->tokens.clear();
        return 0;
    }
    *tokens = p->tokens.data();
    return p->tokens.size();
}

} // extern "C"
