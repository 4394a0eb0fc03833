/// A strict RFC 8259 JSON parser in pure Swift, with byte-offset errors.
///
/// Use it for configuration and plan-adjacent JSON, and as the reference the simdjson path is
/// tested against; events on the hot path go through `JSONLineParser`.
///
/// - Any value may be at the top level; only whitespace (space, tab, LF, CR) may surround it.
///   A byte-order mark is rejected.
/// - Strings must be well-formed UTF-8 without raw control characters; `\u` escapes must pair
///   surrogates.
/// - Integers without fraction or exponent that fit `Int64` become `.int`; every other number
///   becomes `.double` (integers beyond `Int64` are rounded to the nearest Double). Numbers
///   whose magnitude overflows a Double are rejected; underflow becomes 0.
/// - Repeated object keys: the last value wins, kept at the key's first position
///   (`JSONObject`'s rule).
/// - Arrays and objects may nest `maxDepth` levels (512 by default, like `JSONLineParser`).
public enum JSONReader {
    public static let defaultMaxDepth = 512

    public static func parse(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth
    ) throws(JSONReaderError) -> JSONValue {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONReaderError(kind: .empty, offset: 0, reason: "empty input")
        }
        var reader = Reader(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count, maxDepth: maxDepth)
        return try reader.parseDocument()
    }

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONReaderError) -> JSONValue {
        try withBytes(bytes) { (raw) throws(JSONReaderError) in try parse(raw, maxDepth: maxDepth) }
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONReaderError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONReaderError> = text.withUTF8 { utf8 in
            do throws(JSONReaderError) {
                return .success(try parse(UnsafeRawBufferPointer(utf8), maxDepth: maxDepth))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The offset of the first byte that is not part of well-formed UTF-8, or nil.
    public static func firstInvalidUTF8Offset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        var i = 0
        while i < bytes.count {
            if p[i] < 0x80 { i += 1; continue }
            let length = utf8SequenceLength(p, i, bytes.count)
            if length == 0 { return i }
            i += length
        }
        return nil
    }

    private static func withBytes<R>(
        _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(JSONReaderError) -> R
    ) throws(JSONReaderError) -> R {
        let result: Result<R, JSONReaderError> = bytes.withUnsafeBytes { raw in
            do throws(JSONReaderError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// Length of the well-formed UTF-8 sequence starting at a non-ASCII byte `p[i]`, or 0.
@inline(__always)
func utf8SequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
    let lead = p[i]
    @inline(__always) func continuation(_ j: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
        j < end && p[j] >= low && p[j] <= high
    }
    switch lead {
    case 0xC2...0xDF:
        return continuation(i + 1) ? 2 : 0
    case 0xE0:
        return continuation(i + 1, 0xA0) && continuation(i + 2) ? 3 : 0
    case 0xE1...0xEC, 0xEE...0xEF:
        return continuation(i + 1) && continuation(i + 2) ? 3 : 0
    case 0xED: // excludes UTF-16 surrogates
        return continuation(i + 1, 0x80, 0x9F) && continuation(i + 2) ? 3 : 0
    case 0xF0:
        return continuation(i + 1, 0x90) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
    case 0xF1...0xF3:
        return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
    case 0xF4:
        return continuation(i + 1, 0x80, 0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
    default:
        return 0
    }
}

private struct Reader {
    let p: UnsafePointer<UInt8>
    let end: Int
    let maxDepth: Int
    var i = 0
    var depth = 0
    var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        p = base
        end = count
        self.maxDepth = maxDepth
    }

    // MARK: structure

    mutating func parseDocument() throws(JSONReaderError) -> JSONValue {
        skipWhitespace()
        if i == end { throw JSONReaderError(kind: .empty, offset: i, reason: "empty input") }
        let value = try parseValue()
        skipWhitespace()
        if i != end {
            throw JSONReaderError(
                kind: .trailingCharacters, offset: i,
                reason: "trailing characters after the JSON value (\(describeByte(at: i)))")
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < end {
            switch p[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONReaderError) -> JSONValue {
        guard i < end else { throw unexpectedEnd("a value") }
        switch p[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        default: throw unexpected("a value")
        }
    }

    mutating func enter() throws(JSONReaderError) {
        depth += 1
        if depth > maxDepth {
            throw JSONReaderError(kind: .tooDeep, offset: i, reason: "arrays and objects nested deeper than \(maxDepth) levels")
        }
    }

    mutating func parseObject() throws(JSONReaderError) -> JSONValue {
        try enter()
        i += 1 // {
        skipWhitespace()
        var keys: [String] = []
        var values: [JSONValue] = []
        if i < end, p[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            guard i < end else { throw unexpectedEnd("a string key or '}'") }
            guard p[i] == UInt8(ascii: "\"") else { throw unexpected("a string key") }
            keys.append(try parseString())
            skipWhitespace()
            guard i < end else { throw unexpectedEnd("':' after the object key") }
            guard p[i] == UInt8(ascii: ":") else { throw unexpected("':' after the object key") }
            i += 1
            skipWhitespace()
            values.append(try parseValue())
            skipWhitespace()
            guard i < end else { throw unexpectedEnd("',' or '}' after an object member") }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
                continue
            }
            guard p[i] == UInt8(ascii: "}") else { throw unexpected("',' or '}' after an object member") }
            i += 1
            break
        }
        depth -= 1
        return .object(JSONObject(keys: keys, values: values))
    }

    mutating func parseArray() throws(JSONReaderError) -> JSONValue {
        try enter()
        i += 1 // [
        skipWhitespace()
        var items: [JSONValue] = []
        if i < end, p[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            guard i < end else { throw unexpectedEnd("',' or ']' after an array element") }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
                continue
            }
            guard p[i] == UInt8(ascii: "]") else { throw unexpected("',' or ']' after an array element") }
            i += 1
            break
        }
        depth -= 1
        return .array(items)
    }

    mutating func parseLiteral(_ word: StaticString) throws(JSONReaderError) {
        let start = i
        let count = word.utf8CodeUnitCount
        let letters = word.utf8Start
        for k in 0..<count {
            guard start + k < end, p[start + k] == letters[k] else {
                throw JSONReaderError(kind: .invalidLiteral, offset: start, reason: "invalid literal (expected true, false or null)")
            }
        }
        i = start + count
        if i < end, isIdentifierByte(p[i]) {
            throw JSONReaderError(kind: .invalidLiteral, offset: start, reason: "invalid literal (expected true, false or null)")
        }
    }

    // MARK: numbers

    mutating func parseNumber() throws(JSONReaderError) -> JSONValue {
        let start = i
        var isInteger = true
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, isDigit(p[i]) else { throw invalidNumber(start, "a digit") }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, isDigit(p[i]) { throw invalidNumber(start, "no leading zeros") }
        } else {
            while i < end, isDigit(p[i]) { i += 1 }
        }
        if i < end, p[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < end, isDigit(p[i]) else { throw invalidNumber(start, "a digit after '.'") }
            while i < end, isDigit(p[i]) { i += 1 }
        }
        if i < end, p[i] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            i += 1
            if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, isDigit(p[i]) else { throw invalidNumber(start, "a digit in the exponent") }
            while i < end, isDigit(p[i]) { i += 1 }
        }
        if i < end, isIdentifierByte(p[i]) || p[i] == UInt8(ascii: ".") {
            throw invalidNumber(start, nil)
        }
        if isInteger, let value = integerValue(from: start, to: i) { return .int(value) }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONReaderError(kind: .numberOutOfRange, offset: start, reason: "number out of range: \(text)")
        }
        return .double(value)
    }

    /// The Int64 the digits spell, or nil on overflow.
    func integerValue(from start: Int, to stop: Int) -> Int64? {
        var k = start
        let negative = p[k] == UInt8(ascii: "-")
        if negative { k += 1 }
        var value: Int64 = 0
        while k < stop {
            let digit = Int64(p[k] &- UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = next
            k += 1
        }
        return value
    }

    func invalidNumber(_ start: Int, _ expected: String?) -> JSONReaderError {
        JSONReaderError(
            kind: .invalidNumber, offset: start,
            reason: expected.map { "invalid number (expected \($0))" } ?? "invalid number")
    }

    // MARK: strings

    /// Parses the string whose opening quote is at `i`.
    mutating func parseString() throws(JSONReaderError) -> String {
        let open = i
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < end {
            let byte = p[i]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
                i += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            try checkedAdvance(byte)
        }
        guard i < end else { throw unclosedString(open) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
        while i < end {
            let byte = p[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                try parseEscape()
                continue
            }
            let from = i
            try checkedAdvance(byte)
            scratch.append(contentsOf: UnsafeBufferPointer(start: p + from, count: i - from))
        }
        throw unclosedString(open)
    }

    /// Steps over one unescaped character of a string, validating it.
    @inline(__always)
    mutating func checkedAdvance(_ byte: UInt8) throws(JSONReaderError) {
        if byte >= 0x20 && byte < 0x80 {
            i += 1
        } else if byte < 0x20 {
            throw JSONReaderError(
                kind: .controlCharacter, offset: i,
                reason: "unescaped control character U+\(hex4(UInt32(byte))) in string")
        } else {
            let length = utf8SequenceLength(p, i, end)
            if length == 0 { throw JSONReaderError(kind: .invalidUTF8, offset: i, reason: "invalid UTF-8") }
            i += length
        }
    }

    mutating func parseEscape() throws(JSONReaderError) {
        let at = i
        guard i + 1 < end else { throw unclosedString(at) }
        let code = p[i + 1]
        i += 2
        switch code {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad(escapeAt: at)
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard i + 1 < end, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                    throw unpaired(at, scalar)
                }
                let lowAt = i
                i += 2
                let low = try hexQuad(escapeAt: lowAt)
                guard low >= 0xDC00 && low <= 0xDFFF else { throw unpaired(at, scalar) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw unpaired(at, scalar)
            }
            appendUTF8(scalar)
        default:
            let shown = code >= 0x20 && code < 0x7F ? String(UnicodeScalar(code)) : "U+\(hex4(UInt32(code)))"
            throw JSONReaderError(kind: .invalidEscape, offset: at, reason: "invalid escape '\\\(shown)' in string")
        }
    }

    /// Reads the four hex digits after `\u` (the escape starts at `escapeAt`; `i` is past "\u").
    mutating func hexQuad(escapeAt: Int) throws(JSONReaderError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard i < end else { throw unclosedString(escapeAt) }
            let byte = p[i]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default:
                throw JSONReaderError(kind: .invalidEscape, offset: escapeAt, reason: "invalid \\u escape (expected 4 hex digits)")
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: errors

    func unclosedString(_ open: Int) -> JSONReaderError {
        JSONReaderError(kind: .unclosedString, offset: open, reason: "unclosed string")
    }

    func unpaired(_ at: Int, _ scalar: UInt32) -> JSONReaderError {
        JSONReaderError(kind: .unpairedSurrogate, offset: at, reason: "unpaired UTF-16 surrogate \\u\(hex4(scalar)) in string")
    }

    func unexpectedEnd(_ expected: String) -> JSONReaderError {
        JSONReaderError(kind: .unexpectedEnd, offset: i, reason: "unexpected end of input (expected \(expected))")
    }

    func unexpected(_ expected: String) -> JSONReaderError {
        JSONReaderError(kind: .unexpectedCharacter, offset: i, reason: "unexpected \(describeByte(at: i)) (expected \(expected))")
    }

    func describeByte(at offset: Int) -> String {
        let byte = p[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(String(UnicodeScalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}

@inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

@inline(__always) private func isIdentifierByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "_")
}

func hex4(_ value: UInt32) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - text.count)) + text
}
