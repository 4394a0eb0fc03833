import PipelineSyntax

/// Expressions in plan files: small JSON trees, one key naming the node.
///
/// `{"lit": "x"}` `{"lit": 5}` `{"lit": true}` `{"lit": null}` `{"float": 1.5}`
/// `{"duration": "250ms"}` `{"event": ["user_id"]}` `{"env": "CRM_TOKEN"}`
/// `{"input": ["text"]}` `{"agent": "geocode", "path": ["country"]}` `{"list": [...]}`
/// `{"not": e}` `{"negate": e}` `{"op": "==", "lhs": e, "rhs": e}` (also `in`, `not in`)
/// `{"call": "lower", "args": [...]}` `{"template": ["Bearer ", {"env": "CRM_TOKEN"}]}`.
extension PlanExpression {
    var json: PlanJSON {
        switch self {
        case .literal(let literal): literal.json
        case .event(let path): .object(["event": .array(path.map(PlanJSON.string))])
        case .env(let name): .object(["env": .string(name)])
        case .input(let path): .object(["input": .array(path.map(PlanJSON.string))])
        case .agent(let name, let path): .object(["agent": .string(name), "path": .array(path.map(PlanJSON.string))])
        case .list(let items): .object(["list": .array(items.map(\.json))])
        case .not(let operand): .object(["not": operand.json])
        case .negate(let operand): .object(["negate": operand.json])
        case .binary(let op, let lhs, let rhs): .object(["op": .string(op.rawValue), "lhs": lhs.json, "rhs": rhs.json])
        case .membership(let negated, let lhs, let rhs):
            .object(["op": .string(negated ? "not in" : "in"), "lhs": lhs.json, "rhs": rhs.json])
        case .call(let name, let arguments): .object(["call": .string(name), "args": .array(arguments.map(\.json))])
        case .interpolation(let segments):
            .object([
                "template": .array(
                    segments.map { segment in
                        switch segment {
                        case .text(let text): .string(text)
                        case .expression(let inner): inner.json
                        }
                    })
            ])
        }
    }

    init(json cursor: PlanJSONCursor) throws(PlanFileError) {
        guard case .object(let members) = cursor.value else { throw cursor.mismatch("an expression object") }
        if members["lit"] != nil || members["float"] != nil || members["duration"] != nil {
            self = .literal(try PlanLiteral(json: cursor))
        } else if let path = cursor.optionalField("event") {
            self = .event(try path.strings())
        } else if let name = cursor.optionalField("env") {
            self = .env(try name.string())
        } else if let path = cursor.optionalField("input") {
            self = .input(try path.strings())
        } else if let name = cursor.optionalField("agent") {
            self = .agent(try name.string(), try cursor.field("path").strings())
        } else if let items = cursor.optionalField("list") {
            self = .list(try Self.list(items))
        } else if let operand = cursor.optionalField("not") {
            self = .not(try PlanExpression(json: operand))
        } else if let operand = cursor.optionalField("negate") {
            self = .negate(try PlanExpression(json: operand))
        } else if let op = cursor.optionalField("op") {
            let lhs = try PlanExpression(json: cursor.field("lhs"))
            let rhs = try PlanExpression(json: cursor.field("rhs"))
            let spelling = try op.string()
            switch spelling {
            case "in": self = .membership(negated: false, lhs, rhs)
            case "not in": self = .membership(negated: true, lhs, rhs)
            default:
                guard let binary = PlanBinaryOperator(rawValue: spelling) else { throw op.mismatch("an operator such as `==`") }
                self = .binary(binary, lhs, rhs)
            }
        } else if let name = cursor.optionalField("call") {
            self = .call(try name.string(), try Self.list(cursor.field("args")))
        } else if let template = cursor.optionalField("template") {
            var segments: [PlanSegment] = []
            for item in try template.array() {
                if case .string(let text) = item.value {
                    segments.append(.text(text))
                } else {
                    segments.append(.expression(try PlanExpression(json: item)))
                }
            }
            self = .interpolation(segments)
        } else {
            let keys = members.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")
            throw .invalidValue(path: cursor.path, expected: "an expression", found: keys.isEmpty ? "an empty object" : "an object with \(keys)")
        }
    }

    private static func list(_ cursor: PlanJSONCursor) throws(PlanFileError) -> [PlanExpression] {
        var items: [PlanExpression] = []
        for item in try cursor.array() { items.append(try PlanExpression(json: item)) }
        return items
    }
}

extension PlanLiteral {
    var json: PlanJSON {
        switch self {
        case .string(let text): .object(["lit": .string(text)])
        case .int(let number): .object(["lit": .int(number)])
        case .bool(let flag): .object(["lit": .bool(flag)])
        case .null: .object(["lit": .null])
        case .float(let number) where number.isNaN: .object(["float": .string("nan")])
        case .float(let number) where number.isInfinite: .object(["float": .string(number > 0 ? "inf" : "-inf")])
        case .float(let number): .object(["float": .float(number)])
        case .durationMicroseconds(let microseconds):
            .object(["duration": .string(PipelineDuration(microseconds: microseconds).description)])
        }
    }

    init(json cursor: PlanJSONCursor) throws(PlanFileError) {
        guard case .object(let members) = cursor.value else { throw cursor.mismatch("a literal object") }
        if let literal = members["lit"] {
            switch literal {
            case .string(let text): self = .string(text)
            case .int(let number): self = .int(number)
            case .bool(let flag): self = .bool(flag)
            case .null: self = .null
            default: throw PlanJSONCursor(value: literal, path: cursor.path + ".lit").mismatch("a string, integer, boolean or null")
            }
        } else if let number = cursor.optionalField("float") {
            switch number.value {
            case .float(let value): self = .float(value)
            case .int(let value): self = .float(Double(value))
            case .string("nan"): self = .float(.nan)
            case .string("inf"): self = .float(.infinity)
            case .string("-inf"): self = .float(-.infinity)
            default: throw number.mismatch("a number")
            }
        } else if let text = cursor.optionalField("duration") {
            guard case .success(let duration) = PipelineDuration.parse(try text.string()) else { throw text.mismatch("a duration such as `250ms`") }
            self = .durationMicroseconds(duration.microseconds)
        } else {
            throw .missingField(path: cursor.path + ".lit")
        }
    }
}
