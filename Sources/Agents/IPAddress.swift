/// An IPv4 or IPv6 address as a 128-bit number.
///
/// IPv4 addresses are stored as IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, RFC 4291
/// §2.5.5.2), so IPv4 ranges and the mapped form of their addresses share one number line:
/// `::ffff:192.0.2.1` falls in the range `192.0.2.0-192.0.2.255`.
///
/// The parser is strict and allocation-free:
/// - IPv4: exactly four decimal parts, each `0`–`255`, no leading zeros (`01` is rejected,
///   as glibc's `inet_pton` and Python's `ipaddress` do: it could be read as octal), no
///   signs, spaces or a trailing dot.
/// - IPv6 (RFC 4291 §2.2): one to eight groups of one to four hex digits (either case)
///   separated by single colons; at most one `::`, standing for one or more zero groups;
///   optionally a dotted quad as the last 32 bits (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`).
///   Zone identifiers (`fe80::1%eth0`), brackets, prefixes (`/64`) and spaces are rejected.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address as a number (IPv4: `0xffff_0000_0000 | v4`).
    public let value: UInt128
    /// True when the text was a dotted quad (not when it was IPv6 text for a mapped address).
    public let isIPv4: Bool

    static let mappedPrefix: UInt128 = 0xffff_0000_0000

    public init(value: UInt128, isIPv4: Bool) {
        self.value = value
        self.isIPv4 = isIPv4
    }

    /// Parses an address; nil for anything that is not exactly one address.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ IPAddress.parse($0) }) else { return nil }
        self = parsed
    }

    /// Parses UTF-8 bytes of an address; nil for anything that is not exactly one address.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        let count = bytes.count
        guard count >= 2, count <= 45 else { return nil }  // "::" … "ffff:…:255.255.255.255"
        var hasColon = false
        for byte in bytes where byte == UInt8(ascii: ":") {
            hasColon = true
            break
        }
        if !hasColon {
            guard let v4 = parseIPv4(bytes, from: 0) else { return nil }
            return IPAddress(value: mappedPrefix | UInt128(v4), isIPv4: true)
        }
        guard let v6 = parseIPv6(bytes) else { return nil }
        return IPAddress(value: v6, isIPv4: false)
    }

    /// A dotted quad from `start` to the end of `bytes`.
    static func parseIPv4(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt32? {
        var index = start
        var result: UInt32 = 0
        for part in 0..<4 {
            if part > 0 {
                guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
            let first = index
            var value: UInt32 = 0
            while index < bytes.count, index - first < 3 {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                value = value * 10 + UInt32(digit)
                index += 1
            }
            let length = index - first
            guard length > 0, value <= 255 else { return nil }
            if length > 1, bytes[first] == UInt8(ascii: "0") { return nil }  // leading zero
            result = result << 8 | value
        }
        return index == bytes.count ? result : nil
    }

    static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt128? {
        let count = bytes.count
        var groups: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0, 0, 0)
        var groupCount = 0
        var compressedAt = -1  // the number of groups before "::"
        var index = 0
        func store(_ group: UInt16) {
            withUnsafeMutableBytes(of: &groups) { $0.storeBytes(of: group, toByteOffset: groupCount * 2, as: UInt16.self) }
            groupCount += 1
        }
        if bytes[0] == UInt8(ascii: ":") {
            guard bytes[1] == UInt8(ascii: ":") else { return nil }  // a lone leading colon
            compressedAt = 0
            index = 2
        }
        while index < count {
            // One group: 1-4 hex digits, or a dotted quad ending the address.
            let first = index
            var value: UInt32 = 0
            while index < count {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: digit = 0xFF
                }
                if digit == 0xFF { break }
                value = value << 4 | UInt32(digit)
                index += 1
                if index - first > 4 { break }
            }
            let length = index - first
            if index < count, bytes[index] == UInt8(ascii: ".") {
                // Embedded IPv4: the last 32 bits, so at most six groups before it.
                guard length > 0, groupCount <= 6, let v4 = parseIPv4(bytes, from: first) else { return nil }
                store(UInt16(v4 >> 16))
                store(UInt16(v4 & 0xFFFF))
                index = count
                break
            }
            guard length > 0, length <= 4, groupCount < 8 else { return nil }
            store(UInt16(value))
            if index == count { break }
            guard bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < count, bytes[index] == UInt8(ascii: ":") {
                guard compressedAt < 0 else { return nil }  // a second "::"
                compressedAt = groupCount
                index += 1
            } else if index == count {
                return nil  // a lone trailing colon
            }
        }
        if compressedAt >= 0 {
            guard groupCount <= 7 else { return nil }  // "::" must stand for at least one group
        } else {
            guard groupCount == 8 else { return nil }
        }
        var result: UInt128 = 0
        withUnsafeBytes(of: &groups) { raw in
            let tail = compressedAt >= 0 ? groupCount - compressedAt : 0
            for position in 0..<8 {
                let group: UInt16
                if compressedAt < 0 || position < compressedAt {
                    group = raw.load(fromByteOffset: position * 2, as: UInt16.self)
                } else if position >= 8 - tail {
                    group = raw.load(fromByteOffset: (position - (8 - groupCount)) * 2, as: UInt16.self)
                } else {
                    group = 0
                }
                result = result << 16 | UInt128(group)
            }
        }
        return result
    }

    /// Dotted quad for IPv4 (as parsed), else RFC 5952 text: lower case, the longest run
    /// of two or more zero groups as `::`, mapped addresses as `::ffff:a.b.c.d`.
    public var description: String {
        if isIPv4 || value >> 32 == Self.mappedPrefix >> 32 {
            let v4 = UInt32(truncatingIfNeeded: value)
            let quad = "\(v4 >> 24).\(v4 >> 16 & 0xFF).\(v4 >> 8 & 0xFF).\(v4 & 0xFF)"
            return isIPv4 ? quad : "::ffff:" + quad
        }
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * UInt128($0))) }
        var bestStart = -1
        var bestLength = 1
        var start = 0
        while start < 8 {
            guard groups[start] == 0 else { start += 1; continue }
            var end = start
            while end < 8, groups[end] == 0 { end += 1 }
            if end - start > bestLength { (bestStart, bestLength) = (start, end - start) }
            start = end
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool { lhs.value < rhs.value }
}
