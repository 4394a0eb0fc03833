/// Spelling Swift: identifiers from pipeline names, string literals, numbers.
enum SwiftSyntax {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout", "internal",
        "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static", "struct",
        "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as",
        "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "async", "some", "any", "Type",
        "Protocol", "consume", "copy", "discard", "each", "borrowing", "consuming", "package",
    ]

    /// `crm_lookup` → `crmLookup` (`CrmLookup` with `upper`); names are `[a-z_][a-z0-9_]*`.
    static func camelCase(_ name: String, upper: Bool = false) -> String {
        var result = ""
        var capitalizeNext = upper
        for character in name {
            if character == "_" {
                capitalizeNext = !result.isEmpty || upper
                continue
            }
            if character.isLetter || character.isNumber {
                result += capitalizeNext ? character.uppercased() : String(character)
                capitalizeNext = false
            } else {
                capitalizeNext = true
            }
        }
        if result.isEmpty { result = upper ? "Unnamed" : "unnamed" }
        if let first = result.first, first.isNumber { result = (upper ? "N" : "n") + result }
        return result
    }

    /// `name`, in backticks when it is a keyword.
    static func identifier(_ name: String) -> String { keywords.contains(name) ? "`\(name)`" : name }

    /// A Swift string literal holding `text` exactly.
    static func stringLiteral(_ text: String) -> String { "\"" + escaped(text) + "\"" }

    /// `text` escaped for the inside of a Swift string literal.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// An `Int64` literal with underscores every three digits from 10,000 (`900_000`).
    static func integer(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        guard digits.count > 4 else { return String(value) }
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped += "_" }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// A `Double` literal that reads back as the same value.
    static func double(_ value: Double) -> String {
        if value.isNaN { return "Double.nan" }
        if value.isInfinite { return value < 0 ? "-Double.infinity" : "Double.infinity" }
        let text = "\(value)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }
}

/// Names that must stay distinct within one scope: a second `a_b`-like name gets a suffix.
struct NameAllocator {
    private var used: Set<String>

    init(reserved: Set<String> = []) { used = reserved }

    mutating func allocate(_ preferred: String) -> String {
        var name = preferred
        var counter = 2
        while used.contains(name) || SwiftSyntax.keywords.contains(name) {
            name = preferred + String(counter)
            counter += 1
        }
        used.insert(name)
        return name
    }
}

/// Lines of Swift with indentation.
struct SwiftCode {
    private(set) var text = ""
    private var depth = 0

    mutating func line(_ content: String = "") {
        if content.isEmpty {
            text += "\n"
        } else {
            text += String(repeating: "    ", count: depth) + content + "\n"
        }
    }

    /// `opening {`, the body one level in, `}` (or `closing`).
    mutating func block(_ opening: String, closing: String = "}", _ body: (inout SwiftCode) -> Void) {
        line(opening + " {")
        depth += 1
        body(&self)
        depth -= 1
        line(closing)
    }

    /// `switch subject {`, cases at the switch's own depth (as swift-format lays them out), `}`.
    mutating func switchBlock(_ subject: String, _ body: (inout SwiftCode) -> Void) {
        line("switch \(subject) {")
        body(&self)
        line("}")
    }

    mutating func indented(_ body: (inout SwiftCode) -> Void) {
        depth += 1
        body(&self)
        depth -= 1
    }

    /// Lines of a doc comment.
    mutating func doc(_ lines: String...) {
        for content in lines { line(content.isEmpty ? "///" : "/// " + content) }
    }
}
