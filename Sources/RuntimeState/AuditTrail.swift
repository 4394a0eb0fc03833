import Foundation
import GRDB

extension StateStore {
    /// Appends audit rows in one transaction.
    public func appendAudit(_ records: [AuditRecord]) throws {
        if records.isEmpty { return }
        try write("audit append") { db in try insertAudit(records, db) }
    }

    /// The first `limit` audit rows in insertion order, after skipping `offset`.
    public func auditRecords(limit: Int, offset: Int = 0) throws -> [AuditRecord] {
        try read("audit query") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT event_id, sequence, status, agents, latency_us, at FROM audit
                ORDER BY id LIMIT ? OFFSET ?
                """, arguments: [limit, offset])
            return try rows.map { row in
                let statusText: String = row[2]
                guard let status = AuditStatus(rawValue: statusText) else {
                    throw StateStoreError.operationFailed(path: path, operation: "audit query", detail: "unknown status \(statusText)")
                }
                return AuditRecord(
                    eventID: row[0], sequence: row[1], status: status, agentsJSON: row[3],
                    totalLatencyMicros: row[4], timestamp: Timestamp.date(row[5])
                )
            }
        }
    }

    /// Number of audit rows per status (statuses with no rows are absent).
    public func auditCounts() throws -> [AuditStatus: Int] {
        try read("audit counts") { db in
            var counts: [AuditStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM audit GROUP BY status") {
                if let status = AuditStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            return counts
        }
    }

    /// Number of audit rows with `status`, or of all rows when `status` is nil.
    public func auditCount(status: AuditStatus? = nil) throws -> Int {
        try read("audit count") { db in
            if let status {
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM audit WHERE status = ?", arguments: [status.rawValue]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0
        }
    }

    static let auditInsert = MultiRowInsert(
        "INSERT INTO audit (event_id, sequence, status, agents, latency_us, at)", columns: 6)

    func insertAudit(_ records: [AuditRecord], _ db: Database) throws {
        try Self.auditInsert.run(records, db) { fast, first, record in
            fast.bind(first, record.eventID)
            fast.bind(first + 1, record.sequence)
            fast.bind(first + 2, record.status.rawValue)
            fast.bind(first + 3, record.agentsJSON)
            fast.bind(first + 4, record.totalLatencyMicros)
            fast.bind(first + 5, Timestamp.micros(record.timestamp))
        }
    }
}
