import Foundation
import Testing
@testable import RuntimeState

/// Runs `body(0)` and `body(1)` on two threads at once and waits for both.
func onTwoThreads(_ body: @escaping @Sendable (Int) throws -> Void) throws {
    let errors = ErrorBox()
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for index in 0..<2 {
        done.enter()
        let thread = Thread {
            start.wait()
            do { try body(index) } catch { errors.append(error) }
            done.leave()
        }
        thread.start()
    }
    start.signal()
    start.signal()
    done.wait()
    if let error = errors.first { throw error }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func append(_ error: any Error) { lock.lock(); errors.append(error); lock.unlock() }
    var first: (any Error)? { lock.lock(); defer { lock.unlock() }; return errors.first }
}

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: [Bool]] = [:]
    func set(_ index: Int, _ value: [Bool]) { lock.lock(); results[index, default: []] += value; lock.unlock() }
    func get(_ index: Int) -> [Bool] { lock.lock(); defer { lock.unlock() }; return results[index] ?? [] }
}

@Suite("Concurrent use")
struct ConcurrencyTests {
    @Test("two threads on one store: every write lands, each dedup key is new exactly once", arguments: Backend.allCases)
    func oneStoreTwoThreads(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        let keys = (0..<2_000).map { "key-\($0)" }
        let answers = ResultsBox()
        try onTwoThreads { thread in
            for batch in 0..<20 {
                let slice = Array(keys[(batch * 100)..<(batch * 100 + 100)])
                // Both threads present the same keys: exactly one of them must see each as new.
                answers.set(thread, try store.checkAndRecordDedup(keys: slice, window: 3_600, now: t0))
                let base = Int64(thread * 1_000_000 + batch * 100)
                try store.commitBatch(
                    checkpoint: checkpoint(line: Int64(batch + 1), source: "source-\(thread)"),
                    audit: (1...100).map { audit(base + Int64($0)) },
                    cache: slice.map { CacheEntry(agent: "agent-\(thread)", key: $0, value: "\(thread)", storedAt: t0, ttl: 60) })
                let found = try store.lookupCache(agent: "agent-\(thread)", keys: slice, now: t0)
                #expect(found.count == 100)
            }
        }
        let first = answers.get(0), second = answers.get(1)
        #expect(first.count == 2_000 && second.count == 2_000)
        #expect(zip(first, second).allSatisfy { $0 != $1 }, "each key is new for exactly one thread")
        #expect(try store.statistics() == StateStatistics(cacheEntries: 4_000, dedupKeys: 2_000, auditRecords: 4_000, checkpoints: 2))
        #expect(try store.checkpoint(for: "source-0")?.inputLine == 20)
        #expect(try store.checkpoint(for: "source-1")?.inputLine == 20)
    }

    @Test("two stores (two connections) on one file, written from two threads, wait for each other")
    func twoStoresOneFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shared.sqlite")
        let stores = [try StateStore(path: path), try StateStore(path: path)]
        let answers = ResultsBox()
        try onTwoThreads { thread in
            for batch in 0..<10 {
                let keys = (0..<200).map { "k-\(batch)-\($0)" }
                answers.set(thread, try stores[thread].checkAndRecordDedup(keys: keys, window: 60, now: t0))
                try stores[thread].appendAudit((0..<200).map { audit(Int64(thread * 10_000 + batch * 200 + $0)) })
            }
        }
        #expect(zip(answers.get(0), answers.get(1)).allSatisfy { $0 != $1 })
        #expect(try stores[0].auditCount() == 4_000)
        #expect(try stores[1].statistics().dedupKeys == 2_000)
    }
}
