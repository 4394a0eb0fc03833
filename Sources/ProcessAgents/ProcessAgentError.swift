/// Why a `process` agent could not be started: the run does not begin.
public struct ProcessAgentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The agent, by name.
    public var agent: String
    /// What went wrong, in one or two sentences (with the child's last error lines).
    public var message: String

    public init(agent: String, _ message: String) {
        self.agent = agent
        self.message = message
    }

    public var description: String { "agent `\(agent)`: \(message)" }
}
