/// A token of the expression language, with byte offsets into the expression text.
struct Token: Equatable {
    enum Kind: Equatable {
        case identifier(String)
        case int(Int64)
        case float(Double)
        case duration(PipelineDuration)
        case string(String)
        case symbol(Symbol)
        case end
        case invalid(String)
    }

    var kind: Kind
    var start: Int
    var end: Int
}

/// An operator or punctuation token; a small enum so the parser's many "is the current
/// token `+`?" questions compare one byte rather than strings.
enum Symbol: UInt8, Equatable {
    case equal, notEqual, lessOrEqual, greaterOrEqual, and, or, coalesce
    case less, greater, not, plus, minus, star, slash, percent
    case openParen, closeParen, openBracket, closeBracket, comma, dot

    /// The symbol as written.
    var text: String {
        switch self {
        case .equal: "=="
        case .notEqual: "!="
        case .lessOrEqual: "<="
        case .greaterOrEqual: ">="
        case .and: "&&"
        case .or: "||"
        case .coalesce: "??"
        case .less: "<"
        case .greater: ">"
        case .not: "!"
        case .plus: "+"
        case .minus: "-"
        case .star: "*"
        case .slash: "/"
        case .percent: "%"
        case .openParen: "("
        case .closeParen: ")"
        case .openBracket: "["
        case .closeBracket: "]"
        case .comma: ","
        case .dot: "."
        }
    }

    /// The two-character symbol made of `first` and `second`, if they form one.
    static func pair(_ first: UInt8, _ second: UInt8) -> Symbol? {
        switch (first, second) {
        case (UInt8(ascii: "="), UInt8(ascii: "=")): .equal
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): .notEqual
        case (UInt8(ascii: "<"), UInt8(ascii: "=")): .lessOrEqual
        case (UInt8(ascii: ">"), UInt8(ascii: "=")): .greaterOrEqual
        case (UInt8(ascii: "&"), UInt8(ascii: "&")): .and
        case (UInt8(ascii: "|"), UInt8(ascii: "|")): .or
        case (UInt8(ascii: "?"), UInt8(ascii: "?")): .coalesce
        default: nil
        }
    }

    /// The one-character symbol `byte`, if it is one.
    static func single(_ byte: UInt8) -> Symbol? {
        switch byte {
        case UInt8(ascii: "<"): .less
        case UInt8(ascii: ">"): .greater
        case UInt8(ascii: "!"): .not
        case UInt8(ascii: "+"): .plus
        case UInt8(ascii: "-"): .minus
        case UInt8(ascii: "*"): .star
        case UInt8(ascii: "/"): .slash
        case UInt8(ascii: "%"): .percent
        case UInt8(ascii: "("): .openParen
        case UInt8(ascii: ")"): .closeParen
        case UInt8(ascii: "["): .openBracket
        case UInt8(ascii: "]"): .closeBracket
        case UInt8(ascii: ","): .comma
        case UInt8(ascii: "."): .dot
        default: nil
        }
    }
}

/// Splits expression text into tokens; never fails, bad input becomes `.invalid`.
struct ExpressionLexer {
    private let bytes: [UInt8]
    /// Lexing stops here (an interpolation's hole ends before the text does).
    private let limit: Int
    private var index: Int

    init(bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.limit = min(end ?? bytes.count, bytes.count)
        self.bytes = bytes
        self.index = start
    }

    mutating func next() -> Token {
        while index < limit, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
        let start = index
        guard index < limit else { return Token(kind: .end, start: start, end: start) }
        let byte = bytes[index]
        if isIdentifierStart(byte) {
            while index < limit, isIdentifierContinue(bytes[index]) { index += 1 }
            return Token(kind: .identifier(String(decoding: bytes[start..<index], as: UTF8.self)), start: start, end: index)
        }
        if isDigit(byte) { return number(from: start) }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { return string(from: start, quote: byte) }
        if index + 1 < limit, let pair = Symbol.pair(byte, bytes[index + 1]) {
            index += 2
            return Token(kind: .symbol(pair), start: start, end: index)
        }
        if let single = Symbol.single(byte) {
            index += 1
            return Token(kind: .symbol(single), start: start, end: index)
        }
        // One whole character, however many bytes, so the caret covers it.
        index += 1
        while index < limit, bytes[index] & 0xC0 == 0x80 { index += 1 }
        let character = String(decoding: bytes[start..<index], as: UTF8.self)
        let reason: String =
            switch character {
            case "=": "`=` is not an operator here; compare with `==`"
            case "&": "`&` is not an operator; use `&&` for \"and\""
            case "|": "`|` is not an operator; use `||` for \"or\""
            case "?": "`?` is not an operator; use `??` for a default value"
            case "{", "}": "braces only interpolate inside strings such as URLs"
            default: "unexpected character `\(character)`"
            }
        return Token(kind: .invalid(reason), start: start, end: index)
    }

    private mutating func number(from start: Int) -> Token {
        while index < limit, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "_") { index += 1 }
        var isFloat = false
        if index + 1 < limit, bytes[index] == UInt8(ascii: "."), isDigit(bytes[index + 1]) {
            isFloat = true
            index += 1
            while index < limit, isDigit(bytes[index]) { index += 1 }
        }
        if index < limit, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            var lookahead = index + 1
            if lookahead < limit, bytes[lookahead] == UInt8(ascii: "+") || bytes[lookahead] == UInt8(ascii: "-") { lookahead += 1 }
            if lookahead < limit, isDigit(bytes[lookahead]) {
                isFloat = true
                index = lookahead
                while index < limit, isDigit(bytes[index]) { index += 1 }
            }
        }
        // A unit right after the digits makes it a duration: 250ms, 1m30s.
        if !isFloat, index < limit, isLetter(bytes[index]) {
            while index < limit, isIdentifierContinue(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            switch PipelineDuration.parse(text) {
            case .success(let duration): return Token(kind: .duration(duration), start: start, end: index)
            case .failure: return Token(kind: .invalid("`\(text)` is neither a number nor a duration (units: us, ms, s, m, h)"), start: start, end: index)
            }
        }
        if isFloat, index < limit, isIdentifierStart(bytes[index]) {
            while index < limit, isIdentifierContinue(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return Token(kind: .invalid("`\(text)` is neither a number nor a duration (durations are whole numbers: write `1500ms`, not `1.5s`)"), start: start, end: index)
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self).replacingUnderscores
        if isFloat {
            guard let value = Double(text) else { return Token(kind: .invalid("malformed number `\(text)`"), start: start, end: index) }
            return Token(kind: .float(value), start: start, end: index)
        }
        guard let value = Int64(text) else { return Token(kind: .invalid("integer `\(text)` does not fit in 64 bits"), start: start, end: index) }
        return Token(kind: .int(value), start: start, end: index)
    }

    private mutating func string(from start: Int, quote: UInt8) -> Token {
        index += 1
        var value: [UInt8] = []
        while index < limit {
            let byte = bytes[index]
            if byte == quote {
                index += 1
                return Token(kind: .string(String(decoding: value, as: UTF8.self)), start: start, end: index)
            }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < limit else { break }
                let escaped = bytes[index + 1]
                index += 2
                switch escaped {
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "r"): value.append(0x0D)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): value.append(escaped)
                case UInt8(ascii: "u"):
                    guard index < limit, bytes[index] == UInt8(ascii: "{"),
                        let close = bytes[index..<limit].firstIndex(of: UInt8(ascii: "}")),
                        let code = UInt32(String(decoding: bytes[(index + 1)..<close], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else {
                        return Token(kind: .invalid("malformed `\\u{...}` escape"), start: index - 2, end: index)
                    }
                    value.append(contentsOf: Array(String(Character(scalar)).utf8))
                    index = close + 1
                default:
                    return Token(kind: .invalid("unknown escape `\\\(UnicodeScalar(escaped))` (use \\n \\t \\r \\\\ \\\" \\' or \\u{...})"), start: index - 2, end: index)
                }
                continue
            }
            value.append(byte)
            index += 1
        }
        return Token(kind: .invalid("unterminated string: add the closing \(quote == UInt8(ascii: "'") ? "'" : "\"")"), start: start, end: limit)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) }
    private func isIdentifierStart(_ byte: UInt8) -> Bool { isLetter(byte) || byte == UInt8(ascii: "_") }
    private func isIdentifierContinue(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }
}

extension String {
    fileprivate var replacingUnderscores: String { String(filter { $0 != "_" }) }
}
