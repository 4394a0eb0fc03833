import Diagnostics
import Foundation
import Planner

/// Builds the in-process agent for a plan entry: `lookup`, `geoip`, `sentiment` and
/// `function`. Everything an agent needs is loaded here, once, so that calls never do I/O.
///
/// Not built here: `expr` (the runtime evaluates the plan's expressions itself) and the
/// agents that do I/O and run asynchronously (`http`, `process`, `local_llm`).
///
/// Paths in settings (`table`, `database`, `lexicon`) are resolved against
/// `baseDirectory` unless absolute; a missing file is reported with the path as resolved.
/// Each agent also needs its input (`key`, `ip`, `text`) declared in the plan.
public enum InProcessAgentFactory {
    /// The kinds ``make(_:baseDirectory:functions:)`` builds.
    public static let kinds = ["lookup", "geoip", "sentiment", "function"]
    /// Kinds the runtime runs itself: `expr` inline, the others asynchronously.
    public static let runtimeKinds = ["expr", "http", "process", "local_llm"]

    /// True when `kind` is built by this factory.
    public static func isInProcess(kind: String) -> Bool { kinds.contains(kind) }

    /// The agent for `agent`; errors name the agent, the file and the problem.
    public static func make(
        _ agent: PlanAgent, baseDirectory: URL, functions: FunctionRegistry
    ) throws(AgentLoadError) -> any InProcessAgent {
        try make(
            kind: agent.kind, name: agent.name, settings: agent.settings, inputs: agent.inputs.map(\.name),
            baseDirectory: baseDirectory, functions: functions
        )
    }

    /// The same from the pieces of a plan entry. `inputs` are the names of the agent's
    /// declared inputs; nil skips the check that the agent's own input is among them.
    public static func make(
        kind: String, name: String, settings: [String: String], inputs: [String]? = nil,
        baseDirectory: URL, functions: FunctionRegistry
    ) throws(AgentLoadError) -> any InProcessAgent {
        do throws(AgentLoadError) {
            switch kind {
            case "lookup":
                try require(input: "key", of: kind, in: inputs)
                let (url, display) = try file(setting: "table", of: kind, settings, baseDirectory, required: true)!
                guard let key = settings["key"], !key.isEmpty else {
                    throw AgentLoadError("a lookup agent needs `key`: the column of \(display) to look the input `key` up in")
                }
                return try LookupAgent(table: url, sqlTable: settings["sql_table"], keyColumn: key, display: display)
            case "geoip":
                try require(input: "ip", of: kind, in: inputs)
                let (url, display) = try file(setting: "database", of: kind, settings, baseDirectory, required: true)!
                return try GeoIPAgent(database: url, display: display)
            case "sentiment":
                try require(input: "text", of: kind, in: inputs)
                if let (url, display) = try file(setting: "lexicon", of: kind, settings, baseDirectory, required: false) {
                    return try SentimentAgent(lexicon: url, display: display)
                }
                return try SentimentAgent()
            case "function":
                let functionName = settings["function"] ?? name
                return FunctionAgent(name: functionName, function: try functions.resolve(functionName))
            case "expr":
                throw AgentLoadError("`expr` agents are evaluated by the runtime itself, not built as in-process agents")
            case "http", "process", "local_llm":
                throw AgentLoadError("`\(kind)` agents do I/O and run asynchronously in the runtime; they are not in-process agents")
            default:
                var message = "unknown agent type `\(kind)`; in-process types are \(kinds.map { "`\($0)`" }.joined(separator: ", "))"
                if let guess = DidYouMean.suggestion(for: kind, among: kinds + runtimeKinds) { message += "\nhelp: did you mean `\(guess)`?" }
                throw AgentLoadError(message)
            }
        } catch {
            throw error.attributed(to: name)
        }
    }

    /// The file named by `setting`, resolved against `base`, checked to exist.
    private static func file(
        setting: String, of kind: String, _ settings: [String: String], _ base: URL, required: Bool
    ) throws(AgentLoadError) -> (URL, String)? {
        guard let path = settings[setting], !path.isEmpty else {
            if required { throw AgentLoadError("a \(kind) agent needs `\(setting)`: the path of its file") }
            return nil
        }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path).standardized : base.appendingPathComponent(path).standardized
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            var message = "\(setting) file not found: \(url.path)"
            if !path.hasPrefix("/") { message += " (`\(path)` relative to \(base.standardized.path))" }
            throw AgentLoadError(message)
        }
        if isDirectory.boolValue { throw AgentLoadError("\(setting) `\(url.path)` is a directory, not a file") }
        return (url, url.path)
    }

    private static func require(input: String, of kind: String, in inputs: [String]?) throws(AgentLoadError) {
        guard let inputs, !inputs.contains(input) else { return }
        var message = "a \(kind) agent reads its input `\(input)`, and this agent has "
        message += inputs.isEmpty ? "no inputs" : "only " + inputs.map { "`\($0)`" }.joined(separator: ", ")
        if let guess = DidYouMean.suggestion(for: input, among: inputs) { message += "\nhelp: rename the input `\(guess)` to `\(input)`" }
        throw AgentLoadError(message)
    }
}
