import EventJSON
import Planner

/// A plan expression with its names resolved once, when the run is set up.
///
/// Agent outputs are read by their slot in the event's outputs array (one array index per
/// read instead of a dictionary lookup and a name search), `env.` values and literals
/// are constants, and a top-level event field is one member lookup.
indirect enum ResolvedExpression: Sendable {
    case constant(JSONValue)
    /// A name the plan does not know (the checker rejects these; kept as "missing").
    case missing
    /// `event.name`: one top-level field.
    case eventField(String)
    /// `event.a.b`: the path below the event root (empty for the whole event).
    case event([String])
    /// `input.name.rest`.
    case input([String])
    /// `agent.output.rest`: the output in `slot` of the event's outputs, then `rest` below it.
    case agentOutput(slot: Int, rest: [String])
    case list([ResolvedExpression])
    case not(ResolvedExpression)
    case negate(ResolvedExpression)
    case binary(PlanBinaryOperator, ResolvedExpression, ResolvedExpression)
    case membership(negated: Bool, ResolvedExpression, ResolvedExpression)
    case call(String, [ResolvedExpression])
    case interpolation([Segment])

    enum Segment: Sendable {
        case text(String)
        case expression(ResolvedExpression)
    }
}

/// Resolves the names in a plan's expressions against its agents and the environment.
struct ExpressionResolver: Sendable {
    /// Per agent name: its first output slot and output names in plan order.
    private let agents: [String: (outputStart: Int, outputs: [String])]
    private let environment: [String: String]
    /// Per agent index, the slot of its first output: an event's outputs sit in one array,
    /// agent after agent, each in `plan.outputs` order.
    let outputStarts: [Int]
    /// Output slots of all agents together.
    let outputCount: Int

    init(plan: Plan, environment: [String: String]) {
        var agents: [String: (outputStart: Int, outputs: [String])] = [:]
        var starts: [Int] = []
        var next = 0
        for agent in plan.agents {
            starts.append(next)
            agents[agent.name] = (next, agent.outputs.map(\.name))
            next += agent.outputs.count
        }
        self.agents = agents
        self.environment = environment
        outputStarts = starts
        outputCount = next
    }

    func resolve(_ expression: PlanExpression) -> ResolvedExpression {
        switch expression {
        case .literal(let literal): return .constant(ExpressionEvaluator.value(of: literal))
        case .event(let path): return path.count == 1 ? .eventField(path[0]) : .event(path)
        case .env(let name): return environment[name].map { .constant(.string($0)) } ?? .missing
        case .input(let path): return .input(path)
        case .agent(let name, let path):
            guard let agent = agents[name], let first = path.first, let position = agent.outputs.firstIndex(of: first) else {
                return .missing
            }
            return .agentOutput(slot: agent.outputStart + position, rest: Array(path.dropFirst()))
        case .list(let items): return .list(items.map(resolve))
        case .not(let operand): return .not(resolve(operand))
        case .negate(let operand): return .negate(resolve(operand))
        case .binary(let op, let lhs, let rhs): return .binary(op, resolve(lhs), resolve(rhs))
        case .membership(let negated, let lhs, let rhs): return .membership(negated: negated, resolve(lhs), resolve(rhs))
        case .call(let name, let arguments): return .call(name, arguments.map(resolve))
        case .interpolation(let segments):
            return .interpolation(segments.map { segment in
                switch segment {
                case .text(let text): .text(text)
                case .expression(let inner): .expression(resolve(inner))
                }
            })
        }
    }
}
