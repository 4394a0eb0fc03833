import EventJSON
import Foundation

/// The pure functions expressions call at run time (signatures in `FunctionCatalog`).
enum BuiltinFunctions {
    static func call(_ name: String, _ arguments: [JSONValue?]) -> JSONValue? {
        switch name {
        case "lower": return string(arguments.first).map { .string($0.lowercased()) }
        case "upper": return string(arguments.first).map { .string($0.uppercased()) }
        case "trim": return string(arguments.first).map { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        case "len":
            switch arguments.first ?? nil {
            case .string(let text)?: return .int(Int64(text.count))
            case .array(let items)?: return .int(Int64(items.count))
            case .object(let object)?: return .int(Int64(object.count))
            default: return nil
            }
        case "concat":
            var text = ""
            for argument in arguments {
                guard let argument else { return nil }
                text += self.text(of: argument)
            }
            return .string(text)
        case "coalesce":
            return arguments.first { $0 != nil && $0 != .null } ?? nil
        case "hash":
            var hasher = StableHash()
            for argument in arguments { hasher.add(self.text(of: argument)) }
            return .string(hasher.hex)
        case "contains":
            guard let a = string(arguments.first), let b = string(arguments.dropFirst().first) else { return nil }
            return .bool(a.contains(b))
        case "starts_with":
            guard let a = string(arguments.first), let b = string(arguments.dropFirst().first) else { return nil }
            return .bool(a.hasPrefix(b))
        case "ends_with":
            guard let a = string(arguments.first), let b = string(arguments.dropFirst().first) else { return nil }
            return .bool(a.hasSuffix(b))
        case "to_string":
            guard let value = arguments.first ?? nil else { return nil }
            return .string(text(of: value))
        case "to_int":
            switch arguments.first ?? nil {
            case .int(let number)?: return .int(number)
            case .double(let number)?: return number.isFinite && abs(number) < 9.2e18 ? .int(Int64(number)) : nil
            case .string(let text)?: return Int64(text.trimmingCharacters(in: .whitespaces)).map { .int($0) }
            case .bool(let flag)?: return .int(flag ? 1 : 0)
            default: return nil
            }
        case "to_float":
            switch arguments.first ?? nil {
            case .int(let number)?: return .double(Double(number))
            case .double(let number)?: return .double(number)
            case .string(let text)?: return Double(text.trimmingCharacters(in: .whitespaces)).map { .double($0) }
            default: return nil
            }
        case "now":
            return .string(ISO8601DateFormatter().string(from: Date()))
        default:
            return nil
        }
    }

    private static func string(_ value: JSONValue??) -> String? {
        if case .string(let text)?? = value { return text }
        return nil
    }

    /// Text of a value as interpolation and `concat` show it; missing and null are empty.
    static func text(of value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let text)?: text
        case .int(let number)?: String(number)
        case .double(let number)?: number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag)?: flag ? "true" : "false"
        case let other?: other.jsonText
        }
    }
}

/// FNV-1a 64-bit: stable across runs and machines, which `Hasher` is not.
struct StableHash {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01B3
        }
        // A separator so ("ab","c") and ("a","bc") differ.
        state ^= 0xFF
        state = state &* 0x0000_0100_0000_01B3
    }

    var value: UInt64 { state }

    var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
