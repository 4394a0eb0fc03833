import PipelineSyntax

/// The fields each built-in agent type returns, where they are known ahead of time.
enum AgentResultSchema {
    /// Known result fields and their types; nil when any path is allowed (`json`).
    static func fields(of kind: AgentKind) -> [(String, ValueType)]? {
        switch kind {
        case .geoip:
            [("country", .string), ("region", .string), ("city", .string), ("latitude", .float), ("longitude", .float)]
        case .sentiment:
            [("label", .string), ("compound", .float), ("positive", .float), ("negative", .float), ("neutral", .float)]
        case .http, .lookup, .process, .localLLM, .function, .expr:
            nil
        }
    }

    /// Result fields whose type is known for otherwise open results.
    static func knownType(of path: String, kind: AgentKind) -> ValueType? {
        if kind == .localLLM {
            switch path {
            case "label": return .string
            case "score": return .float
            default: return nil
            }
        }
        return fields(of: kind)?.first { $0.0 == path }?.1
    }

    /// Whether the agent runs in-process and so never waits on I/O.
    static func runsInProcess(_ kind: AgentKind) -> Bool {
        switch kind {
        case .expr, .lookup, .geoip, .sentiment: true
        case .http, .process, .localLLM, .function: false
        }
    }
}
