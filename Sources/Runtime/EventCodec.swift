import EventJSON

/// Turns input lines into events and enriched events back into lines.
///
/// Decoders are per worker (fast parsers keep reusable buffers); the encoder splices the
/// new fields into the original bytes so an event is never re-serialised.
public protocol EventCodec: Sendable {
    func makeDecoder() -> any EventLineDecoder
    /// Appends `line` with `fields` added (before its closing brace) and a newline.
    func appendEnriched(line: [UInt8], fields: [(String, JSONValue)], to output: inout [UInt8])
}

/// Parses one line into a JSON object; one instance per worker, not shared.
public protocol EventLineDecoder {
    /// The event, or a reason the line is not a JSON object.
    mutating func decode(_ line: [UInt8]) -> Result<JSONValue, EventDecodeFailure>
}

/// Why a line is not an event (it goes to the dead-letter file with this reason).
public struct EventDecodeFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
