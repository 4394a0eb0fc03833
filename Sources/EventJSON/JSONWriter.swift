/// Writes JSON text into a byte buffer without going through Foundation.
///
/// Output is compact (no whitespace), keys keep their order, and strings are escaped as
/// RFC 8259 requires: `"` `\` and U+0000–U+001F (as `\n` `\r` `\t` `\b` `\f` or `\u00XX`).
/// Everything else, including non-ASCII text, is written as UTF-8.
public enum JSONWriter {
    public static func write(_ value: JSONValue, into bytes: inout [UInt8]) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let flag): bytes.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .int(let number): writeInt(number, into: &bytes)
        case .double(let number): writeDouble(number, into: &bytes)
        case .string(let text): writeString(text, into: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(item, into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for index in 0..<object.keys.count {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(object.keys[index], into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                write(object.values[index], into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// The decimal digits of an integer.
    public static func writeInt(_ number: Int64, into bytes: inout [UInt8]) {
        if number >= 0 && number < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(number))
            return
        }
        // 20 bytes hold Int64.min's digits and sign.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var magnitude = number.magnitude
            var at = 24
            repeat {
                at -= 1
                buffer[at] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            if number < 0 {
                at -= 1
                buffer[at] = UInt8(ascii: "-")
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[at...]))
        }
    }

    /// Shortest text that reads back as the same double; NaN and infinities become `null`.
    /// Integral values below 10^15 keep a `.0` so they read back as doubles, not integers.
    public static func writeDouble(_ number: Double, into bytes: inout [UInt8]) {
        guard number.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        if abs(number) < 1e15, Double(Int64(number)) == number {
            if number == 0, number.sign == .minus { bytes.append(UInt8(ascii: "-")) }
            writeInt(Int64(number), into: &bytes)
            bytes.append(contentsOf: ".0".utf8)
            return
        }
        if abs(number) < 1e9, writeShortDecimal(number, into: &bytes) { return }
        bytes.append(contentsOf: number.description.utf8)
    }

    /// Writes `number` as a plain decimal with at most 6 fractional digits when such a decimal
    /// reads back as exactly `number` (prices, scores, ratios); returns false otherwise.
    ///
    /// Below 1e9 two such decimals differ by at least 1e-6, far more than the spacing of doubles,
    /// so at most one of them rounds to `number`: the text is the shortest of its form and
    /// reads back exactly, like `description`, without building a String.
    @inline(__always)
    private static func writeShortDecimal(_ number: Double, into bytes: inout [UInt8]) -> Bool {
        let scaled = number * 1e6
        let units = Int64(scaled + (scaled < 0 ? -0.5 : 0.5))
        guard Double(units) / 1e6 == number else { return false }
        var magnitude = units.magnitude
        // Fractional digits, least significant first, without trailing zeros.
        var fraction: UInt64 = magnitude % 1_000_000
        magnitude /= 1_000_000
        var fractionDigits = 6
        while fraction % 10 == 0 && fractionDigits > 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        writeInt(Int64(magnitude), into: &bytes)
        bytes.append(UInt8(ascii: "."))
        var divisor: UInt64 = 1
        for _ in 1..<fractionDigits { divisor *= 10 }
        for _ in 0..<fractionDigits {
            bytes.append(UInt8(ascii: "0") &+ UInt8(fraction / divisor % 10))
            divisor /= 10
        }
        return true
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    public static func writeString(_ text: String, into bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { writeString(utf8: $0, into: &bytes) }
    }

    /// A JSON string literal for UTF-8 bytes the caller knows are well-formed.
    public static func writeString(utf8: UnsafeBufferPointer<UInt8>, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = utf8.count
        let base = UnsafeRawPointer(utf8.baseAddress)
        while index < count {
            // Skip 8 bytes at a time while none of them needs escaping.
            if let base {
                while index + 8 <= count {
                    let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if JSONWriter.needsEscape(word) { break }
                    index += 8
                }
                if index >= count { break }
            }
            let byte = utf8[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if runStart < index {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            }
            appendEscape(byte, into: &bytes)
            index += 1
            runStart = index
        }
        if runStart < count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// True when some byte of `word` is below 0x20, a quote or a backslash (SWAR test).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        // Bytes < 0x20: subtracting 0x20 borrows into the high bit, unless the byte was >= 0x80.
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        return control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    private static func appendEscape(_ byte: UInt8, into bytes: inout [UInt8]) {
        bytes.append(0x5C)
        switch byte {
        case UInt8(ascii: "\""): bytes.append(0x22)
        case UInt8(ascii: "\\"): bytes.append(0x5C)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            @inline(__always) func hexDigit(_ nibble: UInt8) -> UInt8 {
                nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(hexDigit(byte >> 4))
            bytes.append(hexDigit(byte & 0xF))
        }
    }
}
