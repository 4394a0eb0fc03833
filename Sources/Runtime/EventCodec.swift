import EventJSON

/// Makes the per-worker objects that turn input lines into events and back.
public protocol EventCodec: Sendable {
    func makeLineCodec() -> any EventLineCodec
}

/// Parses lines into events and writes enriched lines; one per worker, never shared
/// (fast parsers keep reusable buffers).
public protocol EventLineCodec {
    /// The event, or a reason the line is not a JSON object.
    mutating func decode(_ line: [UInt8]) -> Result<JSONValue, EventDecodeFailure>
    /// Appends `line` with `fields` added (before its closing brace) and a newline.
    mutating func appendEnriched(line: [UInt8], fields: [(String, JSONValue)], to output: inout [UInt8])
}

/// Why a line is not an event (it goes to the dead-letter file with this reason).
public struct EventDecodeFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
