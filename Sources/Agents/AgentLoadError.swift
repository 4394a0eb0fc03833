/// A problem found while building an agent from its plan entry: a missing or malformed
/// file, a bad setting, an unknown function. Raised once, at load time, never per event.
///
/// The ``description`` reads like a compiler diagnostic:
/// `samples/data/geoip.csv:12: range 10.0.0.0-10.0.0.255 overlaps ...`, prefixed with the
/// agent's name when the factory built it (`agent `geocode`: ...`).
public struct AgentLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The agent being built, when known.
    public var agent: String?
    /// The file the problem is in (as resolved), when there is one.
    public var file: String?
    /// 1-based line in ``file`` (for SQLite tables: none).
    public var line: Int?
    /// What is wrong, in one sentence; may be followed by `help:` lines.
    public var message: String

    public init(agent: String? = nil, file: String? = nil, line: Int? = nil, _ message: String) {
        self.agent = agent
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        var text = ""
        if let agent { text += "agent `\(agent)`: " }
        if let file {
            text += file
            if let line { text += ":\(line)" }
            text += ": "
        }
        return text + message
    }

    /// The same error, attributed to `agent` (keeps an agent already set).
    func attributed(to agent: String) -> AgentLoadError {
        var copy = self
        if copy.agent == nil { copy.agent = agent }
        return copy
    }
}
