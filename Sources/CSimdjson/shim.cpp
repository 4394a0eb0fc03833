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

struct enrich_sj_paths {
    std::vector<path> paths;
};

struct enrich_sj_parser {
    simdjson::dom::parser dom;
    size_t max_line;
    std::unique_ptr<char[]> buffer; // line copy + padding
    size_t buffer_capacity = 0;     // bytes usable for the line (padding excluded)
    const char *input = nullptr;    // bytes of the current document
    size_t input_length = 0;
    bool has_document = false;
    element root;
    std::vector<element> nodes;        // arrays/objects handed out by the last extract
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
    p->root = doc;
    p->input = bytes;
    p->input_length = length;
    p->has_document = true;
    return ENRICH_SJ_OK;
}

void fill_scalar(element e, enrich_sj_kind kind, enrich_sj_value &v) {
    switch (kind) {
    case ENRICH_SJ_BOOL: { bool b = false; (void)e.get_bool().get(b); v.value.boolean = b ? 1 : 0; break; }
    case ENRICH_SJ_INT64: { int64_t i = 0; (void)e.get_int64().get(i); v.value.i64 = i; break; }
    case ENRICH_SJ_UINT64: { uint64_t u = 0; (void)e.get_uint64().get(u); v.value.u64 = u; break; }
    case ENRICH_SJ_DOUBLE: { double d = 0; (void)e.get_double().get(d); v.value.f64 = d; break; }
    case ENRICH_SJ_STRING: {
        std::string_view s;
        (void)e.get_string().get(s);
        v.value.ptr = s.data();
        v.length = s.size();
        break;
    }
    default: v.value.u64 = 0; break;
    }
}

// Finds the value a path names; ordinals receive the position taken at each level.
bool resolve(element current, const path &pth, element &out, std::vector<uint32_t> *ordinals) {
    for (const step &s : pth.steps) {
        element_type type = current.type();
        if (type == element_type::OBJECT) {
            simdjson::dom::object object;
            (void)current.get_object().get(object);
            bool found = false;
            element next;
            uint32_t at = 0, ordinal = 0;
            const size_t n = s.key.size();
            const char *k = s.key.data();
            // Last occurrence wins, so the whole object is scanned.
            for (auto field : object) {
                if (field.key.size() == n && std::memcmp(field.key.data(), k, n) == 0) {
                    next = field.value;
                    ordinal = at;
                    found = true;
                }
                ++at;
            }
            if (!found) return false;
            if (ordinals) ordinals->push_back(ordinal);
            current = next;
        } else if (type == element_type::ARRAY) {
            if (s.index < 0) return false;
            simdjson::dom::array array;
            (void)current.get_array().get(array);
            element next;
            if (array.at(size_t(s.index)).get(next) != simdjson::SUCCESS) return false;
            if (ordinals) ordinals->push_back(uint32_t(s.index));
            current = next;
        } else {
            return false;
        }
    }
    out = current;
    return true;
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

void flatten_into(enrich_sj_parser *p, element e) {
    element_type type = e.type();
    enrich_sj_kind kind = kind_of(type);
    enrich_sj_token token;
    token.kind = kind;
    token.count = 0;
    token.value.u64 = 0;
    switch (kind) {
    case ENRICH_SJ_ARRAY: {
        const size_t at = p->tokens.size();
        p->tokens.push_back(token);
        simdjson::dom::array array;
        (void)e.get_array().get(array);
        uint32_t count = 0;
        for (element item : array) {
            flatten_into(p, item);
            ++count;
        }
        p->tokens[at].count = count;
        return;
    }
    case ENRICH_SJ_OBJECT: {
        const size_t at = p->tokens.size();
        p->tokens.push_back(token);
        simdjson::dom::object object;
        (void)e.get_object().get(object);
        const size_t base = p->keys.size();
        uint32_t count = 0;
        for (auto field : object) {
            enrich_sj_token key;
            key.kind = ENRICH_SJ_STRING;
            key.count = uint32_t(field.key.size());
            key.value.ptr = field.key.data();
            p->tokens.push_back(key);
            p->keys.push_back(field.key);
            flatten_into(p, field.value);
            ++count;
        }
        p->tokens[at].count = count;
        if (object_has_duplicates(p->keys, base, p->sorted_keys))
            p->tokens[at].kind |= ENRICH_SJ_FLAG_DUPLICATE_KEYS;
        p->keys.resize(base);
        return;
    }
    case ENRICH_SJ_STRING: {
        std::string_view s;
        (void)e.get_string().get(s);
        token.value.ptr = s.data();
        token.count = uint32_t(s.size());
        break;
    }
    default: {
        enrich_sj_value v;
        fill_scalar(e, kind, v);
        token.value.u64 = v.value.u64;
        if (kind == ENRICH_SJ_BOOL) { token.value.u64 = 0; token.value.boolean = v.value.boolean; }
        break;
    }
    }
    p->tokens.push_back(token);
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
    if (!p->has_document) return 0;
    simdjson::dom::object object;
    if (p->root.get_object().get(object) != simdjson::SUCCESS) return 0;
    for (auto field : object) {
        if (field.key.size() == key_length && std::memcmp(field.key.data(), key, key_length) == 0)
            return 1;
    }
    return 0;
}

size_t enrich_sj_field_count(const enrich_sj_parser *p) {
    if (!p->has_document) return 0;
    simdjson::dom::object object;
    if (p->root.get_object().get(object) != simdjson::SUCCESS) return 0;
    size_t n = 0;
    for (auto field : object) { (void)field; ++n; }
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

void extract_into(enrich_sj_parser *p, const enrich_sj_paths *paths, uint32_t flags,
                  enrich_sj_value *out) {
    p->nodes.clear();
    const bool want_raw = (flags & ENRICH_SJ_EXTRACT_RAW_CONTAINERS) != 0;
    const size_t n = paths->paths.size();
    for (size_t i = 0; i < n; ++i) {
        enrich_sj_value &v = out[i];
        v.node = 0;
        v.length = 0;
        v.value.u64 = 0;
        element found;
        p->ordinals.clear();
        if (!resolve(p->root, paths->paths[i], found, want_raw ? &p->ordinals : nullptr)) {
            v.kind = ENRICH_SJ_MISSING;
            continue;
        }
        enrich_sj_kind kind = kind_of(found.type());
        v.kind = kind;
        if (kind == ENRICH_SJ_ARRAY || kind == ENRICH_SJ_OBJECT) {
            v.node = uint32_t(p->nodes.size());
            p->nodes.push_back(found);
            if (want_raw) {
                const char *start = nullptr;
                size_t length = 0;
                raw_slice(p->input, p->ordinals, start, length);
                v.value.ptr = start;
                v.length = length;
            } else {
                v.value.ptr = nullptr;
            }
        } else {
            fill_scalar(found, kind, v);
        }
    }
}

} // namespace

extern "C" {

size_t enrich_sj_flatten(enrich_sj_parser *p, uint32_t node, const enrich_sj_token **tokens) {
    if (!p->has_document) return 0;
    element e;
    if (node == ENRICH_SJ_ROOT_NODE) {
        e = p->root;
    } else if (node < p->nodes.size()) {
        e = p->nodes[node];
    } else {
        return 0;
    }
    p->tokens.clear();
    p->keys.clear();
    try {
        flatten_into(p, e);
    } catch (...) { // std::bad_alloc
        p->tokens.clear();
        return 0;
    }
    *tokens = p->tokens.data();
    return p->tokens.size();
}

} // extern "C"
