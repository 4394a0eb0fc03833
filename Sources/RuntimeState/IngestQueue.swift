import Foundation
import GRDB

/// One event waiting in the ingest queue.
public struct QueuedEvent: Sendable, Equatable {
    /// Increasing, never reused within one state file.
    public var id: Int64
    public var bytes: [UInt8]

    public init(id: Int64, bytes: [UInt8]) {
        self.id = id
        self.bytes = bytes
    }
}

extension StateStore {
    /// Appends events to the ingest queue in one transaction: all of them or none.
    ///
    /// Returns the id of the first (the rest follow consecutively). Once this returns the
    /// events survive the process being killed (and power loss with `durability: .full`).
    public func enqueue(_ events: [[UInt8]], receivedAt: Date) throws -> Int64 {
        try write("enqueue \(events.count) events") { db in
            let at = Timestamp.micros(receivedAt)
            var first: Int64 = 0
            let statement = try db.cachedStatement(sql: "INSERT INTO ingest_queue (event, received_at) VALUES (?, ?)")
            for (index, event) in events.enumerated() {
                try statement.execute(arguments: [Data(event), at])
                if index == 0 { first = db.lastInsertedRowID }
            }
            return first
        }
    }

    /// Up to `limit` queued events with ids above `id`, oldest first.
    public func queuedEvents(after id: Int64, limit: Int) throws -> [QueuedEvent] {
        try read("read the ingest queue") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, event FROM ingest_queue WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit])
            return rows.map { row in
                let data: Data = row[1]
                return QueuedEvent(id: row[0], bytes: [UInt8](data))
            }
        }
    }

    /// Removes queued events with ids up to `id` (the run has committed them); returns how many.
    @discardableResult
    public func removeQueued(through id: Int64) throws -> Int {
        try write("remove processed events from the ingest queue") { db in
            try db.execute(sql: "DELETE FROM ingest_queue WHERE id <= ?", arguments: [id])
            return db.changesCount
        }
    }

    /// Events in the ingest queue (processed ones not yet removed included).
    public func queuedCount() throws -> Int {
        try read("count the ingest queue") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ingest_queue") ?? 0 }
    }

    /// A random name for this state file, made when it was created: it prefixes idempotency
    /// keys so a fresh state file never repeats the keys of an earlier one.
    public func instanceName() throws -> String {
        try read("read the instance name") { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'instance'") ?? "0"
        }
    }
}
