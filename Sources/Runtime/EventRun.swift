import EventJSON
import Foundation

/// One event's progress in a generated pipeline: agent reports, failure, elapsed time.
///
/// The generated code keeps the agents' output values in its own typed fields and
/// records here what each agent did; ``finish(fields:)`` makes the same
/// ``EventResult`` the interpreter makes.
public struct EventRun: Sendable {
    /// In the order the agents finished; each carries its plan index for ``finish(fields:)``.
    private var reports: [AgentReport] = []
    /// Why the event failed (`fallback: fail`), once it has.
    public private(set) var failure: String?
    private let startedAt = DispatchTime.now().uptimeNanoseconds

    /// A run with room for `agentCount` reports, so recording them does not regrow the array.
    public init(agentCount: Int = 0) {
        reports.reserveCapacity(agentCount)
    }

    public var failed: Bool { failure != nil }

    /// Records what an agent did and returns the outputs it produced, if any.
    @discardableResult
    public mutating func record(_ outcome: AgentCallOutcome) -> ProducedOutputs? {
        reports.append(outcome.report)
        if let reason = outcome.failure { failure = reason }
        return outcome.producedOutputs
    }

    /// What is left of the event's deadline, in microseconds (nil without one).
    public func deadlineLeft(_ deadlineMicroseconds: Int64?) -> Int64? {
        deadlineMicroseconds.map { $0 - Int64((DispatchTime.now().uptimeNanoseconds &- startedAt) / 1000) }
    }

    /// The event's result with `fields` added (pass none for a failed event).
    public func finish(fields: [(String, JSONValue)]) -> EventResult {
        var ordered = reports
        if zip(ordered, ordered.dropFirst()).contains(where: { $0.agentIndex > $1.agentIndex }) {
            ordered.sort { $0.agentIndex < $1.agentIndex }
        }
        let latency = Int64((DispatchTime.now().uptimeNanoseconds &- startedAt) / 1000)
        return EventResult(reports: ordered, fields: failed ? [] : fields, latencyMicroseconds: latency, failure: failure)
    }
}

extension EventResult {
    /// A result whose status follows from the reports: failed, partial when an agent fell
    /// back or was skipped, complete otherwise.
    init(reports: [AgentReport], fields: [(String, JSONValue)], latencyMicroseconds: Int64, failure: String?) {
        let status: EventStatus = failure != nil ? .failed : (reports.contains { $0.outcome.isDegraded } ? .partial : .complete)
        self.init(status: status, reports: reports, fields: fields, latencyMicroseconds: latencyMicroseconds, failure: failure)
    }
}
