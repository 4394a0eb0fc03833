import Foundation

/// Counts cache rows written since the size bound was last enforced, so that the bound
/// (which needs a `count(*)` over the table) is checked once per `limit / 10` rows stored,
/// not on every store: the count costs O(limit), amortized to O(10) per row stored.
final class CacheBoundTracker: @unchecked Sendable {
    let limit: Int?
    private let slack: Int
    private let lock = NSLock()
    private var writtenSinceCheck = 0

    init(limit: Int?) {
        self.limit = limit
        self.slack = max(1, (limit ?? 0) / 10)
    }

    /// Records `count` stored rows; true when the bound should be enforced now.
    func shouldCheck(afterStoring count: Int) -> Bool {
        guard limit != nil else { return false }
        lock.lock()
        defer { lock.unlock() }
        writtenSinceCheck += count
        guard writtenSinceCheck >= slack else { return false }
        writtenSinceCheck = 0
        return true
    }
}
