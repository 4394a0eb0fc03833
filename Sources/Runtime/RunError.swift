/// Why a run could not start or had to stop; each message names what and where.
public enum RunError: Error, CustomStringConvertible, Sendable {
    case inputFailed(String)
    case outputFailed(String)
    case stateFailed(String)
    case agentLoadFailed(agent: String, reason: String)
    case missingEnvironment([String])
    case checkpointMismatch(String)

    public var description: String {
        switch self {
        case .inputFailed(let reason): "input: \(reason)"
        case .outputFailed(let reason): "output: \(reason)"
        case .stateFailed(let reason): "state: \(reason)"
        case .agentLoadFailed(let agent, let reason):
            // Agent set-up errors usually name the agent already; say it once.
            reason.hasPrefix("agent `\(agent)`") ? reason : "agent `\(agent)`: \(reason)"
        case .missingEnvironment(let names):
            "environment variable\(names.count == 1 ? "" : "s") \(names.map { "`\($0)`" }.joined(separator: ", ")) not set (the plan reads \(names.count == 1 ? "it" : "them") through `env.`)"
        case .checkpointMismatch(let reason): "checkpoint: \(reason)"
        }
    }
}
