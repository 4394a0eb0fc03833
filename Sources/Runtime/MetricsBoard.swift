import Synchronization

/// Every worker's metrics, each in its own locked slot, merged on demand (progress line,
/// `/metrics`, final summary).
///
/// A worker records a batch's events into its slot under the slot's lock, so a reader
/// always sees figures up to the last finished batch, and nothing is copied per batch:
/// histograms are large, and copying them after every batch cost more than the events.
final class MetricsBoard: Sendable {
    private final class Slot: Sendable {
        let metrics: Mutex<WorkerMetrics>
        init(_ metrics: WorkerMetrics) { self.metrics = Mutex(metrics) }
    }

    private let slots: [Slot]

    init(workers: Int, agentNames: [String]) {
        slots = (0..<max(1, workers)).map { _ in Slot(WorkerMetrics(agentNames: agentNames)) }
    }

    /// Runs `body` with worker `slot`'s metrics, which it may update.
    func record<Result>(slot: Int, _ body: (inout WorkerMetrics) throws -> Result) rethrows -> Result {
        try slots[slot].metrics.withLock { try body(&$0) }
    }

    /// All workers' figures so far, keyed by name.
    var merged: RunMetrics {
        var total = RunMetrics()
        for slot in slots { slot.metrics.withLock { $0.add(into: &total) } }
        return total
    }
}
