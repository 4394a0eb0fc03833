import CSimdjson

/// Parses JSON Lines events with simdjson: one whole-line validation, then field extraction or a
/// full tree.
///
/// **One parser per thread.** A parser owns reusable buffers (a padded copy of the last line, the
/// parsed document, scratch for results) and is deliberately not `Sendable`: create one inside
/// each worker and keep it there. Reuse it for every line; creating one per event throws away the
/// buffers that make it fast.
///
/// Every call validates the whole line (UTF-8, strings, numbers, structure, nesting up to 512
/// levels) and rejects a top level that is not an object, so a line that passes can be copied
/// to the output verbatim (see `EventLineWriter`).
///
/// Values map to `JSONValue` as `JSONReader` maps them: integers that fit `Int64` are `.int`,
/// other numbers `.double` (integers between `Int64.max` and `UInt64.max` are rounded to the
/// nearest Double); simdjson rejects integers beyond `UInt64.max` and numbers that overflow a
/// Double. If an object repeats a key, the last occurrence wins.
public final class JSONLineParser {
    /// The default longest line accepted, in bytes (64 MiB).
    public static let defaultMaxLineBytes = 64 << 20

    let handle: OpaquePointer
    /// The line limit this parser enforces.
    public let maxLineBytes: Int
    private var values: UnsafeMutablePointer<enrich_sj_value>
    private var valuesCapacity: Int

    public init(maxLineBytes: Int = JSONLineParser.defaultMaxLineBytes) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        guard let handle = enrich_sj_parser_create(maxLineBytes) else {
            fatalError("JSONLineParser: out of memory")
        }
        self.handle = handle
        self.maxLineBytes = maxLineBytes
        valuesCapacity = 16
        values = .allocate(capacity: valuesCapacity)
    }

    deinit {
        values.deallocate()
        enrich_sj_parser_destroy(handle)
    }

    // MARK: whole documents

    /// Validates the line and returns it as a tree (`.object`).
    public func parseObject(_ line: UnsafeRawBufferPointer) throws(JSONLineError) -> JSONValue {
        try parse(line)
        return tree(node: ENRICH_SJ_ROOT_NODE)
    }

    public func parseObject(_ line: [UInt8]) throws(JSONLineError) -> JSONValue {
        try withLine(line) { (raw) throws(JSONLineError) in try parseObject(raw) }
    }

    /// Validates the line without building anything; it becomes the parser's current document.
    public func validate(_ line: UnsafeRawBufferPointer) throws(JSONLineError) {
        try parse(line)
    }

    // MARK: extraction

    /// The values at `paths` in this line, in the order of `paths`; nil where a path is missing
    /// (a JSON `null` is `.null`).
    public func extract(_ line: UnsafeRawBufferPointer, paths: ExtractionPaths) throws(JSONLineError) -> [JSONValue?] {
        var result: [JSONValue?] = []
        try extract(line, paths: paths, into: &result)
        return result
    }

    public func extract(_ line: [UInt8], paths: ExtractionPaths) throws(JSONLineError) -> [JSONValue?] {
        try withLine(line) { (raw) throws(JSONLineError) in try extract(raw, paths: paths) }
    }

    /// Like `extract(_:paths:)`, replacing the contents of `result` so its storage is reused.
    public func extract(_ line: UnsafeRawBufferPointer, paths: ExtractionPaths, into result: inout [JSONValue?]) throws(JSONLineError) {
        try parse(line)
        let count = paths.count
        if count > valuesCapacity {
            values.deallocate()
            valuesCapacity = max(count, valuesCapacity * 2)
            values = .allocate(capacity: valuesCapacity)
        }
        guard enrich_sj_extract(handle, paths.handle, 0, values) == 0 else {
            throw JSONLineError(kind: .outOfMemory, reason: "out of memory while extracting fields")
        }
        if result.count == count {
            // Overwrite in place: reuses the storage without a removeAll/append round trip.
            for index in 0..<count { result[index] = value(values[index]) }
        } else {
            result.removeAll(keepingCapacity: true)
            result.reserveCapacity(count)
            for index in 0..<count { result.append(value(values[index])) }
        }
    }

    // MARK: the current document

    /// True when the parser's current document was parsed from exactly these bytes.
    public func isCurrentDocument(_ line: UnsafeRawBufferPointer) -> Bool {
        enrich_sj_is_current(handle, line.baseAddress, line.count) != 0
    }

    /// True when the current document's top level has a member with this name.
    public func currentDocumentHasKey(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { enrich_sj_has_key(handle, $0.baseAddress, $0.count) != 0 }
        }
    }

    /// True when the current document's top level has a member named like any of `names`,
    /// given as UTF-8 bytes back to back with their lengths.
    func currentDocumentHasAnyKey(bytes: [UInt8], lengths: [Int]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                enrich_sj_has_any_key(handle, chars.baseAddress, lengths, lengths.count) != 0
            }
        }
    }

    // MARK: internals

    func parse(_ line: UnsafeRawBufferPointer) throws(JSONLineError) {
        var error = enrich_sj_error()
        let status = enrich_sj_parse(handle, line.baseAddress, line.count, &error)
        if status != ENRICH_SJ_OK {
            throw JSONLineParser.lineError(status: status, error: error, line: line, maxLineBytes: maxLineBytes)
        }
    }

    private func withLine<R>(
        _ line: [UInt8], _ body: (UnsafeRawBufferPointer) throws(JSONLineError) -> R
    ) throws(JSONLineError) -> R {
        let result: Result<R, JSONLineError> = line.withUnsafeBytes { raw in
            do throws(JSONLineError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    @inline(__always)
    private func value(_ v: enrich_sj_value) -> JSONValue? {
        switch enrich_sj_kind(rawValue: v.kind) {
        case ENRICH_SJ_MISSING: return nil
        case ENRICH_SJ_NULL: return .null
        case ENRICH_SJ_BOOL: return .bool(v.value.boolean != 0)
        case ENRICH_SJ_INT64: return .int(v.value.i64)
        case ENRICH_SJ_UINT64: return .double(Double(v.value.u64))
        case ENRICH_SJ_DOUBLE: return .double(v.value.f64)
        case ENRICH_SJ_STRING: return .string(makeString(v.value.ptr, v.length))
        default: return tree(node: v.node)
        }
    }

    private func tree(node: UInt32) -> JSONValue {
        var tokens: UnsafePointer<enrich_sj_token>? = nil
        let count = enrich_sj_flatten(handle, node, &tokens)
        guard count > 0, let tokens else { fatalError("JSONLineParser: out of memory while building a tree") }
        var builder = TokenTreeBuilder(tokens: UnsafeBufferPointer(start: tokens, count: count))
        return builder.build()
    }

    static func lineError(
        status: enrich_sj_status, error: enrich_sj_error, line: UnsafeRawBufferPointer, maxLineBytes: Int
    ) -> JSONLineError {
        let engineMessage = error.message.map { String(cString: $0) }
        let offset = error.offset >= 0 ? Int(error.offset) : nil
        switch status {
        case ENRICH_SJ_NOT_AN_OBJECT:
            let what: String
            switch enrich_sj_kind(rawValue: UInt32(error.root_kind)) {
            case ENRICH_SJ_ARRAY: what = "a JSON array"
            case ENRICH_SJ_STRING: what = "a JSON string"
            case ENRICH_SJ_INT64, ENRICH_SJ_UINT64, ENRICH_SJ_DOUBLE: what = "a JSON number"
            case ENRICH_SJ_BOOL: what = "a JSON boolean"
            case ENRICH_SJ_NULL: what = "JSON null"
            default: what = "not a JSON object"
            }
            return JSONLineError(kind: .notAnObject, reason: "line is \(what), not an object", offset: offset)
        case ENRICH_SJ_TOO_LARGE:
            return JSONLineError(
                kind: .tooLarge, reason: "line is \(line.count) bytes, longer than the limit of \(maxLineBytes)",
                offset: nil, engineMessage: engineMessage)
        case ENRICH_SJ_OUT_OF_MEMORY:
            return JSONLineError(kind: .outOfMemory, reason: "out of memory while parsing the line", engineMessage: engineMessage)
        default:
            return malformedError(code: Int(error.code), engineMessage: engineMessage, line: line)
        }
    }

    /// simdjson says the line is not valid JSON; JSONReader (on this error path only) says where.
    static func malformedError(code: Int, engineMessage: String?, line: UnsafeRawBufferPointer) -> JSONLineError {
        if code == ENRICH_SJ_CODE_EMPTY {
            return JSONLineError(kind: .emptyLine, reason: "empty line", offset: line.count, engineMessage: engineMessage)
        }
        if code == ENRICH_SJ_CODE_UTF8_ERROR {
            return JSONLineError(
                kind: .invalidUTF8, reason: "malformed JSON: invalid UTF-8",
                offset: JSONReader.firstInvalidUTF8Offset(line), engineMessage: engineMessage)
        }
        do {
            _ = try JSONReader.parse(line)
        } catch {
            let kind: JSONLineError.Kind = error.kind == .invalidUTF8 ? .invalidUTF8 : .malformed
            return JSONLineError(kind: kind, reason: "malformed JSON: \(error.reason)", offset: error.offset, engineMessage: engineMessage)
        }
        // JSONReader accepts what simdjson does not: integers beyond UInt64 are the known case.
        let reason: String
        switch code {
        case Int(ENRICH_SJ_CODE_NUMBER_ERROR): reason = "number that is malformed or does not fit in 64 bits"
        case Int(ENRICH_SJ_CODE_STRING_ERROR): reason = "invalid string"
        default: reason = engineMessage ?? "rejected by simdjson"
        }
        return JSONLineError(kind: .malformed, reason: "malformed JSON: \(reason)", offset: nil, engineMessage: engineMessage)
    }
}

@available(*, unavailable, message: "JSONLineParser holds per-thread buffers: create one per worker")
extension JSONLineParser: Sendable {}

@inline(__always)
func makeString(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String {
    guard let pointer, length > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
}
