import Synchronization

/// A shared count of events between reading and writing.
final class EventCounter: Sendable {
    private let count = Atomic<Int>(0)
    func add(_ delta: Int) { count.add(delta, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// The reader thread's failure, handed to the task that reports it.
final class FailureBox: Sendable {
    private let failure = Mutex<RunError?>(nil)
    func set(_ error: RunError) { failure.withLock { $0 = error } }
    var value: RunError? { failure.withLock { $0 } }
}
