import CSimdjson

/// Builds a `JSONValue` from the pre-order tokens `enrich_sj_flatten` produces.
struct TokenTreeBuilder {
    let tokens: UnsafeBufferPointer<enrich_sj_token>
    var index = 0

    init(tokens: UnsafeBufferPointer<enrich_sj_token>) {
        self.tokens = tokens
    }

    mutating func build() -> JSONValue {
        let token = tokens[index]
        index += 1
        switch enrich_sj_kind(rawValue: token.kind & ENRICH_SJ_KIND_MASK) {
        case ENRICH_SJ_NULL: return .null
        case ENRICH_SJ_BOOL: return .bool(token.value.boolean != 0)
        case ENRICH_SJ_INT64: return .int(token.value.i64)
        case ENRICH_SJ_UINT64: return .double(Double(token.value.u64))
        case ENRICH_SJ_DOUBLE: return .double(token.value.f64)
        case ENRICH_SJ_STRING: return .string(makeString(token.value.ptr, Int(token.count)))
        case ENRICH_SJ_ARRAY:
            let count = Int(token.count)
            var items: [JSONValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(build()) }
            return .array(items)
        case ENRICH_SJ_OBJECT:
            let count = Int(token.count)
            var keys: [String] = []
            var values: [JSONValue] = []
            keys.reserveCapacity(count)
            values.reserveCapacity(count)
            for _ in 0..<count {
                let key = tokens[index]
                index += 1
                keys.append(makeString(key.value.ptr, Int(key.count)))
                values.append(build())
            }
            if token.kind & ENRICH_SJ_FLAG_DUPLICATE_KEYS != 0 {
                return .object(JSONObject(keys: keys, values: values))
            }
            return .object(JSONObject(uniqueKeys: keys, values: values))
        default:
            preconditionFailure("unexpected token kind \(token.kind)")
        }
    }
}
