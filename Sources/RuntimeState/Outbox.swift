import Foundation
import GRDB

/// An enriched event waiting to be delivered by the webhook sink.
public struct OutboxEntry: Sendable, Equatable {
    /// The event's idempotency key: stable for the event, sent with every attempt.
    public var key: String
    /// The enriched event, one JSON object without a newline.
    public var bytes: [UInt8]

    public init(key: String, bytes: [UInt8]) {
        self.key = key
        self.bytes = bytes
    }
}

/// An outbox row as the sink reads it.
public struct OutboxEvent: Sendable, Equatable {
    public var id: Int64
    public var key: String
    public var bytes: [UInt8]
    /// Delivery attempts made so far (across restarts).
    public var attempts: Int
}

extension StateStore {
    func insertOutbox(_ entries: [OutboxEntry], _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO outbox (key, event) VALUES (?, ?)")
        for entry in entries { try statement.execute(arguments: [entry.key, Data(entry.bytes)]) }
    }

    /// The oldest `limit` outbox rows.
    public func outboxEvents(limit: Int) throws -> [OutboxEvent] {
        try read("read the outbox") { db in
            try Row.fetchAll(db, sql: "SELECT id, key, event, attempts FROM outbox ORDER BY id LIMIT ?", arguments: [limit]).map { row in
                let data: Data = row[2]
                return OutboxEvent(id: row[0], key: row[1], bytes: [UInt8](data), attempts: row[3])
            }
        }
    }

    /// Removes delivered (or dead-lettered) rows.
    public func removeFromOutbox(ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try write("remove delivered events from the outbox") { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?")
            for id in ids { try statement.execute(arguments: [id]) }
        }
    }

    /// Records a failed delivery attempt of these rows, so a restart knows how many were made.
    public func recordOutboxAttempt(ids: [Int64], error: String) throws {
        guard !ids.isEmpty else { return }
        try write("record a failed delivery") { db in
            let statement = try db.cachedStatement(sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?")
            for id in ids { try statement.execute(arguments: [error, id]) }
        }
    }

    /// Rows in the outbox.
    public func outboxCount() throws -> Int {
        try read("count the outbox") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0 }
    }
}
