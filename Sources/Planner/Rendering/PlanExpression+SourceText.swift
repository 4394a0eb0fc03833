import PipelineSyntax

/// Expressions written back in the language's own syntax, for reports and graphs.
extension PlanExpression: CustomStringConvertible {
    /// The expression as a user would write it, parenthesised only where precedence needs it.
    public var description: String { text(context: 0) }

    /// Binding strength, loosest first, as in grammar/expressions.ebnf.
    private var precedence: Int {
        switch self {
        case .binary(let op, _, _): op.precedence
        case .membership: 6
        case .not, .negate: 9
        case .literal, .event, .env, .input, .agent, .list, .call, .interpolation: 10
        }
    }

    private func text(context: Int) -> String {
        let body: String
        switch self {
        case .literal(let literal): body = literal.description
        case .event(let path): body = (["event"] + path).joined(separator: ".")
        case .env(let name): body = "env.\(name)"
        case .input(let path): body = (["input"] + path).joined(separator: ".")
        case .agent(let name, let path): body = ([name] + path).joined(separator: ".")
        case .list(let items): body = "[" + items.map { $0.text(context: 0) }.joined(separator: ", ") + "]"
        case .not(let operand): body = "!" + operand.text(context: 9)
        case .negate(let operand): body = "-" + operand.text(context: 9)
        case .binary(let op, let lhs, let rhs):
            let level = op.precedence
            // `??` groups to the right, the others to the left; comparisons do not chain.
            let (left, right) =
                switch op {
                case .coalesce: (level + 1, level)
                case .or, .and, .add, .subtract, .multiply, .divide, .remainder: (level, level + 1)
                default: (level + 1, level + 1)
                }
            body = "\(lhs.text(context: left)) \(op.rawValue) \(rhs.text(context: right))"
        case .membership(let negated, let lhs, let rhs):
            body = "\(lhs.text(context: 7)) \(negated ? "not in" : "in") \(rhs.text(context: 7))"
        case .call(let name, let arguments): body = name + "(" + arguments.map { $0.text(context: 0) }.joined(separator: ", ") + ")"
        case .interpolation(let segments):
            var template = ""
            for segment in segments {
                switch segment {
                case .text(let text): template += text.replacingBraces
                case .expression(let inner): template += "{" + inner.text(context: 0) + "}"
                }
            }
            body = "\"" + template + "\""
        }
        return precedence < context ? "(" + body + ")" : body
    }
}

extension PlanBinaryOperator {
    /// Binding strength, loosest (1) first.
    var precedence: Int {
        switch self {
        case .coalesce: 1
        case .or: 2
        case .and: 3
        case .equal, .notEqual: 4
        case .less, .lessOrEqual, .greater, .greaterOrEqual: 5
        case .add, .subtract: 7
        case .multiply, .divide, .remainder: 8
        }
    }
}

extension PlanLiteral: CustomStringConvertible {
    /// The literal as written in an expression: `"vip"`, `42`, `1.5`, `250ms`, `null`.
    public var description: String {
        switch self {
        case .string(let text): "\"" + text.escapedForStringLiteral + "\""
        case .int(let value): String(value)
        case .float(let value): String(value)
        case .bool(let value): String(value)
        case .null: "null"
        case .durationMicroseconds(let value): PipelineDuration(microseconds: value).description
        }
    }
}

extension String {
    /// The text with the escapes a double-quoted string literal needs.
    fileprivate var escapedForStringLiteral: String {
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Template text with literal braces doubled, as templates spell them.
    fileprivate var replacingBraces: String {
        var result = ""
        for character in self {
            switch character {
            case "{": result += "{{"
            case "}": result += "}}"
            default: result.append(character)
            }
        }
        return result
    }
}
