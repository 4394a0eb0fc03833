import Foundation

/// Timestamps are stored as whole microseconds since 1970-01-01 UTC (SQLite INTEGER), so that
/// comparisons in SQL (TTL, dedup window) are exact integer comparisons. Dates read back are
/// therefore rounded to the microsecond.
///
/// Conversions saturate instead of trapping: an infinite TTL (`Date.distantFuture` or
/// `.infinity` seconds) becomes the largest instant, NaN becomes 0, so no caller-supplied
/// time can crash the process.
enum Timestamp {
    static func micros(_ date: Date) -> Int64 {
        micros(date.timeIntervalSince1970)
    }

    static func micros(_ seconds: TimeInterval) -> Int64 {
        let value = (seconds * 1_000_000).rounded()
        if value.isNaN { return 0 }
        if value >= 9.223_372_036_854_775e18 { return .max }
        if value <= -9.223_372_036_854_775e18 { return .min }
        return Int64(value)
    }

    static func date(_ micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// `a - b` without overflow.
    static func difference(_ a: Int64, _ b: Int64) -> Int64 {
        let (result, overflow) = a.subtractingReportingOverflow(b)
        if overflow { return b > 0 ? .min : .max }
        return result
    }
}
