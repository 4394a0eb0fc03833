import Synchronization

/// Hands out turns by batch sequence number: batch n checks its dedup keys only after
/// batch n-1 has. Each worker takes its batches in increasing order, so this cannot deadlock.
final class DedupTurns: Sendable {
    private struct State {
        var next = 0
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// Returns when it is `sequence`'s turn, or at once if the task is cancelled (a
    /// failed run must not leave workers waiting for a batch nobody will process).
    func waitFor(_ sequence: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.next == sequence || Task.isCancelled { return true }
                    state.waiting[sequence] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: sequence) }?.resume()
        }
    }

    func finished(_ sequence: Int) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.next = sequence + 1
            return state.waiting.removeValue(forKey: sequence + 1)
        }
        next?.resume()
    }
}
