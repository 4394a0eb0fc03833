import Foundation
import Testing
@testable import RuntimeState

@Suite("Dedup window")
struct DedupTests {
    @Test("a key is a duplicate strictly inside the window and new again from its end", arguments: Backend.allCases)
    func windowEdges(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        let window: TimeInterval = 60
        #expect(try store.checkAndRecordDedup(keys: ["k"], window: window, now: t0) == [false])
        #expect(try store.checkAndRecordDedup(keys: ["k"], window: window, now: t0) == [true], "same instant")
        #expect(try store.checkAndRecordDedup(keys: ["k"], window: window, now: t0.addingTimeInterval(59.999_999)) == [true], "1 µs before the end")
        // Duplicates do not extend the window: it ends 60 s after the first sighting.
        #expect(try store.checkAndRecordDedup(keys: ["k"], window: window, now: t0.addingTimeInterval(60)) == [false], "at the end: new again")
        // ... which started a new window at t0 + 60.
        #expect(try store.checkAndRecordDedup(keys: ["k"], window: window, now: t0.addingTimeInterval(119)) == [true])
        #expect(try store.checkAndRecordDedup(keys: ["k"], window: window, now: t0.addingTimeInterval(120)) == [false])
    }

    @Test("answers are per key, in order; a key repeated in one batch is a duplicate the second time", arguments: Backend.allCases)
    func batchOrder(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        #expect(try store.checkAndRecordDedup(keys: ["a", "b"], window: 10, now: t0) == [false, false])
        #expect(try store.checkAndRecordDedup(keys: ["c", "a", "c", "d", "b", "d"], window: 10, now: t0.addingTimeInterval(1))
            == [false, true, true, false, true, true])
        #expect(try store.checkAndRecordDedup(keys: [], window: 10, now: t0) == [])
    }

    @Test("expired keys are pruned as batches go by", arguments: Backend.allCases)
    func pruning(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        _ = try store.checkAndRecordDedup(keys: (0..<100).map { "old-\($0)" }, window: 5, now: t0)
        #expect(try store.statistics().dedupKeys == 100)
        _ = try store.checkAndRecordDedup(keys: ["new"], window: 5, now: t0.addingTimeInterval(4))
        #expect(try store.statistics().dedupKeys == 101, "nothing expired yet")
        _ = try store.checkAndRecordDedup(keys: ["newer"], window: 5, now: t0.addingTimeInterval(5))
        #expect(try store.statistics().dedupKeys == 2, "the 100 keys of t0 expired at t0 + 5 and were deleted")
        #expect(try store.pruneDedup(window: 5, now: t0.addingTimeInterval(100)) == 2)
        #expect(try store.statistics().dedupKeys == 0)
    }

    @Test("a replayed event (same origin) is not its own duplicate; another event with the key is", arguments: Backend.allCases)
    func origins(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        // First run: lines 1..3; line 3 repeats line 1's key.
        #expect(try store.checkAndRecordDedup(keys: ["u1", "u2", "u1"], window: 60, now: t0, origins: ["1", "2", "3"])
            == [false, false, true])
        // Killed before commit; the replay presents the same lines again.
        #expect(try store.checkAndRecordDedup(keys: ["u1", "u2", "u1"], window: 60, now: t0.addingTimeInterval(1), origins: ["1", "2", "3"])
            == [false, false, true])
        // A later event with the same key is a duplicate, and a replay does not move the window.
        #expect(try store.checkAndRecordDedup(keys: ["u1"], window: 60, now: t0.addingTimeInterval(2), origins: ["9"]) == [true])
        // Without origins, a re-presented key is always a duplicate.
        #expect(try store.checkAndRecordDedup(keys: ["u2"], window: 60, now: t0.addingTimeInterval(3)) == [true])
        #expect(try store.checkAndRecordDedup(keys: ["u1"], window: 60, now: t0.addingTimeInterval(60), origins: ["10"]) == [false])
    }

    @Test("invalid arguments are refused without touching the table")
    func invalidArguments() throws {
        let store = try StateStore(path: ":memory:")
        #expect(throws: StateStoreError.invalidArgument("dedup got 2 keys but 1 origins")) {
            try store.checkAndRecordDedup(keys: ["a", "b"], window: 10, now: t0, origins: ["1"])
        }
        for window in [0, -1, .infinity, .nan] as [TimeInterval] {
            #expect(throws: StateStoreError.self) { try store.checkAndRecordDedup(keys: ["a"], window: window, now: t0) }
        }
        #expect(try store.statistics().dedupKeys == 0)
    }
}
