import PipelineChecks
import PipelineSyntax

/// Turns a checked pipeline into the initial, unoptimised plan: every default made explicit.
///
/// Defaults follow grammar/README.md: the timeout in force is
/// `TimingAnalysis.effectiveTimeout`, one attempt without `retry`, `fallback: skip`,
/// concurrency 64, and `fallback: cache` without `cache:` means a cache keyed by all
/// inputs for five minutes. Agents come in the checker's topological order;
/// `dependencies` are left empty for ``EdgeInference`` to fill from references and `after`.
public enum PlanLowering {
    /// Calls allowed in flight per agent when `concurrency` is not written.
    public static let defaultConcurrency = 64
    /// Time to live of the implicit cache behind `fallback: cache`.
    public static let defaultCacheTTL = PipelineDuration(microseconds: 5 * 60 * 1_000_000)

    /// The initial plan of `pipeline`, which must have linted without errors.
    public static func lower(_ pipeline: CheckedPipeline, compiler: String) throws(PlanningError) -> Plan {
        guard let order = pipeline.topologicalOrder else { throw .cyclicDependencies }
        let ast = pipeline.ast
        let deadline = ast.deadline?.value
        var agents: [PlanAgent] = []
        for old in order { agents.append(try lower(pipeline.agents[old], deadline: deadline)) }

        return Plan(
            compiler: compiler,
            source: PlanSource(path: ast.file.path, sha256: SourceDigest.sha256Hex(ast.file.bytes)),
            pipeline: ast.displayName,
            deadlineMicroseconds: deadline?.microseconds,
            eventFields: ast.event?.map { PlanEventField(name: $0.name.value, type: $0.type.value.description) },
            dedup: ast.dedup.map { PlanDedup(key: ExpressionLowering.lower($0.key), windowMicroseconds: $0.window.value.microseconds) },
            agents: agents,
            specializations: [],
            criticalPath: PlanCriticalPath(agents: [], totalMicroseconds: 0),
            passes: [],
            sourceEndpoint: ast.source.map(lower),
            sinkEndpoint: ast.sink.map(lower))
    }

    private static func lower(_ checked: CheckedAgent, deadline: PipelineDuration?) throws(PlanningError) -> PlanAgent {
        let decl = checked.decl
        guard let kind = decl.kind?.value else { throw .incompleteAgent(name: checked.name, missing: "`type`") }
        let retry = decl.retry.map {
            PlanRetry(
                attempts: $0.attempts, backoffMicroseconds: $0.backoff.microseconds,
                maxBackoffMicroseconds: $0.maxBackoff.microseconds, jitter: $0.jitter)
        } ?? PlanRetry(
            attempts: 1, backoffMicroseconds: RetryDecl.defaultBackoff.microseconds,
            maxBackoffMicroseconds: RetryDecl.defaultMaxBackoff.microseconds, jitter: true)

        let fallback: PlanFallback =
            switch decl.fallback?.value {
            case nil, .skip?: .skip
            case .cache?: .cache
            case .fail?: .fail
            case .value(let defaults)?: .defaults(defaults.mapValues { ExpressionLowering.lower($0.value) })
            }
        var cache = decl.cache.map {
            PlanCache(key: $0.key.map(ExpressionLowering.lower), ttlMicroseconds: $0.ttl.value.microseconds)
        }
        if cache == nil, fallback == .cache {
            cache = PlanCache(key: nil, ttlMicroseconds: defaultCacheTTL.microseconds)
        }

        var settings = decl.settings.mapValues(\.value)
        // A function agent calls the function named like itself unless it says otherwise.
        if kind == .function, settings["function"] == nil { settings["function"] = checked.name }

        var http: PlanHTTP?
        if let declared = decl.http {
            guard let url = declared.url else { throw .incompleteAgent(name: checked.name, missing: "`url`") }
            http = PlanHTTP(
                url: ExpressionLowering.lower(url),
                method: declared.effectiveMethod,
                headers: declared.headers.map { PlanHeader(name: $0.name.value, value: ExpressionLowering.lower($0.value)) },
                body: declared.body?.value ?? "json",
                idempotent: declared.isIdempotent,
                allowHosts: declared.allowHosts.map(\.value))
        }

        let outputs = decl.outputs.map { output -> PlanOutput in
            let type = checked.outputTypes[output.name.value]?.description ?? "json"
            switch output.source {
            case .resultPath(let path):
                return PlanOutput(name: output.name.value, path: path.value.split(separator: ".").map(String.init), expression: nil, type: type)
            case .expression(let expression):
                return PlanOutput(name: output.name.value, path: nil, expression: ExpressionLowering.lower(expression), type: type)
            }
        }

        return PlanAgent(
            name: checked.name,
            kind: kind.rawValue,
            inputs: decl.inputs.map { PlanInput(name: $0.name.value, value: ExpressionLowering.lower($0.value)) },
            outputs: outputs,
            emit: decl.emits,
            when: decl.when.map(ExpressionLowering.lower),
            dependencies: [],
            timeoutMicroseconds: TimingAnalysis.effectiveTimeout(decl, deadline: deadline).microseconds,
            retry: retry,
            fallback: fallback,
            cache: cache,
            rateLimit: decl.rateLimit.map { PlanRateLimit(count: $0.value.count, perSeconds: $0.value.per.seconds) },
            concurrency: decl.concurrency?.value ?? defaultConcurrency,
            settings: settings,
            command: decl.command?.map(\.value),
            http: http,
            after: decl.after.map(\.value),
            circuitBreaker: circuitBreaker(decl, kind: kind),
            environment: decl.environment.map { variables in
                variables.reduce(into: [:]) { result, variable in result[variable.name.value] = variable.value.value }
            })
    }

    /// The agent's circuit breaker as written, or the default for `http` agents.
    private static func circuitBreaker(_ decl: AgentDecl, kind: AgentKind) -> PlanCircuitBreaker? {
        guard let written = decl.circuitBreaker else {
            guard kind == .http else { return nil }
            return PlanCircuitBreaker(
                failures: CircuitBreakerDecl.defaultFailures, window: CircuitBreakerDecl.defaultWindow,
                cooldownMicroseconds: CircuitBreakerDecl.defaultCooldown.microseconds)
        }
        guard written.enabled else { return nil }
        return PlanCircuitBreaker(
            failures: written.failures, failureRatio: written.ratio, window: written.window, cooldownMicroseconds: written.cooldown.microseconds)
    }

    private static func lower(_ endpoint: EndpointDecl) -> PlanEndpoint {
        PlanEndpoint(type: endpoint.type.value, settings: endpoint.settings.mapValues(\.value))
    }
}

extension RateLimit.Per {
    /// The length of the period in seconds.
    fileprivate var seconds: Int {
        switch self {
        case .second: 1
        case .minute: 60
        case .hour: 3600
        }
    }
}
