/// An expression as stored in a plan: pre-parsed, resolved, without source positions.
///
/// References are classified at compile time (`event`, `env`, `input`, another agent's
/// output), so the runtime never resolves names. `env` holds only the variable name:
/// secret values are read at run time and never written into a plan.
public indirect enum PlanExpression: Hashable, Sendable {
    case literal(PlanLiteral)
    /// `event.a.b`: the path below the event root (empty for the whole event).
    case event([String])
    /// `env.NAME`.
    case env(String)
    /// `input.name.rest`: the agent's own input `name`, then fields below it.
    case input([String])
    /// `agent.output.rest`: an output of another agent, then fields below it.
    case agent(String, [String])
    case list([PlanExpression])
    case not(PlanExpression)
    case negate(PlanExpression)
    case binary(PlanBinaryOperator, PlanExpression, PlanExpression)
    case membership(negated: Bool, PlanExpression, PlanExpression)
    case call(String, [PlanExpression])
    case interpolation([PlanSegment])

    /// Calls `body` on this expression and every sub-expression.
    public func visit(_ body: (PlanExpression) -> Void) {
        body(self)
        switch self {
        case .literal, .event, .env, .input, .agent: break
        case .list(let items), .call(_, let items): for item in items { item.visit(body) }
        case .not(let operand), .negate(let operand): operand.visit(body)
        case .binary(_, let lhs, let rhs), .membership(_, let lhs, let rhs):
            lhs.visit(body)
            rhs.visit(body)
        case .interpolation(let segments):
            for case .expression(let inner) in segments { inner.visit(body) }
        }
    }

    /// Names of the agents this expression reads.
    public var agentReferences: Set<String> {
        var names: Set<String> = []
        visit { if case .agent(let name, _) = $0 { names.insert(name) } }
        return names
    }

    /// Paths below `event` this expression reads.
    public var eventPaths: Set<[String]> {
        var paths: Set<[String]> = []
        visit { if case .event(let path) = $0 { paths.insert(path) } }
        return paths
    }
}

/// A constant in a plan expression.
public enum PlanLiteral: Hashable, Sendable {
    case string(String)
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case null
    case durationMicroseconds(Int64)
}

/// Part of an interpolated string.
public enum PlanSegment: Hashable, Sendable {
    case text(String)
    case expression(PlanExpression)
}

/// Binary operators, spelled as in the language.
public enum PlanBinaryOperator: String, Hashable, Sendable, Codable {
    case coalesce = "??"
    case or = "||"
    case and = "&&"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"
}
