import EventJSON

/// Runs one event through a pipeline: the part of a run that differs between the plan
/// interpreter (``PlanExecutor``) and a generated, specialized pipeline.
///
/// Everything around it (reading, decoding, dedup bookkeeping, writing, checkpoints,
/// state, metrics) is ``EventStreamRunner``'s and the same for both. A processor tries
/// each event inline first; when it needs to wait (an awaited call, a pause before a
/// retry) it hands back a ``PendingEvent`` and the runner finishes the event with
/// ``process(_:resuming:)`` beside other waiting events, so no agent is called twice.
public protocol EventProcessor: Sendable {
    /// Runs the event without suspending, or says where it stopped.
    func processInline(_ event: JSONValue) -> EventStep
    /// Runs the event to the end, carrying on from `pending` when the inline attempt stopped.
    func process(_ event: JSONValue, resuming pending: PendingEvent?) async -> EventResult
    /// The event's dedup key as text, or nil when the plan has no dedup or the key is missing.
    func dedupKey(for event: JSONValue) -> String?
}

/// The result of an inline attempt.
public enum EventStep: Sendable {
    case finished(EventResult)
    case needsAwait(PendingEvent)
}

/// How far an inline attempt got; only the processor that made it reads what is inside.
public struct PendingEvent: Sendable {
    public let progress: any Sendable

    public init(_ progress: any Sendable) { self.progress = progress }
}
