/// Why a JSON Lines event was rejected, in words a person reading a dead-letter log understands.
///
/// `reason` reads like "malformed JSON: unclosed string" or "line is a JSON array, not an
/// object"; `offset`, when known, is the byte offset of the problem within the line.
public struct JSONLineError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Nothing but whitespace.
        case emptyLine
        /// Not valid JSON.
        case malformed
        /// Bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// Valid JSON whose top level is not an object.
        case notAnObject
        /// Longer than the parser's line limit.
        case tooLarge
        /// The parser could not allocate memory for the line.
        case outOfMemory
    }

    public let kind: Kind
    /// A short human reason.
    public let reason: String
    /// Byte offset of the problem within the line, when known.
    public let offset: Int?
    /// simdjson's own message, when the error came from simdjson.
    public let engineMessage: String?

    public init(kind: Kind, reason: String, offset: Int? = nil, engineMessage: String? = nil) {
        self.kind = kind
        self.reason = reason
        self.offset = offset
        self.engineMessage = engineMessage
    }

    /// The reason, followed by the offset when known: "malformed JSON: unclosed string at byte 9".
    public var description: String {
        guard let offset else { return reason }
        return "\(reason) at byte \(offset)"
    }
}
