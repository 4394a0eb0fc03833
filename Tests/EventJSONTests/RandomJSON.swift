import EventJSON

/// SplitMix64: a small, seeded, reproducible generator for property tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random JSON values and random (but valid) spellings of them.
struct RandomJSON {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    static let alphabet: [Character] = Array("abcxyz_-09 AZ") + ["é", "ß", "中", "😀", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "\u{7F}", "\u{2028}"]

    mutating func string(maxLength: Int = 12) -> String {
        let length = Int.random(in: 0...maxLength, using: &rng)
        return String((0..<length).map { _ in RandomJSON.alphabet.randomElement(using: &rng)! })
    }

    mutating func key() -> String {
        chance(70) ? ["id", "type", "user_id", "ip", "geo", "a", "b", "c", "tags", "ctx"].randomElement(using: &rng)! : string(maxLength: 6)
    }

    mutating func number() -> JSONValue {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return .int([0, 1, -1, .max, .min, .max - 1, .min + 1].randomElement(using: &rng)!)
        case 1: return .int(Int64.random(in: -1000...1000, using: &rng))
        case 2: return .int(Int64(bitPattern: rng.next()))
        case 3: return .double(Double(Int.random(in: -100_000...100_000, using: &rng)) / 100)
        case 4: return .double([0.0, -0.0, 1e300, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, 1e15, 1e16].randomElement(using: &rng)!)
        case 5:
            var bits: Double
            repeat { bits = Double(bitPattern: rng.next()) } while !bits.isFinite
            return .double(bits)
        case 6: return .double(Double.random(in: -1e6...1e6, using: &rng))
        default: return .double(Double(Int64.random(in: -(1 << 52)...(1 << 52), using: &rng)))
        }
    }

    mutating func value(depth: Int) -> JSONValue {
        let containers = depth < 4
        switch Int.random(in: 0..<(containers ? 9 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2, 3: return number()
        case 4, 5: return .string(string())
        case 6: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth: depth + 1) })
        default: return .object(object(depth: depth + 1))
        }
    }

    mutating func object(depth: Int, maxFields: Int = 6) -> JSONObject {
        var object = JSONObject()
        for _ in 0..<Int.random(in: 0...maxFields, using: &rng) { object[key()] = value(depth: depth) }
        return object
    }

    // MARK: spelling

    mutating func whitespace() -> String {
        guard chance(25) else { return "" }
        return String((0..<Int.random(in: 1...3, using: &rng)).map { _ in [" ", "\t", "\n", "\r"].randomElement(using: &rng)! })
    }

    /// Valid JSON text for `value`, with random whitespace and random (legal) escapes.
    /// With `decoys`, an object sometimes repeats a key just before its real member, which the
    /// last-occurrence rule must ignore.
    mutating func text(_ value: JSONValue, decoys: Bool = true) -> String {
        switch value {
        case .object(let object):
            var parts: [String] = []
            for (key, item) in object.pairs {
                if decoys, chance(5) {
                    parts.append(whitespace() + spell(key) + whitespace() + ":" + whitespace() + text(.string("decoy")) + whitespace())
                }
                parts.append(whitespace() + spell(key) + whitespace() + ":" + whitespace() + text(item, decoys: decoys) + whitespace())
            }
            return "{" + (parts.isEmpty ? whitespace() : parts.joined(separator: ",")) + "}"
        case .array(let items):
            let parts = items.map { whitespace() + text($0, decoys: decoys) + whitespace() }
            return "[" + (parts.isEmpty ? whitespace() : parts.joined(separator: ",")) + "]"
        case .string(let string):
            return spell(string)
        default:
            var bytes: [UInt8] = []
            JSONWriter.write(value, into: &bytes)
            var text = String(decoding: bytes, as: UTF8.self)
            if case .double = value, chance(20), !text.contains("e") { text += chance(50) ? "e0" : "E+00" }
            return text
        }
    }

    /// A string literal where some characters are written as \u escapes (surrogate pairs above
    /// the BMP) or short escapes.
    mutating func spell(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if mustEscape || chance(10) {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "/": out += chance(50) ? "\\/" : "/"
                case "\n" where chance(50): out += "\\n"
                case "\t" where chance(50): out += "\\t"
                default:
                    if scalar.value >= 0x10000 {
                        let v = scalar.value - 0x10000
                        out += unicodeEscape(0xD800 + (v >> 10)) + unicodeEscape(0xDC00 + (v & 0x3FF))
                    } else {
                        out += unicodeEscape(scalar.value)
                    }
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    mutating func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: chance(50))
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Paths that exist in `value` (and a few that do not).
    mutating func paths(in value: JSONValue, prefix: [String] = []) -> [[String]] {
        var found: [[String]] = [prefix]
        switch value {
        case .object(let object):
            for (key, item) in object.pairs { found += paths(in: item, prefix: prefix + [key]) }
            found.append(prefix + ["no-such-key"])
        case .array(let items):
            for (index, item) in items.enumerated() { found += paths(in: item, prefix: prefix + [String(index)]) }
            found.append(prefix + [String(items.count)])
        default:
            found.append(prefix + ["0"])
        }
        return found
    }
}
