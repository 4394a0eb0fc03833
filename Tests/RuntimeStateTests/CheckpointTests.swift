import Foundation
import Testing
@testable import RuntimeState

@Suite("Checkpoints and batch commits")
struct CheckpointTests {
    @Test("a checkpoint round-trips, is replaced, is per source, and can be removed", arguments: Backend.allCases)
    func roundTrip(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        #expect(try store.checkpoint(for: "input.jsonl") == nil)

        let first = checkpoint(line: 256)
        try store.saveCheckpoint(first)
        #expect(try store.checkpoint(for: "input.jsonl") == first)

        let second = checkpoint(line: 512, at: t0.addingTimeInterval(1.5))
        try store.saveCheckpoint(second)
        try store.saveCheckpoint(checkpoint(line: 7, source: "other.jsonl"))
        #expect(try store.checkpoint(for: "input.jsonl") == second)
        #expect(try store.checkpoint(for: "other.jsonl")?.inputLine == 7)
        #expect(try store.statistics().checkpoints == 2)

        try store.removeCheckpoint(for: "other.jsonl")
        #expect(try store.checkpoint(for: "other.jsonl") == nil)
    }

    @Test("commitBatch writes audit rows, cache entries and the checkpoint together", arguments: Backend.allCases)
    func commit(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        try store.commitBatch(
            checkpoint: checkpoint(line: 3),
            audit: [audit(1), audit(2), audit(3, .partial)],
            cache: [CacheEntry(agent: "crm", key: "u1", value: "1", storedAt: t0, ttl: 60)])
        #expect(try store.checkpoint(for: "input.jsonl") == checkpoint(line: 3))
        #expect(try store.auditCounts() == [.complete: 2, .partial: 1])
        #expect(try store.lookupCache(agent: "crm", keys: ["u1"], now: t0)["u1"]?.value == "1")
        try store.commitBatch(checkpoint: nil) // nothing to do
    }

    @Test("a failure in the middle of commitBatch leaves the previous batch's state", arguments: Backend.allCases)
    func atomicity(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        try store.commitBatch(checkpoint: checkpoint(line: 2), audit: [audit(1), audit(2)],
                              cache: [CacheEntry(agent: "crm", key: "u1", value: "first", storedAt: t0, ttl: 60)])
        let before = try store.statistics()

        // Audit rows are written, then a cache entry violates a constraint: all of it is rolled back.
        #expect(throws: StateStoreError.self) {
            try store.commitBatch(
                checkpoint: checkpoint(line: 4),
                audit: [audit(3), audit(4)],
                cache: [
                    CacheEntry(agent: "crm", key: "u1", value: "second", storedAt: t0, ttl: 60),
                    CacheEntry(agent: "crm", key: "u2", value: "x", storedAt: t0, expiresAt: t0.addingTimeInterval(-1)),
                ])
        }
        // Audit rows and cache entries are written, then the checkpoint is invalid: rolled back too.
        #expect(throws: StateStoreError.self) {
            var bad = checkpoint(line: 4)
            bad.inputOffset = -1
            try store.commitBatch(checkpoint: bad, audit: [audit(3), audit(4)],
                                  cache: [CacheEntry(agent: "crm", key: "u1", value: "second", storedAt: t0, ttl: 60)])
        }
        #expect(try store.checkpoint(for: "input.jsonl") == checkpoint(line: 2))
        #expect(try store.statistics() == before)
        #expect(try store.lookupCache(agent: "crm", keys: ["u1"], now: t0)["u1"]?.value == "first")
        #expect(try store.auditRecords(limit: 10).map(\.sequence) == [1, 2])

        // The store is still usable, and the retried batch commits.
        try store.commitBatch(checkpoint: checkpoint(line: 4), audit: [audit(3), audit(4)])
        #expect(try store.checkpoint(for: "input.jsonl")?.inputLine == 4)
        #expect(try store.auditCount() == 4)
    }

    @Test("a source fingerprint identifies the file and tells when resuming is possible")
    func fingerprint() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("input.jsonl")
        try Data("{\"a\":1}\n{\"a\":2}\n".utf8).write(to: URL(fileURLWithPath: path))
        let print = try SourceFingerprint(path: path)
        #expect(print.size == 16)
        var saved = checkpoint(line: 2)
        saved.fingerprint = print.identity
        saved.inputOffset = 16
        #expect(print.canResume(from: saved))
        saved.inputOffset = 17
        #expect(!print.canResume(from: saved), "a file shorter than what was consumed starts over")
        saved.fingerprint = "0:0"
        saved.inputOffset = 0
        #expect(!print.canResume(from: saved), "another file starts over")
        #expect(throws: StateStoreError.self) { try SourceFingerprint(path: directory.path("missing")) }
    }
}
