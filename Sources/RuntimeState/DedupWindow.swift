import Foundation
import GRDB

/// Dedup by key within a time window.
///
/// A key first seen at `t` makes later events with the same key duplicates while
/// `now < t + window` (the window is fixed from the first sighting; duplicates do not extend
/// it). At `now >= t + window` the key has expired: the next event with it passes and starts
/// a new window. Expired keys are ignored and deleted.
///
/// Crash safety and `origins`: keys are recorded when checked, before the batch that holds
/// their events is committed. If the process dies between the two, the replay from the last
/// checkpoint would find its own keys and drop its own events. Pass `origins` — a token that
/// identifies the event presenting each key and is the same on replay (the input line
/// number or byte offset, qualified by the source when several are read) — and a key whose
/// recorded origin equals the presenting event's is treated as that same event seen again,
/// not as a duplicate. Without origins a replayed event counts as a duplicate of itself.
extension StateStore {
    /// For each key, in order, whether it was seen within `window` before `now` (true: a
    /// duplicate, drop the event), recording the keys that were not. One transaction for the
    /// whole batch, so concurrent callers never both see a key as new; a key repeated inside
    /// the batch is a duplicate at its second occurrence.
    ///
    /// - Parameters:
    ///   - window: the dedup window in seconds, > 0.
    ///   - origins: optional replay-stable identities of the presenting events, one per key
    ///     (see the type's documentation).
    public func checkAndRecordDedup(keys: [String], window: TimeInterval, now: Date, origins: [String]? = nil) throws -> [Bool] {
        guard window > 0, window.isFinite else {
            throw StateStoreError.invalidArgument("dedup window must be a positive number of seconds, not \(window)")
        }
        if let origins, origins.count != keys.count {
            throw StateStoreError.invalidArgument("dedup got \(keys.count) keys but \(origins.count) origins")
        }
        if keys.isEmpty { return [] }
        let nowMicros = Timestamp.micros(now)
        let cutoff = Timestamp.difference(nowMicros, Timestamp.micros(window))
        return try write("dedup check") { db in
            // Insert a new key; replace an expired one; keep a live one, except that a live key
            // re-presented by the same origin is touched (counts as a change) without moving
            // its window. changesCount then tells new (1) from duplicate (0).
            let statement = try db.cachedStatement(sql: """
                INSERT INTO dedup (key, seen_at, origin) VALUES (?1, ?2, ?3)
                ON CONFLICT (key) DO UPDATE SET
                    seen_at = CASE WHEN dedup.seen_at <= ?4 THEN excluded.seen_at ELSE dedup.seen_at END,
                    origin  = excluded.origin
                WHERE dedup.seen_at <= ?4 OR dedup.origin = excluded.origin
                """)
            var duplicates = [Bool]()
            duplicates.reserveCapacity(keys.count)
            let fast = FastStatement(statement, db)
            fast.bind(2, nowMicros)
            fast.bind(4, cutoff)
            for index in keys.indices {
                fast.bind(1, keys[index])
                fast.bind(3, origins?[index])
                duplicates.append(try fast.run() == 0)
            }
            try Self.pruneDedup(db, cutoff: cutoff)
            return duplicates
        }
    }

    /// Deletes dedup keys whose window (of `window` seconds) has ended by `now`; returns how many.
    @discardableResult
    public func pruneDedup(window: TimeInterval, now: Date) throws -> Int {
        let cutoff = Timestamp.difference(Timestamp.micros(now), Timestamp.micros(window))
        return try write("dedup prune") { db in try Self.pruneDedup(db, cutoff: cutoff) }
    }

    @discardableResult
    static func pruneDedup(_ db: Database, cutoff: Int64) throws -> Int {
        let statement = try db.cachedStatement(sql: "DELETE FROM dedup WHERE seen_at <= ?")
        try statement.execute(arguments: [cutoff])
        return db.changesCount
    }
}
