/// Why `JSONReader` rejected its input, and where.
public struct JSONReaderError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Nothing but whitespace.
        case empty
        /// The input ended inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue the value here.
        case unexpectedCharacter
        /// A string without its closing quote.
        case unclosedString
        /// A backslash escape JSON does not define, or a malformed `\u` escape.
        case invalidEscape
        /// A `\u` escape naming half of a UTF-16 surrogate pair without the other half.
        case unpairedSurrogate
        /// A raw control character (U+0000–U+001F) inside a string.
        case controlCharacter
        /// Bytes that are not well-formed UTF-8 (RFC 3629) inside a string.
        case invalidUTF8
        /// A number that does not follow the JSON grammar (`01`, `1.`, `-`, `.5`).
        case invalidNumber
        /// A number whose magnitude overflows a Double.
        case numberOutOfRange
        /// Something that starts like `true`, `false` or `null` but is not.
        case invalidLiteral
        /// More than whitespace after the top-level value.
        case trailingCharacters
        /// Arrays and objects nested deeper than the reader's limit.
        case tooDeep
    }

    public let kind: Kind
    /// Byte offset of the problem from the start of the input.
    public let offset: Int
    /// A short human reason, such as "unclosed string".
    public let reason: String

    public init(kind: Kind, offset: Int, reason: String) {
        self.kind = kind
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
