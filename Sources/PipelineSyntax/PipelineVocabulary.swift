/// The keys the language accepts, in one place so checks and suggestions agree.
public enum PipelineVocabulary {
    public static let topLevelKeys = ["pipeline", "version", "description", "deadline", "event", "dedup", "agents", "source", "sink"]
    public static let commonAgentKeys = [
        "name", "type", "description", "input", "output", "emit", "when", "after", "timeout", "retry",
        "fallback", "cache", "rate_limit", "concurrency", "circuit_breaker",
    ]
    public static let retryKeys = ["attempts", "backoff", "max_backoff", "jitter"]
    public static let cacheKeys = ["key", "ttl"]
    public static let circuitBreakerKeys = ["failures", "ratio", "window", "cooldown"]
    public static let dedupKeys = ["key", "window"]
    public static let fallbackWords = ["cache", "skip", "fail"]
    public static let httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
    public static let sourceTypes = ["stdin", "file", "http"]
    public static let sinkTypes = ["stdout", "file", "webhook"]
    public static let sourceKeys = ["type", "path", "listen"]
    public static let sinkKeys = ["type", "path", "url", "batch_size", "linger", "headers"]
    /// Names an agent cannot take because expressions give them another meaning.
    public static let reservedNames: Set<String> = ["event", "env", "input", "true", "false", "null", "in", "not"]

    /// Keys only agents of one type have, and which of them are required.
    public static func specificKeys(of kind: AgentKind) -> (all: [String], required: [String]) {
        switch kind {
        case .http: (["url", "method", "headers", "body", "idempotent", "allow_hosts"], ["url"])
        case .lookup: (["table", "sql_table", "key"], ["table", "key"])
        case .geoip: (["database"], ["database"])
        case .sentiment: (["lexicon"], [])
        case .process: (["command", "env"], ["command"])
        case .localLLM: (["model", "command"], ["model"])
        case .expr: ([], [])
        case .function: (["function"], [])
        }
    }

    /// The input an agent type cannot work without, if any.
    public static func requiredInput(of kind: AgentKind) -> String? {
        switch kind {
        case .geoip: "ip"
        case .lookup: "key"
        case .sentiment: "text"
        case .http, .process, .localLLM, .expr, .function: nil
        }
    }

    static func requiredInputExample(of kind: AgentKind) -> String {
        switch kind {
        case .geoip: "event.ip"
        case .lookup: "event.campaign_id"
        default: "event.description"
        }
    }

    /// The agent types that declare `key` as their own, for "belongs to" notes.
    public static func kinds(owning key: String) -> [AgentKind] {
        AgentKind.allCases.filter { specificKeys(of: $0).all.contains(key) }
    }
}
