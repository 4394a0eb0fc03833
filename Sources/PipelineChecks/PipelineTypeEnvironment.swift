import Diagnostics
import PipelineSyntax

/// What expressions can see while being typed: the event schema and agents' outputs.
///
/// A class so each expression's checker shares it instead of copying its tables.
final class PipelineTypeEnvironment {
    let file: SourceFile
    let agents: [AgentDecl]
    let table: AgentTable
    let eventSchema: [String: ValueType]?
    let eventFieldNames: [String]
    let eventSchemaRange: SourceRange?
    /// Output types per agent as consumers see them; filled in dependency order.
    var outputTypes: [[String: ValueType]?]

    init(ast: PipelineAST, table: AgentTable) {
        file = ast.file
        agents = ast.agents
        self.table = table
        if let fields = ast.event {
            var schema: [String: ValueType] = [:]
            for field in fields where schema[field.name.value] == nil { schema[field.name.value] = field.type.value }
            eventSchema = schema
            eventFieldNames = fields.map(\.name.value)
            eventSchemaRange = fields.first.map { $0.name.range }
        } else {
            eventSchema = nil
            eventFieldNames = []
            eventSchemaRange = nil
        }
        outputTypes = Array(repeating: nil, count: ast.agents.count)
    }

    var agentNames: [String] { table.names }

    func agentIndex(_ name: String) -> Int? { table.index(of: name) }

    func agentNameRange(_ index: Int) -> SourceRange { agents[index].name.range }

    func outputNames(of index: Int) -> [String] { agents[index].outputs.map(\.name.value) }

    /// The type of `field` of agent `index`; `json` while that agent is not typed yet (cycles).
    func outputType(of index: Int, field: String) -> ValueType? {
        guard agents[index].outputs.contains(where: { $0.name.value == field }) else { return nil }
        return outputTypes[index]?[field] ?? .json
    }

    /// Why output `field` of agent `index` may be missing, as a note pointing at the cause.
    func missingReason(of index: Int, field: String) -> DiagnosticNote {
        let agent = agents[index]
        let name = agent.name.value
        if let when = agent.when {
            return DiagnosticNote("`\(name)` runs only when its `when` guard holds", at: when.range)
        }
        // When the agent is sure to produce its outputs (see `OutputTyping.mayBeMissing`),
        // the field is missing only because its own value is optional.
        let producesOutputs: Bool =
            switch agent.fallback?.value {
            case .fail?: true
            case .value(let defaults)?: defaults[field] != nil
            case nil: agent.kind?.value == .expr
            case .skip?, .cache?: false
            }
        if producesOutputs {
            let output = agent.outputs.first { $0.name.value == field }
            let type = outputTypes[index]?[field].map { " (`\($0)`)" } ?? ""
            return DiagnosticNote("the value of `\(name).\(field)` is itself optional\(type)", at: output?.name.range ?? agent.name.range)
        }
        switch agent.fallback?.value {
        case .skip?:
            return DiagnosticNote("`\(name)` is skipped when it fails (`fallback: skip`)", at: agent.fallback?.range)
        case .cache?:
            return DiagnosticNote("`\(name)` falls back to its cache, which is empty until a first success", at: agent.fallback?.range)
        case .value?:
            return DiagnosticNote("`\(name)`'s `fallback: default` does not cover this field", at: agent.fallback?.range)
        default:
            return DiagnosticNote("`\(name)` has no `fallback`, so it is skipped when it fails", at: agent.name.range)
        }
    }
}
