import EventJSON

/// Makes the per-worker objects that turn input lines into events and back.
public protocol EventCodec: Sendable {
    func makeLineCodec() -> any EventLineCodec
}

/// Parses lines into events and writes enriched lines; one per worker, never shared
/// (fast parsers keep reusable buffers).
public protocol EventLineCodec {
    /// The event, or a reason the line is not a JSON object.
    mutating func decode(_ line: [UInt8]) -> Result<DecodedEvent, EventDecodeFailure>
    /// Appends `line` (decoded earlier) with `fields` and `_enrichment` added before its
    /// closing brace, and a newline.
    mutating func appendEnriched(line: [UInt8], event: DecodedEvent, fields: [(String, JSONValue)], metadata: [UInt8], to output: inout [UInt8])
}

/// An event as the plan sees it, and whether writing the enriched fields back may
/// collide with the event's own top-level keys (then the slower merging write is used).
public struct DecodedEvent: Sendable {
    public var value: JSONValue
    public var fieldsMayCollide: Bool

    public init(value: JSONValue, fieldsMayCollide: Bool) {
        self.value = value
        self.fieldsMayCollide = fieldsMayCollide
    }
}

/// Why a line is not an event (it goes to the dead-letter file with this reason).
public struct EventDecodeFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
