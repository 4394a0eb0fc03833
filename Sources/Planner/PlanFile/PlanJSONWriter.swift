/// Writes ``PlanJSON`` as stable, readable text: keys sorted, two-space indentation.
///
/// A list or object whose one-line form fits within ``lineWidth`` columns at its
/// position is written on one line (expressions usually are); longer ones are spread
/// one member per line. The layout depends only on the value, so equal values always
/// give identical bytes.
enum PlanJSONWriter {
    static let lineWidth = 100

    /// The document as UTF-8 text, ending in a newline.
    static func write(_ value: PlanJSON) -> [UInt8] {
        var output: [UInt8] = []
        write(value, indent: 0, column: 0, into: &output)
        output.append(0x0A)
        return output
    }

    private static func write(_ value: PlanJSON, indent: Int, column: Int, into output: inout [UInt8]) {
        switch value {
        case .array(let items) where !items.isEmpty && !fits(value, within: lineWidth - column):
            output += Array("[\n".utf8)
            for (position, item) in items.enumerated() {
                output += spaces(indent + 2)
                write(item, indent: indent + 2, column: indent + 2, into: &output)
                output += Array((position == items.count - 1 ? "\n" : ",\n").utf8)
            }
            output += spaces(indent) + Array("]".utf8)
        case .object(let members) where !members.isEmpty && !fits(value, within: lineWidth - column):
            output += Array("{\n".utf8)
            let sorted = sortedMembers(members)
            for (position, (key, member)) in sorted.enumerated() {
                let prefix = spaces(indent + 2) + quoted(key) + Array(": ".utf8)
                output += prefix
                write(member, indent: indent + 2, column: prefix.count, into: &output)
                output += Array((position == sorted.count - 1 ? "\n" : ",\n").utf8)
            }
            output += spaces(indent) + Array("}".utf8)
        default:
            writeCompact(value, into: &output)
        }
    }

    /// Whether the one-line form of `value` takes at most `budget` bytes.
    ///
    /// Stops counting once over budget, so deciding the layout of a large document
    /// costs at most ``lineWidth`` per container instead of its whole size.
    private static func fits(_ value: PlanJSON, within budget: Int) -> Bool {
        var remaining = budget
        return consume(value, from: &remaining)
    }

    /// Subtracts the one-line length of `value` from `remaining`; false once it goes negative.
    private static func consume(_ value: PlanJSON, from remaining: inout Int) -> Bool {
        switch value {
        case .array(let items):
            remaining -= 2 + max(items.count - 1, 0) * 2
            for item in items where remaining >= 0 {
                if !consume(item, from: &remaining) { return false }
            }
        case .object(let members):
            remaining -= 2 + max(members.count - 1, 0) * 2
            for (key, member) in members where remaining >= 0 {
                remaining -= quoted(key).count + 2
                if !consume(member, from: &remaining) { return false }
            }
        default:
            var text: [UInt8] = []
            writeCompact(value, into: &text)
            remaining -= text.count
        }
        return remaining >= 0
    }

    /// The one-line form: `{"a": 1, "b": [true, null]}`.
    static func compactText(_ value: PlanJSON) -> [UInt8] {
        var output: [UInt8] = []
        writeCompact(value, into: &output)
        return output
    }

    private static func writeCompact(_ value: PlanJSON, into output: inout [UInt8]) {
        switch value {
        case .null: output += Array("null".utf8)
        case .bool(let flag): output += Array((flag ? "true" : "false").utf8)
        case .int(let number): output += Array(String(number).utf8)
        case .float(let number):
            // Swift prints the shortest text that reads back as the same Double.
            precondition(number.isFinite, "plan files hold finite numbers only")
            output += Array(String(number).utf8)
        case .string(let text): output += quoted(text)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { output += Array(", ".utf8) }
                writeCompact(item, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, (key, member)) in sortedMembers(members).enumerated() {
                if position > 0 { output += Array(", ".utf8) }
                output += quoted(key) + Array(": ".utf8)
                writeCompact(member, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Keys in byte order, which is the same on every platform and locale.
    private static func sortedMembers(_ members: [String: PlanJSON]) -> [(String, PlanJSON)] {
        members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
    }

    private static func spaces(_ count: Int) -> [UInt8] { [UInt8](repeating: 0x20, count: count) }

    /// A JSON string literal; non-ASCII text is written as UTF-8, `/` unescaped.
    private static func quoted(_ text: String) -> [UInt8] {
        var output: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: output += [0x5C, 0x22]
            case 0x5C: output += [0x5C, 0x5C]
            case 0x0A: output += [0x5C, 0x6E]
            case 0x0D: output += [0x5C, 0x72]
            case 0x09: output += [0x5C, 0x74]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: output.append(byte)
            }
        }
        output.append(0x22)
        return output
    }
}
