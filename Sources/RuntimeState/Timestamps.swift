import Foundation

/// Timestamps are stored as whole microseconds since 1970-01-01 UTC (SQLite INTEGER), so that
/// comparisons in SQL (TTL, dedup window) are exact integer comparisons. Dates read back are
/// therefore rounded to the microsecond.
enum Timestamp {
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func micros(_ interval: TimeInterval) -> Int64 {
        Int64((interval * 1_000_000).rounded())
    }

    static func date(_ micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}
