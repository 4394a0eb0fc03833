/// A compiled pipeline: what `enrich run` interprets and the Swift emitter turns into code.
///
/// Plans are deterministic (the same source gives byte-identical plan files), versioned
/// (``formatVersion``), record the source's SHA-256 and the compiler version, and never
/// hold secret values: only `env.X` references.
public struct Plan: Hashable, Sendable {
    /// Incremented whenever a plan written by this version could be misread by an older one.
    public static let formatVersion = 1
    public static let formatName = "enrich-plan"

    public var version: Int = Plan.formatVersion
    public var compiler: String
    public var source: PlanSource
    public var pipeline: String
    public var deadlineMicroseconds: Int64?
    public var eventFields: [PlanEventField]?
    public var dedup: PlanDedup?
    /// Agents in topological order; `dependencies` index into this array.
    public var agents: [PlanAgent]
    /// Per event type, the agents that can run for it, with guards partially evaluated.
    public var specializations: [PlanSpecialization]
    public var criticalPath: PlanCriticalPath
    /// What each optimisation pass did, for `enrich compile --explain`.
    public var passes: [PlanPassReport]
    public var sourceEndpoint: PlanEndpoint?
    public var sinkEndpoint: PlanEndpoint?

    public init(
        compiler: String, source: PlanSource, pipeline: String, deadlineMicroseconds: Int64?, eventFields: [PlanEventField]?,
        dedup: PlanDedup?, agents: [PlanAgent], specializations: [PlanSpecialization], criticalPath: PlanCriticalPath,
        passes: [PlanPassReport], sourceEndpoint: PlanEndpoint?, sinkEndpoint: PlanEndpoint?
    ) {
        self.compiler = compiler
        self.source = source
        self.pipeline = pipeline
        self.deadlineMicroseconds = deadlineMicroseconds
        self.eventFields = eventFields
        self.dedup = dedup
        self.agents = agents
        self.specializations = specializations
        self.criticalPath = criticalPath
        self.passes = passes
        self.sourceEndpoint = sourceEndpoint
        self.sinkEndpoint = sinkEndpoint
    }

    /// The index of the agent called `name`.
    public func agentIndex(named name: String) -> Int? { agents.firstIndex { $0.name == name } }

    /// The specialization for events whose `type` is `eventType` (the catch-all otherwise).
    public func specialization(forEventType eventType: String?) -> PlanSpecialization? {
        if let eventType, let exact = specializations.first(where: { $0.eventType == eventType }) { return exact }
        return specializations.first { $0.eventType == nil }
    }
}

/// Where a plan came from.
public struct PlanSource: Hashable, Sendable, Codable {
    public var path: String
    /// Lower-case hex SHA-256 of the source file's bytes.
    public var sha256: String

    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// A field of the declared event schema.
public struct PlanEventField: Hashable, Sendable, Codable {
    public var name: String
    public var type: String
}

/// Dedup by key within a window.
public struct PlanDedup: Hashable, Sendable {
    public var key: PlanExpression
    public var windowMicroseconds: Int64
}

/// One agent, resolved and annotated by the planner.
public struct PlanAgent: Hashable, Sendable {
    public var name: String
    /// `http lookup geoip sentiment process local_llm expr function`.
    public var kind: String
    public var inputs: [PlanInput]
    public var outputs: [PlanOutput]
    public var emit: Bool
    public var when: PlanExpression?
    /// Indices of the agents this one waits for, after transitive reduction, ascending.
    public var dependencies: [Int]
    public var timeoutMicroseconds: Int64
    public var retry: PlanRetry
    public var fallback: PlanFallback
    public var cache: PlanCache?
    public var rateLimit: PlanRateLimit?
    public var concurrency: Int
    /// nil: calls are never held back by a circuit breaker.
    public var circuitBreaker: PlanCircuitBreaker?
    /// Type-specific scalar settings (`table`, `key`, `database`, `model`, `function`...).
    public var settings: [String: String]
    public var command: [String]?
    /// `env:` of process agents: variables set for the child (literal values).
    public var environment: [String: String]?
    public var http: PlanHTTP?
    /// Timing annotations from slack analysis, all in microseconds.
    public var timing: PlanTiming
    /// Display stage: 0 for agents with no dependencies, else 1 + the deepest dependency.
    public var stage: Int
    /// Agents merged into this one because they made the identical call.
    public var mergedFrom: [String]
    /// Agents named in `after:` (rewritten through merges); the planner folds them into `dependencies`.
    public var after: [String]

    public init(
        name: String, kind: String, inputs: [PlanInput], outputs: [PlanOutput], emit: Bool, when: PlanExpression?,
        dependencies: [Int], timeoutMicroseconds: Int64, retry: PlanRetry, fallback: PlanFallback, cache: PlanCache?,
        rateLimit: PlanRateLimit?, concurrency: Int, settings: [String: String], command: [String]?, http: PlanHTTP?,
        timing: PlanTiming = PlanTiming(), stage: Int = 0, mergedFrom: [String] = [], after: [String] = [],
        circuitBreaker: PlanCircuitBreaker? = nil,
        environment: [String: String]? = nil
    ) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.outputs = outputs
        self.emit = emit
        self.when = when
        self.dependencies = dependencies
        self.timeoutMicroseconds = timeoutMicroseconds
        self.retry = retry
        self.fallback = fallback
        self.cache = cache
        self.rateLimit = rateLimit
        self.concurrency = concurrency
        self.circuitBreaker = circuitBreaker
        self.settings = settings
        self.command = command
        self.environment = environment
        self.http = http
        self.timing = timing
        self.stage = stage
        self.mergedFrom = mergedFrom
        self.after = after
    }
}

public struct PlanInput: Hashable, Sendable {
    public var name: String
    public var value: PlanExpression
}

/// An output field: from a result path, or (expr agents) an expression.
public struct PlanOutput: Hashable, Sendable {
    public var name: String
    /// Dot path into the agent's result; nil for expression outputs.
    public var path: [String]?
    public var expression: PlanExpression?
    /// The declared or inferred type, e.g. `string?`.
    public var type: String
}

public struct PlanRetry: Hashable, Sendable, Codable {
    public var attempts: Int
    public var backoffMicroseconds: Int64
    public var maxBackoffMicroseconds: Int64
    public var jitter: Bool
}

/// What happens once every attempt failed.
public enum PlanFallback: Hashable, Sendable {
    case cache
    case skip
    case fail
    case defaults([String: PlanLiteral])
}

public struct PlanCache: Hashable, Sendable {
    /// Key expression; nil means "all inputs".
    public var key: PlanExpression?
    public var ttlMicroseconds: Int64
}

public struct PlanRateLimit: Hashable, Sendable, Codable {
    public var count: Int
    public var perSeconds: Int
}

/// When a circuit breaker stops calls to an agent, and for how long.
public struct PlanCircuitBreaker: Hashable, Sendable, Codable {
    /// Failed calls in a row that open the circuit.
    public var failures: Int
    /// Also open when at least this share of the last `window` calls failed.
    public var failureRatio: Double?
    public var window: Int
    public var cooldownMicroseconds: Int64

    public init(failures: Int, failureRatio: Double? = nil, window: Int, cooldownMicroseconds: Int64) {
        self.failures = failures
        self.failureRatio = failureRatio
        self.window = window
        self.cooldownMicroseconds = cooldownMicroseconds
    }
}

public struct PlanHTTP: Hashable, Sendable {
    public var url: PlanExpression
    public var method: String
    public var headers: [PlanHeader]
    /// `json` (inputs as a JSON object) or `none`.
    public var body: String
    public var idempotent: Bool
    public var allowHosts: [String]
}

public struct PlanHeader: Hashable, Sendable {
    public var name: String
    public var value: PlanExpression
}

/// Slack analysis of one agent against the deadline (or the critical path without one).
public struct PlanTiming: Hashable, Sendable, Codable {
    public var worstCaseMicroseconds: Int64 = 0
    public var earliestStartMicroseconds: Int64 = 0
    public var latestStartMicroseconds: Int64 = 0
    public var slackMicroseconds: Int64 = 0
    public var critical: Bool = false

    public init() {}
}

/// The agents one event type runs, in order, with what is left of their guards.
public struct PlanSpecialization: Hashable, Sendable {
    /// The `event.type` value; nil for "any other type".
    public var eventType: String?
    /// Agent indices to run, topological order; agents whose guard is false are gone.
    public var agents: [Int]
    /// Residual guards after partial evaluation, by agent index (absent: always runs).
    public var guards: [Int: PlanExpression]
    /// Dependencies rewired around the agents this specialization drops, by agent index,
    /// only where they differ from the agent's own `dependencies`.
    ///
    /// An agent that waited for a dropped agent still waits for what the dropped one
    /// waited for, so ordering (and data that arrived through it) is kept.
    public var rewiredDependencies: [Int: [Int]]

    /// A specialization; `rewiredDependencies` is empty when no agent is left out.
    public init(eventType: String?, agents: [Int], guards: [Int: PlanExpression], rewiredDependencies: [Int: [Int]] = [:]) {
        self.eventType = eventType
        self.agents = agents
        self.guards = guards
        self.rewiredDependencies = rewiredDependencies
    }

    /// The agents that agent `index` waits for when running this specialization.
    public func dependencies(of index: Int, in plan: Plan) -> [Int] {
        rewiredDependencies[index] ?? plan.agents[index].dependencies
    }
}

public struct PlanCriticalPath: Hashable, Sendable, Codable {
    public var agents: [String]
    public var totalMicroseconds: Int64
}

/// A line of `enrich compile --explain`: what one pass changed.
public struct PlanPassReport: Hashable, Sendable, Codable {
    public var pass: String
    public var changes: [String]
}

/// `source:` / `sink:` as written (CLI flags override them).
public struct PlanEndpoint: Hashable, Sendable, Codable {
    public var type: String
    public var settings: [String: String]
}
