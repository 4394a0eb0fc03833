/// A length of time as written in pipeline files (`250ms`, `1m30s`), in microseconds.
public struct PipelineDuration: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }
    public static func milliseconds(_ value: Int64) -> PipelineDuration { .init(microseconds: value * 1000) }
    public static let zero = PipelineDuration(microseconds: 0)

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.microseconds < rhs.microseconds }
    public static func + (lhs: Self, rhs: Self) -> Self { .init(microseconds: lhs.microseconds &+ rhs.microseconds) }
    public static func * (lhs: Self, rhs: Int64) -> Self { .init(microseconds: lhs.microseconds &* rhs) }

    /// The shortest exact spelling: `1.35s` becomes `1350ms`, `90s` becomes `1m30s`.
    public var description: String {
        var rest = microseconds
        if rest == 0 { return "0ms" }
        if rest % 1000 != 0 { return "\(rest)us" }
        rest /= 1000
        if rest % 1000 != 0 { return "\(rest)ms" }
        rest /= 1000
        var text = ""
        for (size, unit) in [(Int64(3600), "h"), (60, "m"), (1, "s")] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    /// Units accepted in durations, longest first so `ms` wins over `m`.
    static let units: [(String, Int64)] = [("ms", 1000), ("us", 1), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000)]

    /// Why a duration text was rejected, phrased for a diagnostic.
    public enum ParseError: Error, Equatable, Sendable {
        case empty
        case missingUnit(Int64)
        case fraction
        case negative
        case unknownUnit(String)
        case malformed
        case overflow
    }

    /// Parses `250ms`, `2s`, `1m30s` or `0`.
    public static func parse(_ text: String) -> Result<PipelineDuration, ParseError> {
        let scalars = Array(text.utf8)
        if scalars.isEmpty { return .failure(.empty) }
        if text == "0" { return .success(.zero) }
        if scalars.first == UInt8(ascii: "-") { return .failure(.negative) }
        var index = 0
        var total: Int64 = 0
        while index < scalars.count {
            let numberStart = index
            var number: Int64 = 0
            while index < scalars.count, scalars[index] >= 0x30, scalars[index] <= 0x39 {
                let (product, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = product.addingReportingOverflow(Int64(scalars[index] - 0x30))
                if overflow1 || overflow2 { return .failure(.overflow) }
                number = sum
                index += 1
            }
            if index == numberStart { return .failure(.malformed) }
            if index < scalars.count, scalars[index] == UInt8(ascii: ".") { return .failure(.fraction) }
            if index == scalars.count { return .failure(.missingUnit(number)) }
            let unitStart = index
            while index < scalars.count, (scalars[index] >= 0x61 && scalars[index] <= 0x7A) || (scalars[index] >= 0x41 && scalars[index] <= 0x5A) || scalars[index] == 0x20 {
                index += 1
            }
            let unit = String(decoding: scalars[unitStart..<index], as: UTF8.self)
            guard let factor = units.first(where: { $0.0 == unit })?.1 else {
                return .failure(unit.trimmingSpaces.isEmpty ? .malformed : .unknownUnit(unit.trimmingSpaces))
            }
            let (scaled, overflow) = number.multipliedReportingOverflow(by: factor)
            if overflow { return .failure(.overflow) }
            total = total &+ scaled
            if total < 0 { return .failure(.overflow) }
        }
        return .success(PipelineDuration(microseconds: total))
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
