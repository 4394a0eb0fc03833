/// Parses JSON text into ``PlanJSON``, reporting the line and column of the first problem.
struct PlanJSONReader {
    /// What went wrong and where, e.g. `unexpected end of input at line 40, column 1`.
    struct SyntaxError: Error, Equatable {
        var message: String
    }

    /// Deepest nesting accepted; plans are shallow, so anything deeper is not a plan.
    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    /// The value of the whole document; only white space may follow it.
    static func read(_ bytes: [UInt8]) throws(SyntaxError) -> PlanJSON {
        var reader = PlanJSONReader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.value()
        reader.skipWhitespace()
        if reader.position < bytes.count { throw reader.error("unexpected text after the end of the document") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func value() throws(SyntaxError) -> PlanJSON {
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try keyword("true", .bool(true))
        case UInt8(ascii: "f"): return try keyword("false", .bool(false))
        case UInt8(ascii: "n"): return try keyword("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character `\(Character(Unicode.Scalar(bytes[position])))`")
        }
    }

    private mutating func object() throws(SyntaxError) -> PlanJSON {
        try enter()
        position += 1
        var members: [String: PlanJSON] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw error(position < bytes.count ? "expected a quoted key" : "unexpected end of input") }
            let keyStart = position
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected `:` after a key")
            skipWhitespace()
            if members[key] != nil { throw error("key `\(key)` appears twice", at: keyStart) }
            members[key] = try value()
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "expected `,` or `}`")
            depth -= 1
            return .object(members)
        }
    }

    private mutating func array() throws(SyntaxError) -> PlanJSON {
        try enter()
        position += 1
        var items: [PlanJSON] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            position += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "expected `,` or `]`")
            depth -= 1
            return .array(items)
        }
    }

    private mutating func string() throws(SyntaxError) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        var text: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                text += bytes[runStart..<position]
                position += 1
                guard let decoded = String(validating: text, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                scalars.append(contentsOf: decoded.unicodeScalars)
                return String(scalars)
            }
            if byte < 0x20 { throw error("control character inside a string") }
            if byte == UInt8(ascii: "\\") {
                text += bytes[runStart..<position]
                guard let decoded = String(validating: text, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                scalars.append(contentsOf: decoded.unicodeScalars)
                text = []
                scalars.append(try escape())
                runStart = position
                continue
            }
            position += 1
        }
        throw error("unexpected end of input inside a string")
    }

    /// One escape sequence after its backslash; surrogate pairs are combined.
    private mutating func escape() throws(SyntaxError) -> Unicode.Scalar {
        position += 1
        guard position < bytes.count else { throw error("unexpected end of input inside a string") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try hexQuad()
            if (0xD800..<0xDC00).contains(first) {
                guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate in a string")
                }
                position += 2
                let second = try hexQuad()
                guard (0xDC00..<0xE000).contains(second) else { throw error("unpaired surrogate in a string") }
                guard let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) else {
                    throw error("unpaired surrogate in a string")
                }
                return scalar
            }
            guard let scalar = Unicode.Scalar(first) else { throw error("unpaired surrogate in a string") }
            return scalar
        default:
            throw error("unknown escape `\\\(Character(Unicode.Scalar(byte)))`")
        }
    }

    private mutating func hexQuad() throws(SyntaxError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("unexpected end of input inside a string") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Character(Unicode.Scalar(bytes[position])).hexDigitValue else { throw error("expected four hexadecimal digits") }
            value = value * 16 + UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func number() throws(SyntaxError) -> PlanJSON {
        let start = position
        var isInteger = true
        if peek(UInt8(ascii: "-")) { position += 1 }
        guard digits() else { throw error("expected a digit") }
        if peek(UInt8(ascii: ".")) {
            isInteger = false
            position += 1
            guard digits() else { throw error("expected a digit after `.`") }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            isInteger = false
            position += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { position += 1 }
            guard digits() else { throw error("expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger {
            guard let value = Int64(text) else { throw error("integer \(text) is out of range") }
            return .int(value)
        }
        guard let value = Double(text), value.isFinite else { throw error("number \(text) is out of range") }
        return .float(value)
    }

    /// Consumes a run of digits; false when there was none.
    private mutating func digits() -> Bool {
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
        return position > start
    }

    private mutating func keyword(_ word: String, _ value: PlanJSON) throws(SyntaxError) -> PlanJSON {
        let expected = Array(word.utf8)
        guard bytes.count - position >= expected.count else { throw error("unexpected end of input") }
        guard Array(bytes[position..<position + expected.count]) == expected else { throw error("expected `\(word)`") }
        position += expected.count
        return value
    }

    private mutating func enter() throws(SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(SyntaxError) {
        guard position < bytes.count else { throw error("unexpected end of input") }
        guard bytes[position] == byte else { throw error(message) }
        position += 1
    }

    private func peek(_ byte: UInt8) -> Bool { position < bytes.count && bytes[position] == byte }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    /// `message` with the line and column (1-based, in bytes) of `offset`, the current position by default.
    private func error(_ message: String, at offset: Int? = nil) -> SyntaxError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return SyntaxError(message: "\(message) at line \(line), column \(offset - lineStart + 1)")
    }
}
