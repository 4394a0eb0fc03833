/// What the run loop needs from durable state (the SQLite file in production).
///
/// The run loop calls ``commit(_:)`` once per written batch, so audit rows, cache
/// entries and the input checkpoint become durable together, or not at all.
public protocol RunStateStore: Sendable {
    /// The checkpoint left by an earlier run over the same input, if any.
    func checkpoint(for source: String) throws -> RunCheckpoint?
    /// Whether each key was seen within `windowMicroseconds`; records the unseen ones.
    ///
    /// `origins` identify each event stably across a restart (its input line), so an
    /// event replayed after a crash is not taken for a duplicate of itself.
    func checkDedup(keys: [String], origins: [String], windowMicroseconds: Int64, nowMicroseconds: Int64) throws -> [Bool]
    /// Makes one batch durable: its audit rows and the new checkpoint, in one transaction.
    func commit(_ batch: StateCommit) throws
}

/// How far a run over one input has durably got.
public struct RunCheckpoint: Sendable, Equatable {
    /// Identifies the input (its path).
    public var source: String
    /// Bytes of input fully processed and written.
    public var inputOffset: Int64
    /// Lines of input fully processed.
    public var inputLine: Int64
    /// Length of the output file when those lines were written (nil for standard output).
    public var outputLength: Int64?
    /// Length of the dead-letter file at the same moment.
    public var deadLetterLength: Int64

    public init(source: String, inputOffset: Int64, inputLine: Int64, outputLength: Int64?, deadLetterLength: Int64) {
        self.source = source
        self.inputOffset = inputOffset
        self.inputLine = inputLine
        self.outputLength = outputLength
        self.deadLetterLength = deadLetterLength
    }
}

/// One audit row: what happened to one event. Holds outcomes only, never values.
public struct AuditEntry: Sendable, Equatable {
    public var eventID: String
    public var line: Int64
    /// complete, partial, failed, duplicate or malformed.
    public var status: String
    /// `{"agent": {"outcome": ..., "attempts": n, "latency_us": n}, ...}`.
    public var agentsJSON: String
    public var latencyMicroseconds: Int64
    public var timestampMicroseconds: Int64
}

/// Everything one written batch makes durable.
public struct StateCommit: Sendable {
    public var checkpoint: RunCheckpoint
    public var audit: [AuditEntry]
    /// Enriched events for the webhook sink's outbox (empty for a file or standard output).
    public var outbox: [SinkEvent] = []
}

/// An enriched event bound for the webhook sink, with its idempotency key.
public struct SinkEvent: Sendable, Equatable {
    public var key: String
    public var bytes: [UInt8]
}
