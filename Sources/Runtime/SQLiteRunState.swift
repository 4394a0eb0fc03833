import EventJSON
import Foundation
import RuntimeState
import Synchronization

/// The run loop's durable state in one SQLite file (or `:memory:`): checkpoints,
/// dedup keys, the audit trail and the result cache.
///
/// Cache writes are buffered and made durable with the next batch commit, in the same
/// transaction as that batch's checkpoint.
public final class SQLiteRunState: RunStateStore, CachePersistence {
    public let store: StateStore
    private let pendingCache = Mutex<[CacheEntry]>([])

    public init(path: String, durability: StateStoreOptions.Durability = .normal) throws {
        store = try StateStore(path: path, options: StateStoreOptions(createParentDirectory: true, durability: durability))
    }

    public func checkpoint(for source: String) throws -> RunCheckpoint? {
        guard let saved = try store.checkpoint(for: source) else { return nil }
        return RunCheckpoint(
            source: saved.source, inputOffset: saved.inputOffset, inputLine: saved.inputLine,
            outputLength: saved.outputPath.isEmpty ? nil : saved.outputLength, deadLetterLength: saved.deadLetterLength)
    }

    public func checkDedup(keys: [String], origins: [String], windowMicroseconds: Int64, nowMicroseconds: Int64) throws -> [Bool] {
        try store.checkAndRecordDedup(
            keys: keys, window: Double(windowMicroseconds) / 1_000_000, now: Self.date(nowMicroseconds), origins: origins)
    }

    public func commit(_ batch: StateCommit) throws {
        let cache = pendingCache.withLock { entries -> [CacheEntry] in
            defer { entries.removeAll(keepingCapacity: true) }
            return entries
        }
        let checkpoint = Checkpoint(
            source: batch.checkpoint.source, fingerprint: "", inputOffset: batch.checkpoint.inputOffset,
            inputLine: batch.checkpoint.inputLine, outputPath: batch.checkpoint.outputLength == nil ? "" : "file",
            outputLength: batch.checkpoint.outputLength ?? 0, deadLetterLength: batch.checkpoint.deadLetterLength, updatedAt: Date())
        let audit = batch.audit.map { entry in
            AuditRecord(
                eventID: entry.eventID, sequence: entry.line, status: Self.status(entry.status), agentsJSON: entry.agentsJSON,
                totalLatencyMicros: entry.latencyMicroseconds, timestamp: Self.date(entry.timestampMicroseconds))
        }
        let outbox = batch.outbox.map { OutboxEntry(key: $0.key, bytes: $0.bytes) }
        try store.commitBatch(checkpoint: checkpoint, audit: audit, cache: cache, outbox: outbox)
    }

    public func loadCached(agent: String, key: String) -> CachedValue? {
        guard let found = try? store.lookupCache(agent: agent, keys: [key], now: Date())[key],
            let value = try? JSONReader.parse(Array(found.value.utf8))
        else { return nil }
        return CachedValue(
            value: value, storedAtMicroseconds: Self.microseconds(found.storedAt), expiresAtMicroseconds: Self.microseconds(found.expiresAt))
    }

    public func recordCached(agent: String, key: String, value: CachedValue) {
        let entry = CacheEntry(
            agent: agent, key: key, value: value.value.jsonText, storedAt: Self.date(value.storedAtMicroseconds),
            expiresAt: Self.date(value.expiresAtMicroseconds))
        pendingCache.withLock { $0.append(entry) }
    }

    static func status(_ text: String) -> AuditStatus {
        switch text {
        case "complete": .complete
        case "partial": .partial
        case "duplicate": .duplicate
        case "failed": .failed
        default: .deadLetter
        }
    }

    static func date(_ microseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
    static func microseconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1_000_000) }
}
