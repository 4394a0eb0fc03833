import Diagnostics
import YAMLSource

/// A value together with where it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var range: SourceRange

    public init(_ value: Value, at range: SourceRange) {
        self.value = value
        self.range = range
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// The surface syntax of one pipeline file, with source ranges; produced by ``PipelineASTBuilder``.
///
/// Values that were malformed are absent (their problems are already diagnosed), so
/// later checks see a best-effort tree and can still report everything else.
public struct PipelineAST: Sendable {
    public var file: SourceFile
    public var name: Located<String>?
    public var version: Located<String>?
    public var description: String?
    public var deadline: Located<PipelineDuration>?
    /// The declared event schema in source order, or nil when the file has none.
    public var event: [EventFieldDecl]?
    public var dedup: DedupDecl?
    public var agents: [AgentDecl] = []
    public var source: EndpointDecl?
    public var sink: EndpointDecl?

    public init(file: SourceFile) { self.file = file }

    /// The pipeline's name: `pipeline:` or else the file name without its extension.
    public var displayName: String {
        if let name { return name.value }
        let base = file.path.split(separator: "/").last.map(String.init) ?? file.path
        return base.split(separator: ".").first.map(String.init) ?? base
    }
}

/// A field of the `event:` schema.
public struct EventFieldDecl: Sendable {
    public var name: Located<String>
    public var type: Located<ValueType>
}

/// The `dedup:` block.
public struct DedupDecl: Sendable {
    public var key: Expression
    public var window: Located<PipelineDuration>
}

/// A `source:` or `sink:` block: its type and the rest of its settings, checked for shape.
public struct EndpointDecl: Sendable {
    public var type: Located<String>
    public var settings: [String: Located<String>]
}

/// The kinds of agents the language knows.
public enum AgentKind: String, Sendable, CaseIterable, Codable {
    case http, lookup, geoip, sentiment, process
    case localLLM = "local_llm"
    case expr, function
}

/// One entry of `agents:`.
///
/// A class, not a struct: agents are passed around by every check, and copying a value
/// with this many fields costs a retain per field each time. Only ``PipelineASTBuilder``
/// sets its properties, before the AST is handed on; from then on it is read-only,
/// which is what makes the unchecked `Sendable` sound.
public final class AgentDecl: @unchecked Sendable {
    public var name: Located<String>
    public var kind: Located<AgentKind>?
    /// The whole agent mapping.
    public var range: SourceRange
    public var description: String?
    public var inputs: [InputDecl] = []
    public var outputs: [OutputDecl] = []
    public var emit: Located<Bool>?
    public var when: Expression?
    public var after: [Located<String>] = []
    public var timeout: Located<PipelineDuration>?
    public var retry: RetryDecl?
    public var fallback: Located<FallbackDecl>?
    public var cache: CacheDecl?
    public var rateLimit: Located<RateLimit>?
    public var concurrency: Located<Int>?
    /// `circuit_breaker:` as written; nil when absent (http agents then get the default).
    public var circuitBreaker: CircuitBreakerDecl?
    public var http: HTTPSettings?
    /// Type-specific scalar settings (`table`, `key`, `database`, `model`, `function`...).
    public var settings: [String: Located<String>] = [:]
    /// `command:` of process and local_llm agents.
    public var command: [Located<String>]?
    /// `env:` of process agents: variables set for the child, in source order.
    public var environment: [(name: Located<String>, value: Located<String>)]?

    public init(name: Located<String>, range: SourceRange) {
        self.name = name
        self.range = range
    }

    /// Whether outputs are written to the event (`emit`, default true).
    public var emits: Bool { emit?.value ?? true }
}

/// One `input:` entry: a name and the expression giving its value.
public struct InputDecl: Sendable {
    public var name: Located<String>
    public var value: Expression
}

/// One `output:` entry: the enriched field and where its value comes from.
public struct OutputDecl: Sendable {
    public enum Source: Sendable {
        /// A dot path into the agent's result.
        case resultPath(Located<String>)
        /// An expression (`expr` agents).
        case expression(Expression)
    }

    public var name: Located<String>
    public var source: Source
    public var declaredType: Located<ValueType>?
}

/// `retry:` in either form, normalised to total attempts.
public struct RetryDecl: Sendable {
    public var attempts: Int
    public var backoff: PipelineDuration
    public var maxBackoff: PipelineDuration
    public var jitter: Bool
    public var range: SourceRange

    public static let defaultBackoff = PipelineDuration.milliseconds(100)
    public static let defaultMaxBackoff = PipelineDuration.milliseconds(5000)
}

/// What an agent does once every attempt has failed.
public enum FallbackDecl: Sendable {
    case cache
    case skip
    case fail
    case value([String: Located<Literal>])
}

/// `cache:`; `key` nil means "all inputs".
public struct CacheDecl: Sendable {
    public var key: Expression?
    public var ttl: Located<PipelineDuration>
    public var range: SourceRange
}

/// `rate_limit: N/s`.
public struct RateLimit: Sendable, Hashable {
    public enum Per: String, Sendable { case second = "s", minute = "m", hour = "h" }
    public var count: Int
    public var per: Per
}

/// `circuit_breaker:`: when calls to an agent stop being made for a while.
public struct CircuitBreakerDecl: Sendable {
    /// false for `circuit_breaker: off`.
    public var enabled: Bool
    /// Failed calls in a row that open the circuit.
    public var failures: Int
    /// Also open when this share of the last `window` calls failed.
    public var ratio: Double?
    public var window: Int
    /// How long the circuit stays open before one probe call.
    public var cooldown: PipelineDuration
    public var range: SourceRange

    public static let defaultFailures = 5
    public static let defaultWindow = 20
    public static let defaultCooldown = PipelineDuration.milliseconds(10_000)
}

/// The keys only `http` agents have.
public struct HTTPSettings: Sendable {
    public var url: Expression?
    public var urlRange: SourceRange?
    public var method: Located<String>?
    public var headers: [(name: Located<String>, value: Expression)] = []
    public var body: Located<String>?
    public var idempotent: Located<Bool>?
    public var allowHosts: [Located<String>] = []

    /// The method, `GET` when not written.
    public var effectiveMethod: String { method?.value ?? "GET" }

    /// Whether a retry may repeat the request safely.
    public var isIdempotent: Bool {
        idempotent?.value ?? ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(effectiveMethod)
    }
}
