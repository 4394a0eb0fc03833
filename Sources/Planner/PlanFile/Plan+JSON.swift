/// The plan body in plan files: field names as in the Swift model, durations in microseconds.
extension Plan {
    /// Everything but the header (format, version, compiler, source).
    var bodyJSON: PlanJSON {
        .object([
            "pipeline": .string(pipeline),
            "deadlineMicroseconds": deadlineMicroseconds.map(PlanJSON.int),
            "eventFields": eventFields.map { .array($0.map { .object(["name": .string($0.name), "type": .string($0.type)]) }) },
            "dedup": dedup.map { .object(["key": $0.key.json, "windowMicroseconds": .int($0.windowMicroseconds)]) },
            "agents": .array(agents.map(\.json)),
            "specializations": .array(specializations.map(\.json)),
            "criticalPath": .object([
                "agents": .array(criticalPath.agents.map(PlanJSON.string)),
                "totalMicroseconds": .int(criticalPath.totalMicroseconds),
            ]),
            "passes": .array(passes.map { .object(["pass": .string($0.pass), "changes": .array($0.changes.map(PlanJSON.string))]) }),
            "sourceEndpoint": sourceEndpoint.map(\.json),
            "sinkEndpoint": sinkEndpoint.map(\.json),
        ])
    }

    init(header: PlanFile.Header, body: PlanJSONCursor) throws(PlanFileError) {
        var eventFields: [PlanEventField]?
        if let fields = body.optionalField("eventFields") {
            eventFields = []
            for field in try fields.array() {
                eventFields?.append(PlanEventField(name: try field.field("name").string(), type: try field.field("type").string()))
            }
        }
        var dedup: PlanDedup?
        if let block = body.optionalField("dedup") {
            dedup = PlanDedup(key: try PlanExpression(json: block.field("key")), windowMicroseconds: try block.field("windowMicroseconds").int())
        }
        var agents: [PlanAgent] = []
        for agent in try body.field("agents").array() { agents.append(try PlanAgent(json: agent)) }
        var specializations: [PlanSpecialization] = []
        for item in try body.field("specializations").array() { specializations.append(try PlanSpecialization(json: item, agentCount: agents.count)) }
        let path = try body.field("criticalPath")
        var passes: [PlanPassReport] = []
        for report in try body.field("passes").array() {
            passes.append(PlanPassReport(pass: try report.field("pass").string(), changes: try report.field("changes").strings()))
        }
        self.init(
            compiler: header.compiler,
            source: header.source,
            pipeline: try body.field("pipeline").string(),
            deadlineMicroseconds: try body.optionalField("deadlineMicroseconds")?.int(),
            eventFields: eventFields,
            dedup: dedup,
            agents: agents,
            specializations: specializations,
            criticalPath: PlanCriticalPath(agents: try path.field("agents").strings(), totalMicroseconds: try path.field("totalMicroseconds").int()),
            passes: passes,
            sourceEndpoint: try body.optionalField("sourceEndpoint").map { cursor throws(PlanFileError) in try PlanEndpoint(json: cursor) },
            sinkEndpoint: try body.optionalField("sinkEndpoint").map { cursor throws(PlanFileError) in try PlanEndpoint(json: cursor) })
        self.version = header.version
        for (index, agent) in agents.enumerated() {
            for (position, dependency) in agent.dependencies.enumerated() where dependency < 0 || dependency >= index {
                throw .invalidValue(
                    path: "\(body.path).agents[\(index)].dependencies[\(position)]",
                    expected: "the index of an earlier agent (below \(index))", found: "\(dependency)")
            }
        }
    }
}

extension PlanAgent {
    var json: PlanJSON {
        .object([
            "name": .string(name),
            "kind": .string(kind),
            "inputs": .array(inputs.map { .object(["name": .string($0.name), "value": $0.value.json]) }),
            "outputs": .array(outputs.map(\.json)),
            "emit": .bool(emit),
            "when": when?.json,
            "after": .array(after.map(PlanJSON.string)),
            "dependencies": .array(dependencies.map { .int(Int64($0)) }),
            "timeoutMicroseconds": .int(timeoutMicroseconds),
            "retry": .object([
                "attempts": .int(Int64(retry.attempts)),
                "backoffMicroseconds": .int(retry.backoffMicroseconds),
                "maxBackoffMicroseconds": .int(retry.maxBackoffMicroseconds),
                "jitter": .bool(retry.jitter),
            ]),
            "fallback": fallback.json,
            "cache": cache.map { .object(["key": $0.key?.json, "ttlMicroseconds": .int($0.ttlMicroseconds)]) },
            "rateLimit": rateLimit.map { .object(["count": .int(Int64($0.count)), "perSeconds": .int(Int64($0.perSeconds))]) },
            "concurrency": .int(Int64(concurrency)),
            "circuitBreaker": circuitBreaker.map(\.json),
            "settings": .object(settings.mapValues(PlanJSON.string)),
            "command": command.map { .array($0.map(PlanJSON.string)) },
            "environment": environment.map { .object($0.mapValues(PlanJSON.string)) },
            "http": http.map(\.json),
            "timing": .object([
                "worstCaseMicroseconds": .int(timing.worstCaseMicroseconds),
                "earliestStartMicroseconds": .int(timing.earliestStartMicroseconds),
                "latestStartMicroseconds": .int(timing.latestStartMicroseconds),
                "slackMicroseconds": .int(timing.slackMicroseconds),
                "critical": .bool(timing.critical),
            ]),
            "stage": .int(Int64(stage)),
            "mergedFrom": .array(mergedFrom.map(PlanJSON.string)),
        ])
    }

    init(json cursor: PlanJSONCursor) throws(PlanFileError) {
        var inputs: [PlanInput] = []
        for input in try cursor.field("inputs").array() {
            inputs.append(PlanInput(name: try input.field("name").string(), value: try PlanExpression(json: input.field("value"))))
        }
        var outputs: [PlanOutput] = []
        for output in try cursor.field("outputs").array() { outputs.append(try PlanOutput(json: output)) }
        let retry = try cursor.field("retry")
        var cache: PlanCache?
        if let block = cursor.optionalField("cache") {
            cache = PlanCache(
                key: try block.optionalField("key").map { key throws(PlanFileError) in try PlanExpression(json: key) },
                ttlMicroseconds: try block.field("ttlMicroseconds").int())
        }
        var rateLimit: PlanRateLimit?
        if let block = cursor.optionalField("rateLimit") {
            rateLimit = PlanRateLimit(count: try block.field("count").count(minimum: 1), perSeconds: try block.field("perSeconds").count(minimum: 1))
        }
        var settings: [String: String] = [:]
        for (key, value) in try cursor.field("settings").members() { settings[key] = try value.string() }
        var environment: [String: String]?
        if let block = cursor.optionalField("environment") {
            var variables: [String: String] = [:]
            for (key, value) in try block.members() { variables[key] = try value.string() }
            environment = variables
        }
        var dependencies: [Int] = []
        for item in try cursor.field("dependencies").array() { dependencies.append(try item.count()) }
        let timing = try cursor.field("timing")
        var planTiming = PlanTiming()
        planTiming.worstCaseMicroseconds = try timing.field("worstCaseMicroseconds").int()
        planTiming.earliestStartMicroseconds = try timing.field("earliestStartMicroseconds").int()
        planTiming.latestStartMicroseconds = try timing.field("latestStartMicroseconds").int()
        planTiming.slackMicroseconds = try timing.field("slackMicroseconds").int()
        planTiming.critical = try timing.field("critical").bool()

        self.init(
            name: try cursor.field("name").string(),
            kind: try cursor.field("kind").string(),
            inputs: inputs,
            outputs: outputs,
            emit: try cursor.field("emit").bool(),
            when: try cursor.optionalField("when").map { when throws(PlanFileError) in try PlanExpression(json: when) },
            dependencies: dependencies,
            timeoutMicroseconds: try cursor.field("timeoutMicroseconds").int(),
            retry: PlanRetry(
                attempts: try retry.field("attempts").count(minimum: 1),
                backoffMicroseconds: try retry.field("backoffMicroseconds").int(),
                maxBackoffMicroseconds: try retry.field("maxBackoffMicroseconds").int(),
                jitter: try retry.field("jitter").bool()),
            fallback: try PlanFallback(json: cursor.field("fallback")),
            cache: cache,
            rateLimit: rateLimit,
            concurrency: try cursor.field("concurrency").count(minimum: 1),
            settings: settings,
            command: try cursor.optionalField("command")?.strings(),
            http: try cursor.optionalField("http").map { http throws(PlanFileError) in try PlanHTTP(json: http) },
            timing: planTiming,
            stage: try cursor.field("stage").count(),
            mergedFrom: try cursor.field("mergedFrom").strings(),
            after: try cursor.field("after").strings(),
            circuitBreaker: try cursor.optionalField("circuitBreaker").map { block throws(PlanFileError) in try PlanCircuitBreaker(json: block) },
            environment: environment)
    }
}

extension PlanCircuitBreaker {
    var json: PlanJSON {
        .object([
            "failures": .int(Int64(failures)),
            "failureRatio": failureRatio.map(PlanJSON.float),
            "window": .int(Int64(window)),
            "cooldownMicroseconds": .int(cooldownMicroseconds),
        ])
    }

    init(json cursor: PlanJSONCursor) throws(PlanFileError) {
        var ratio: Double?
        if let field = cursor.optionalField("failureRatio") {
            let value: Double
            switch field.value {
            case .float(let number): value = number
            case .int(let number): value = Double(number)
            default: throw field.mismatch("a number")
            }
            guard value > 0, value <= 1 else { throw field.mismatch("a share above 0 and at most 1") }
            ratio = value
        }
        let cooldown = try cursor.field("cooldownMicroseconds").int()
        guard cooldown > 0 else { throw try cursor.field("cooldownMicroseconds").mismatch("a cooldown above 0") }
        self.init(
            failures: try cursor.field("failures").count(minimum: 1), failureRatio: ratio, window: try cursor.field("window").count(minimum: 2),
            cooldownMicroseconds: cooldown)
    }
}

extension PlanOutput {
    var json: PlanJSON {
        .object([
            "name": .string(name),
            "path": path.map { .array($0.map(PlanJSON.string)) },
            "expression": expression?.json,
            "type": .string(type),
        ])
    }

    init(json cursor: PlanJSONCursor) throws(PlanFileError) {
        let path = try cursor.optionalField("path")?.strings()
        let expression = try cursor.optionalField("expression").map { value throws(PlanFileError) in try PlanExpression(json: value) }
        // Exactly one source: a result path or an expression.
        if path == nil, expression == nil { throw .missingField(path: cursor.path + ".path") }
        self.init(name: try cursor.field("name").string(), path: path, expression: expression, type: try cursor.field("type").string())
    }
}

extension PlanFallback {
    /// `"cache"`, `"skip"`, `"fail"` or `{"default": {"field": literal}}`.
    var json: PlanJSON {
        switch self {
        case .cache: .string("cache")
        case .skip: .string("skip")
        case .fail: .string("fail")
        case .defaults(let values): .object(["default": .object(values.mapValues(\.json))])
        }
    }

    init(json cursor: PlanJSONCursor) throws(PlanFileError) {
        switch cursor.value {
        case .string("cache"): self = .cache
        case .string("skip"): self = .skip
        case .string("fail"): self = .fail
        case .object:
            var values: [String: PlanLiteral] = [:]
            for (field, literal) in try cursor.field("default").members() { values[field] = try PlanLiteral(json: literal) }
            self = .defaults(values)
        default:
            throw cursor.mismatch("`cache`, `skip`, `fail` or {\"default\": {...}}")
        }
    }
}

extension PlanHTTP {
    var json: PlanJSON {
        .object([
            "url": url.json,
            "method": .string(method),
            "headers": .array(headers.map { .object(["name": .string($0.name), "value": $0.value.json]) }),
            "body": .string(body),
            "idempotent": .bool(idempotent),
            "allowHosts": .array(allowHosts.map(PlanJSON.string)),
        ])
    }

    init(json cursor: PlanJSONCursor) throws(PlanFileError) {
        var headers: [PlanHeader] = []
        for header in try cursor.field("headers").array() {
            headers.append(PlanHeader(name: try header.field("name").string(), value: try PlanExpression(json: header.field("value"))))
        }
        self.init(
            url: try PlanExpression(json: cursor.field("url")),
            method: try cursor.field("method").string(),
            headers: headers,
            body: try cursor.field("body").string(),
            idempotent: try cursor.field("idempotent").bool(),
            allowHosts: try cursor.field("allowHosts").strings())
    }
}

extension PlanSpecialization {
    var json: PlanJSON {
        .object([
            "eventType": eventType.map(PlanJSON.string),
            "agents": .array(agents.map { .int(Int64($0)) }),
            "guards": .object(Dictionary(uniqueKeysWithValues: guards.map { (String($0.key), $0.value.json) })),
            "rewiredDependencies": .object(
                Dictionary(uniqueKeysWithValues: rewiredDependencies.map { (String($0.key), .array($0.value.map { .int(Int64($0)) })) })),
        ])
    }

    init(json cursor: PlanJSONCursor, agentCount: Int) throws(PlanFileError) {
        func index(_ item: PlanJSONCursor) throws(PlanFileError) -> Int {
            let value = try item.count()
            guard value < agentCount else { throw item.mismatch("an agent index below \(agentCount)") }
            return value
        }
        func key(_ text: String, at path: String) throws(PlanFileError) -> Int {
            guard let value = Int(text), value >= 0, value < agentCount else {
                throw .invalidValue(path: path, expected: "an agent index below \(agentCount) as key", found: "`\(text)`")
            }
            return value
        }
        var agents: [Int] = []
        for item in try cursor.field("agents").array() { agents.append(try index(item)) }
        var guards: [Int: PlanExpression] = [:]
        for (text, value) in try cursor.field("guards").members() { guards[try key(text, at: value.path)] = try PlanExpression(json: value) }
        var rewired: [Int: [Int]] = [:]
        for (text, value) in try cursor.field("rewiredDependencies").members() {
            var list: [Int] = []
            for item in try value.array() { list.append(try index(item)) }
            rewired[try key(text, at: value.path)] = list
        }
        self.init(eventType: try cursor.optionalField("eventType")?.string(), agents: agents, guards: guards, rewiredDependencies: rewired)
    }
}

extension PlanEndpoint {
    var json: PlanJSON { .object(["type": .string(type), "settings": .object(settings.mapValues(PlanJSON.string))]) }

    init(json cursor: PlanJSONCursor) throws(PlanFileError) {
        var settings: [String: String] = [:]
        for (key, value) in try cursor.field("settings").members() { settings[key] = try value.string() }
        self.init(type: try cursor.field("type").string(), settings: settings)
    }
}
