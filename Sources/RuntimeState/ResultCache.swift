import Foundation
import GRDB

/// One agent result to cache: `value` is the agent's result as JSON text.
public struct CacheEntry: Sendable, Equatable {
    public var agent: String
    public var key: String
    public var value: String
    public var storedAt: Date
    public var expiresAt: Date

    public init(agent: String, key: String, value: String, storedAt: Date, expiresAt: Date) {
        self.agent = agent
        self.key = key
        self.value = value
        self.storedAt = storedAt
        self.expiresAt = expiresAt
    }

    /// An entry fresh for `ttl` seconds from `storedAt`.
    public init(agent: String, key: String, value: String, storedAt: Date, ttl: TimeInterval) {
        self.init(agent: agent, key: key, value: value, storedAt: storedAt, expiresAt: storedAt.addingTimeInterval(ttl))
    }
}

/// A cached agent result found by `lookupCache`. Stale results (past `expiresAt`) are returned
/// too, with `isFresh == false`, so that `fallback: cache` can still use them.
public struct CachedResult: Sendable, Equatable {
    /// The agent's result, as JSON text.
    public var value: String
    public var storedAt: Date
    public var expiresAt: Date
    /// `now < expiresAt`, with the `now` given to the lookup (compared in whole microseconds).
    public var isFresh: Bool

    public init(value: String, storedAt: Date, expiresAt: Date, isFresh: Bool) {
        self.value = value
        self.storedAt = storedAt
        self.expiresAt = expiresAt
        self.isFresh = isFresh
    }

    /// Whether the result is still fresh at `date`.
    public func isFresh(at date: Date) -> Bool {
        Timestamp.micros(date) < Timestamp.micros(expiresAt)
    }
}

extension StateStore {
    /// Looks up cached results of `agent` for `keys` in one read. The answer holds an entry
    /// for every key found, fresh or stale; keys never stored (or pruned) are absent.
    public func lookupCache(agent: String, keys: [String], now: Date) throws -> [String: CachedResult] {
        if keys.isEmpty { return [:] }
        let nowMicros = Timestamp.micros(now)
        return try read("cache lookup") { db in
            let statement = try db.cachedStatement(sql: "SELECT value, stored_at, expires_at FROM cache WHERE agent = ? AND key = ?")
            let fast = FastStatement(statement, db)
            var found: [String: CachedResult] = [:]
            found.reserveCapacity(keys.count)
            fast.bind(1, agent)
            defer { fast.reset() }
            for key in keys {
                fast.bind(2, key)
                defer { fast.reset() }
                guard try fast.step() else { continue }
                let expiresAt = fast.int64(2)
                found[key] = CachedResult(
                    value: fast.text(0),
                    storedAt: Timestamp.date(fast.int64(1)),
                    expiresAt: Timestamp.date(expiresAt),
                    isFresh: nowMicros < expiresAt
                )
            }
            return found
        }
    }

    /// Stores (inserts or replaces) cache entries in one transaction.
    public func storeCache(_ entries: [CacheEntry]) throws {
        if entries.isEmpty { return }
        try write("cache store") { db in try insertCache(entries, db) }
    }

    /// Deletes cache rows stored before `date` (fresh or not); returns how many.
    /// Stale rows are otherwise kept for `fallback: cache`: prune only what is too old to be
    /// a useful fallback.
    @discardableResult
    public func pruneCache(olderThan date: Date) throws -> Int {
        try write("cache prune") { db in
            try db.execute(sql: "DELETE FROM cache WHERE stored_at < ?", arguments: [Timestamp.micros(date)])
            return db.changesCount
        }
    }

    /// Evicts the rows stored longest ago until at most `maxEntries` remain; returns how many
    /// were evicted. `StateStoreOptions.cacheMaxEntries` runs this automatically.
    @discardableResult
    public func trimCache(toAtMost maxEntries: Int) throws -> Int {
        try write("cache trim") { db in try Self.trimCache(db, to: maxEntries) }
    }

    // MARK: - Inside a transaction

    static let cacheInsert = MultiRowInsert(
        "INSERT INTO cache (agent, key, value, stored_at, expires_at)", columns: 5,
        tail: """
            ON CONFLICT (agent, key) DO UPDATE SET
                value = excluded.value, stored_at = excluded.stored_at, expires_at = excluded.expires_at
            """)

    func insertCache(_ entries: [CacheEntry], _ db: Database) throws {
        try Self.cacheInsert.run(entries, db) { fast, first, entry in
            fast.bind(first, entry.agent)
            fast.bind(first + 1, entry.key)
            fast.bind(first + 2, entry.value)
            fast.bind(first + 3, Timestamp.micros(entry.storedAt))
            fast.bind(first + 4, Timestamp.micros(entry.expiresAt))
        }
        if let limit = cacheBound.limit, cacheBound.shouldCheck(afterStoring: entries.count) {
            try Self.trimCache(db, to: limit)
        }
    }

    @discardableResult
    static func trimCache(_ db: Database, to maxEntries: Int) throws -> Int {
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM cache") ?? 0
        let excess = count - max(0, maxEntries)
        guard excess > 0 else { return 0 }
        try db.execute(sql: """
            DELETE FROM cache WHERE (agent, key) IN
                (SELECT agent, key FROM cache ORDER BY stored_at LIMIT ?)
            """, arguments: [excess])
        return db.changesCount
    }
}
