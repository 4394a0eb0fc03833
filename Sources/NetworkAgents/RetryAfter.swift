import Foundation

/// Reads an HTTP `Retry-After` value: delay-seconds (`120`) or an HTTP-date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, and the obsolete RFC 850 and asctime forms).
enum RetryAfter {
    /// The delay in microseconds from `now`, never negative; nil when the value is neither form.
    static func microseconds(_ value: String, now: Date = Date()) -> Int64? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // A huge number is as good as "not for a very long time".
            guard let seconds = Int64(text.prefix(12)) else { return nil }
            return seconds * 1_000_000
        }
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return max(0, Int64((date.timeIntervalSince(now) * 1_000_000).rounded(.up)))
            }
        }
        return nil
    }

    private static let formats = ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"]
}
