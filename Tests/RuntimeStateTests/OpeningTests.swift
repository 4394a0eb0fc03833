import Foundation
import GRDB
import Testing
@testable import RuntimeState

@Suite("Opening state files")
struct OpeningTests {
    @Test("a file store is in WAL mode with synchronous=NORMAL, a busy timeout and the current schema")
    func fileSettings() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.path("state.sqlite"))
        let journalMode = try store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
        let (synchronous, busyTimeout, applicationID) = try store.writer.write { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Int.fetchOne(db, sql: "PRAGMA busy_timeout"),
             try Int32.fetchOne(db, sql: "PRAGMA application_id"))
        }
        #expect(synchronous == 1) // NORMAL
        #expect(busyTimeout == 5_000)
        #expect(applicationID == StateSchema.applicationID)
        #expect(try store.recordedSchemaVersion() == StateStore.schemaVersion)

        let full = try StateStore(path: directory.path("full.sqlite"), options: StateStoreOptions(durability: .full))
        let fullSynchronous = try full.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(fullSynchronous == 2) // FULL
    }

    @Test("reopening a file keeps cache, dedup, audit and checkpoints")
    func reopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        do {
            let store = try StateStore(path: path)
            try store.commitBatch(checkpoint: checkpoint(line: 2), audit: [audit(1), audit(2, .failed)],
                                  cache: [CacheEntry(agent: "crm", key: "u", value: "v", storedAt: t0, ttl: 60)])
            _ = try store.checkAndRecordDedup(keys: ["k"], window: 600, now: t0)
        }
        let reopened = try StateStore(path: path)
        #expect(try reopened.checkpoint(for: "input.jsonl") == checkpoint(line: 2))
        #expect(try reopened.auditCounts() == [.complete: 1, .failed: 1])
        #expect(try reopened.lookupCache(agent: "crm", keys: ["u"], now: t0)["u"]?.value == "v")
        #expect(try reopened.checkAndRecordDedup(keys: ["k"], window: 600, now: t0.addingTimeInterval(1)) == [true])
        #expect(try reopened.recordedSchemaVersion() == StateStore.schemaVersion)
    }

    @Test("an in-memory store starts empty each time")
    func memory() throws {
        do {
            let store = try StateStore(path: ":memory:")
            try store.saveCheckpoint(checkpoint(line: 1))
        }
        let store = try StateStore(path: ":memory:")
        #expect(try store.statistics() == StateStatistics(cacheEntries: 0, dedupKeys: 0, auditRecords: 0, checkpoints: 0))
    }

    @Test("a file written by a newer schema version is refused, and left as it was")
    func newerSchema() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        do {
            let store = try StateStore(path: path)
            try store.saveCheckpoint(checkpoint(line: 9))
            try store.writer.write { db in
                try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'schema_version'", arguments: [String(StateStore.schemaVersion + 1)])
            }
        }
        let error = try #require(throws: StateStoreError.self) { try StateStore(path: path) }
        #expect(error == .newerSchema(path: path, found: StateStore.schemaVersion + 1, supported: StateStore.schemaVersion))
        #expect(error.description.contains(path))
        #expect(error.description.contains("newer"))

        // A newer migration recorded by GRDB (without a version bump) is refused as well.
        let other = directory.path("other.sqlite")
        do {
            let store = try StateStore(path: other)
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
        }
        let superseded = try #require(throws: StateStoreError.self) { try StateStore(path: other) }
        #expect(superseded.description.contains(other))
        #expect(superseded.description.contains("unknown to this build"))
    }

    @Test("random bytes are refused with a clear message naming the path", arguments: [4_096, 100, 7])
    func corruptFile(size: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let error = try #require(throws: StateStoreError.self) { try StateStore(path: path) }
        guard case .notADatabase(let reportedPath, let detail) = error else {
            Issue.record("expected notADatabase, got \(error)")
            return
        }
        #expect(reportedPath == path)
        #expect(detail.contains("not a database"))
        #expect(error.description.contains(path))
        #expect(error.localizedDescription.contains(path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes), "the file is not modified")
    }

    @Test("a text file is refused as not a database")
    func textFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.jsonl")
        try Data(String(repeating: "{\"user_id\":\"u1\",\"type\":\"click\"}\n", count: 20).utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: StateStoreError.self) { try StateStore(path: path) }
        #expect(error.description.hasPrefix("state database \(path) is not a SQLite database or is corrupt"))
    }

    @Test("a state file whose pages are overwritten is refused, not crashed on")
    func damagedPages() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("state.sqlite")
        do {
            let store = try StateStore(path: path)
            try store.appendAudit((1...2_000).map { audit(Int64($0)) })
            try store.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
        // Keep the 100-byte header, overwrite the rest of the first pages with garbage.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data((0..<16_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        try handle.close()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }

        let error = try #require(throws: StateStoreError.self) { try StateStore(path: path) }
        #expect(error.description.contains(path))
    }

    @Test("another application's SQLite database is refused and not modified")
    func foreignDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("lookup.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE campaigns (id TEXT PRIMARY KEY, channel TEXT)")
            }
        }
        let error = try #require(throws: StateStoreError.self) { try StateStore(path: path) }
        guard case .foreignDatabase(let reported, let detail) = error else {
            Issue.record("expected foreignDatabase, got \(error)")
            return
        }
        #expect(reported == path)
        #expect(detail.contains("campaigns"))
        let tables = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["campaigns"])
    }

    @Test("a missing directory is reported, or created on request")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("no/such/dir/state.sqlite")
        let error = try #require(throws: StateStoreError.self) { try StateStore(path: path) }
        #expect(error == .directoryMissing(path: path, directory: directory.path("no/such/dir")))
        #expect(!FileManager.default.fileExists(atPath: directory.path("no")))

        let store = try StateStore(path: path, options: StateStoreOptions(createParentDirectory: true))
        try store.saveCheckpoint(checkpoint(line: 1))
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("an empty path is refused")
    func emptyPath() throws {
        let error = try #require(throws: StateStoreError.self) { try StateStore(path: "") }
        #expect(error.description.contains(":memory:"))
    }

    @Test("a directory in place of the file is reported")
    func directoryPath() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: StateStoreError.self) { try StateStore(path: directory.url.path) }
        #expect(error == .pathIsDirectory(path: directory.url.path))
    }
}
