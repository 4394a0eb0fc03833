import Foundation
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

    /// One slot per worker up to one per core (times two): a slot's histograms take about
    /// a megabyte, and hundreds of workers waiting on slow calls may share a few slots.
    init(workers: Int, agentNames: [String]) {
        let count = min(max(1, workers), 2 * max(1, ProcessInfo.processInfo.activeProcessorCount))
        slots = (0..<count).map { _ in Slot(WorkerMetrics(agentNames: agentNames)) }
    }

    /// Runs `body` with the metrics of worker `worker`'s slot, which it may update.
    func record<Result>(slot worker: Int, _ body: (inout WorkerMetrics) throws -> Result) rethrows -> Result {
        try slots[worker % slots.count].metrics.withLock { try body(&$0) }
    }

    /// All workers' figures so far, keyed by name.
    var merged: RunMetrics {
        var total = RunMetrics()
        for slot in slots { slot.metrics.withLock { $0.add(into: &total) } }
        return total
    }
}
