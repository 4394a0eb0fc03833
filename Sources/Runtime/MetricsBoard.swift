import Synchronization

/// Each worker's latest metrics, merged on demand (progress line, final summary).
final class MetricsBoard: Sendable {
    private let slots: Mutex<[RunMetrics]>

    init(workers: Int) {
        slots = Mutex(Array(repeating: RunMetrics(), count: workers))
    }

    func publish(_ metrics: RunMetrics, slot: Int) {
        slots.withLock { $0[slot] = metrics }
    }

    var merged: RunMetrics {
        let all = slots.withLock { $0 }
        var total = RunMetrics()
        for metrics in all { total.merge(metrics) }
        return total
    }
}
