import Diagnostics
import YAMLSource

/// Turns the YAML tree of a pipeline file into a ``PipelineAST``, checking its shape.
///
/// Reports unknown and missing keys, wrongly typed values, bad durations and invalid
/// values, unknown agent and value types, and expression syntax errors. It never stops
/// at the first problem: a malformed value is left out and the walk goes on.
public struct PipelineASTBuilder {
    private let file: SourceFile
    private var diagnostics: DiagnosticCollector

    private init(file: SourceFile) {
        self.file = file
        self.diagnostics = DiagnosticCollector()
    }

    public static func build(_ root: YAMLNode, file: SourceFile, diagnostics: inout DiagnosticCollector) -> PipelineAST {
        var builder = PipelineASTBuilder(file: file)
        let ast = builder.buildPipeline(root)
        diagnostics.emit(contentsOf: builder.diagnostics.diagnostics)
        return ast
    }

    // MARK: Top level

    private mutating func buildPipeline(_ root: YAMLNode) -> PipelineAST {
        var ast = PipelineAST(file: file)
        guard let pairs = mapping(root, "a pipeline file", help: "a pipeline file is a mapping with at least `agents:`") else { return ast }
        var sawAgents = false
        for pair in pairs {
            let value = pair.value
            switch pair.keyText {
            case "pipeline":
                if let name = string(value, "`pipeline`") {
                    ast.name = name
                    checkIdentifier(name, what: "pipeline name")
                }
            case "version":
                ast.version = string(value, "`version`")
            case "description":
                ast.description = string(value, "`description`")?.value
            case "deadline":
                ast.deadline = duration(value, "`deadline`")
            case "event":
                ast.event = eventSchema(value)
            case "dedup":
                ast.dedup = dedup(value)
            case "agents":
                sawAgents = true
                ast.agents = agents(value)
                if value.sequence?.isEmpty == true {
                    diagnostics.emit(Diagnostic(.missingKey, "`agents` is empty: a pipeline needs at least one agent", at: value.range.start == value.range.end ? pair.key.range : value.range))
                }
            case "source":
                ast.source = endpoint(value, what: "source", types: PipelineVocabulary.sourceTypes, keys: PipelineVocabulary.sourceKeys)
            case "sink":
                ast.sink = endpoint(value, what: "sink", types: PipelineVocabulary.sinkTypes, keys: PipelineVocabulary.sinkKeys)
            default:
                unknownKey(pair, allowed: PipelineVocabulary.topLevelKeys, context: "at the top level of a pipeline file")
            }
        }
        if !sawAgents {
            diagnostics.emit(Diagnostic(
                .missingKey, "pipeline file has no `agents:` list",
                at: file.range(from: root.range.start.offset, to: root.range.start.offset),
                help: ["add `agents:` with at least one agent, for example:\n    agents:\n    - name: normalise\n      type: expr\n      output:\n        email: lower(event.email)"]))
        }
        return ast
    }

    private mutating func eventSchema(_ node: YAMLNode) -> [EventFieldDecl]? {
        guard let pairs = mapping(node, "`event`", help: "write each event field and its type, e.g. `user_id: string`") else { return nil }
        var fields: [EventFieldDecl] = []
        for pair in pairs {
            let name = Located(pair.keyText, at: pair.key.range)
            var typeNode = pair.value
            if let inner = pair.value.mapping {
                var found: YAMLNode?
                for field in inner {
                    switch field.keyText {
                    case "type": found = field.value
                    case "description": _ = string(field.value, "`description`")
                    default: unknownKey(field, allowed: ["type", "description"], context: "in an event field")
                    }
                }
                guard let found else {
                    diagnostics.emit(Diagnostic(.missingKey, "event field `\(name.value)` has no `type`", at: pair.value.range))
                    continue
                }
                typeNode = found
            }
            // A field with a misspelt type still exists: type it `json` to avoid follow-on errors.
            let type = valueType(typeNode) ?? Located(.json, at: typeNode.range)
            fields.append(EventFieldDecl(name: name, type: type))
        }
        return fields
    }

    private mutating func valueType(_ node: YAMLNode) -> Located<ValueType>? {
        guard let text = string(node, "a type") else { return nil }
        if let type = ValueType(declared: text.value.trimmingSpaces) { return Located(type, at: text.range) }
        let bare = text.value.hasSuffix("?") ? String(text.value.dropLast()) : text.value
        var help: [String] = []
        var fixIts: [FixIt] = []
        if let suggestion = DidYouMean.suggestion(for: bare, among: ValueType.declarableNames + ["integer", "boolean", "number", "str"]) {
            let mapped = ["integer": "int", "boolean": "bool", "number": "float", "str": "string"][suggestion] ?? suggestion
            let replacement = mapped + (text.value.hasSuffix("?") ? "?" : "")
            help.append("did you mean `\(replacement)`?")
            fixIts.append(FixIt("use `\(replacement)`", replacing: text.range, with: replacement))
        }
        let aliases = ["integer": "int", "boolean": "bool", "number": "float", "str": "string", "double": "float", "object": "json", "map": "json", "any": "json", "datetime": "timestamp"]
        if help.isEmpty, let mapped = aliases[bare.lowercased()] {
            help.append("did you mean `\(mapped)`?")
            fixIts.append(FixIt("use `\(mapped)`", replacing: text.range, with: mapped))
        }
        help.append("types are \(ValueType.declarableNames.map { "`\($0)`" }.joined(separator: ", ")), and `T?` for optional")
        diagnostics.emit(Diagnostic(.unknownTypeName, "unknown type `\(text.value)`", at: text.range, help: help, fixIts: fixIts))
        return nil
    }

    private mutating func dedup(_ node: YAMLNode) -> DedupDecl? {
        guard let pairs = mapping(node, "`dedup`", help: "write `dedup: {key: event.id, window: 10m}`") else { return nil }
        var key: Expression?
        var window: Located<PipelineDuration>?
        for pair in pairs {
            switch pair.keyText {
            case "key": key = expression(pair.value)
            case "window": window = duration(pair.value, "`window`")
            default: unknownKey(pair, allowed: PipelineVocabulary.dedupKeys, context: "in `dedup`")
            }
        }
        requireKeys(["key", "window"], in: pairs, of: node, what: "`dedup`")
        guard let key, let window else { return nil }
        return DedupDecl(key: key, window: window)
    }

    private mutating func endpoint(_ node: YAMLNode, what: String, types: [String], keys: [String]) -> EndpointDecl? {
        guard let pairs = mapping(node, "`\(what)`", help: "write `\(what): {type: \(types[0])}`") else { return nil }
        var type: Located<String>?
        var settings: [String: Located<String>] = [:]
        for pair in pairs {
            guard keys.contains(pair.keyText) else {
                unknownKey(pair, allowed: keys, context: "in `\(what)`")
                continue
            }
            if pair.keyText == "headers" {
                _ = mapping(pair.value, "`headers`", help: "write header names and values as a mapping")
                continue
            }
            guard let value = string(pair.value, "`\(pair.keyText)`") else { continue }
            if pair.keyText == "type" {
                if types.contains(value.value) {
                    type = value
                } else {
                    invalid(value, "`\(value.value)` is not a \(what) type", choices: types)
                }
            } else {
                settings[pair.keyText] = value
            }
        }
        requireKeys(["type"], in: pairs, of: node, what: "`\(what)`")
        guard let type else { return nil }
        return EndpointDecl(type: type, settings: settings)
    }

    // MARK: Agents

    private mutating func agents(_ node: YAMLNode) -> [AgentDecl] {
        guard let items = node.sequence else {
            diagnostics.emit(Diagnostic(
                .wrongValueType, "`agents` must be a list, found \(node.kindDescription)", at: node.range,
                help: ["start each agent with `- name: ...` on its own line"]))
            return []
        }
        var result: [AgentDecl] = []
        result.reserveCapacity(items.count)
        for item in items {
            if let agent = agent(item) { result.append(agent) }
        }
        return result
    }

    private mutating func agent(_ node: YAMLNode) -> AgentDecl? {
        guard let pairs = mapping(node, "an agent", help: "an agent is a mapping with at least `name` and `type`") else { return nil }
        let byKey = PairLookup(pairs: pairs)

        var name: Located<String>?
        if let pair = byKey["name"], let value = string(pair.value, "`name`") {
            checkIdentifier(value, what: "agent name")
            name = value
        }
        var kind: Located<AgentKind>?
        if let pair = byKey["type"], let value = string(pair.value, "`type`") {
            if let known = AgentKind(rawValue: value.value) {
                kind = Located(known, at: value.range)
            } else {
                let names = AgentKind.allCases.map(\.rawValue)
                var help: [String] = []
                var fixIts: [FixIt] = []
                if let suggestion = DidYouMean.suggestion(for: value.value, among: names) {
                    help.append("did you mean `\(suggestion)`?")
                    fixIts.append(FixIt("use `\(suggestion)`", replacing: value.range, with: suggestion))
                }
                help.append("agent types are \(names.map { "`\($0)`" }.joined(separator: ", "))")
                diagnostics.emit(Diagnostic(.unknownAgentType, "unknown agent type `\(value.value)`", at: value.range, help: help, fixIts: fixIts))
            }
        }
        let missing = ["name", "type"].filter { byKey[$0] == nil }
        if !missing.isEmpty {
            let label = name.map { "agent `\($0.value)`" } ?? "this agent"
            diagnostics.emit(Diagnostic(
                .missingKey, "\(label) has no \(missing.map { "`\($0)`" }.joined(separator: " and "))",
                at: file.range(from: node.range.start.offset, to: lineEnd(of: node.range.start.offset)),
                help: missing.contains("type") ? ["add `type:` with one of \(AgentKind.allCases.map(\.rawValue).joined(separator: ", "))"] : ["add `name:` with a unique identifier"]))
        }
        var agent = AgentDecl(name: name ?? Located("", at: node.range), range: node.range)
        let specific = kind.map { PipelineVocabulary.specificKeys(of: $0.value) }
        let allowed = PipelineVocabulary.commonAgentKeys + (specific?.all ?? [])
        var http = HTTPSettings()
        for pair in pairs {
            let key = pair.keyText
            let value = pair.value
            switch key {
            case "name", "type": continue
            case "description": agent.description = string(value, "`description`")?.value
            case "input": agent.inputs = inputs(value)
            case "output": agent.outputs = outputs(value, isExpr: kind?.value == .expr)
            case "emit": agent.emit = bool(value, "`emit`")
            case "when": agent.when = expression(value)
            case "after": agent.after = stringList(value, "`after`")
            case "timeout": agent.timeout = duration(value, "`timeout`")
            case "retry": agent.retry = retry(value)
            case "fallback": agent.fallback = fallback(value)
            case "cache": agent.cache = cache(value)
            case "rate_limit": agent.rateLimit = rateLimit(value)
            case "concurrency": agent.concurrency = integer(value, "`concurrency`", minimum: 1)
            case "circuit_breaker":
                if kind?.value == .expr {
                    diagnostics.emit(Diagnostic(
                        .invalidValue, "`expr` agents make no calls, so `circuit_breaker` has nothing to guard", at: pair.key.range,
                        help: ["remove `circuit_breaker`"]))
                    continue
                }
                agent.circuitBreaker = circuitBreaker(value)
            default:
                guard let specific, specific.all.contains(key) else {
                    if kind == nil, byKey["type"] != nil { continue }  // unknown type: already reported
                    let owners = PipelineVocabulary.kinds(owning: key)
                    if let kind, !owners.isEmpty {
                        diagnostics.emit(Diagnostic(
                            .unknownKey, "`\(key)` is not a key of `\(kind.value.rawValue)` agents",
                            at: pair.key.range,
                            notes: [DiagnosticNote("`\(key)` belongs to \(owners.map { "`\($0.rawValue)`" }.joined(separator: ", ")) agents; this agent's type is set here", at: kind.range)],
                            help: ["remove it, or change the agent's `type`"]))
                    } else {
                        unknownKey(pair, allowed: allowed, context: kind.map { "in \([.http, .expr].contains($0.value) ? "an" : "a") `\($0.value.rawValue)` agent" } ?? "in an agent")
                    }
                    continue
                }
                specificSetting(key, value, agent: &agent, http: &http)
            }
        }
        if let kind {
            let absent = PipelineVocabulary.specificKeys(of: kind.value).required.filter { byKey[$0] == nil }
            for key in absent {
                diagnostics.emit(Diagnostic(
                    .missingKey, "`\(kind.value.rawValue)` agent `\(agent.name.value)` has no `\(key)`",
                    at: kind.range,
                    help: [Self.requiredKeyHelp[key] ?? "add `\(key):`"]))
            }
            if let input = PipelineVocabulary.requiredInput(of: kind.value), byKey["type"] != nil,
                !agent.inputs.contains(where: { $0.name.value == input }), byKey["input"].map({ $0.value.mapping != nil }) ?? true
            {
                diagnostics.emit(Diagnostic(
                    .missingKey, "`\(kind.value.rawValue)` agent `\(agent.name.value)` has no input `\(input)`",
                    at: byKey["input"]?.key.range ?? kind.range,
                    help: ["add it under `input:`, e.g. `\(input): \(PipelineVocabulary.requiredInputExample(of: kind.value))`"]))
            }
            agent.kind = kind
            if kind.value == .http { agent.http = http }
        }
        return agent
    }

    private static let requiredKeyHelp = [
        "url": "add `url:`, e.g. `url: \"https://api.example.com/users/{event.user_id}\"`",
        "table": "add `table:` with the path of a CSV or SQLite file",
        "key": "add `key:` naming the column to look up",
        "database": "add `database:` with the path of an IP-range CSV file",
        "command": "add `command:` as a list, e.g. `[python3, sidecar.py]`",
        "model": "add `model:` naming the model, e.g. a HuggingFace id or local path",
    ]

    private mutating func specificSetting(_ key: String, _ value: YAMLNode, agent: inout AgentDecl, http: inout HTTPSettings) {
        switch key {
        case "url":
            http.url = interpolation(value)
            http.urlRange = value.range
        case "method":
            guard let method = string(value, "`method`") else { return }
            if PipelineVocabulary.httpMethods.contains(method.value.uppercased()) {
                http.method = Located(method.value.uppercased(), at: method.range)
            } else {
                invalid(method, "`\(method.value)` is not an HTTP method", choices: PipelineVocabulary.httpMethods)
            }
        case "headers":
            guard let pairs = mapping(value, "`headers`", help: "write `headers: {Authorization: \"Bearer {env.TOKEN}\"}`") else { return }
            for pair in pairs {
                if let expression = interpolation(pair.value) {
                    http.headers.append((Located(pair.keyText, at: pair.key.range), expression))
                }
            }
        case "body":
            guard let body = string(value, "`body`") else { return }
            if ["json", "none"].contains(body.value) { http.body = body } else { invalid(body, "`body` must be `json` or `none`", choices: ["json", "none"]) }
        case "idempotent": http.idempotent = bool(value, "`idempotent`")
        case "allow_hosts": http.allowHosts = stringList(value, "`allow_hosts`")
        case "command":
            if let items = value.sequence {
                agent.command = items.compactMap { string($0, "a command word") }
            } else if let single = string(value, "`command`") {
                agent.command = [single]
            }
        case "env":
            guard let pairs = mapping(value, "`env`", help: "write environment variables as a mapping") else { return }
            agent.environment = pairs.compactMap { pair in
                string(pair.value, "an environment value").map { (Located(pair.keyText, at: pair.key.range), $0) }
            }
        default:
            if let text = string(value, "`\(key)`") { agent.settings[key] = text }
        }
    }

    private mutating func inputs(_ node: YAMLNode) -> [InputDecl] {
        guard let pairs = mapping(node, "`input`", help: "write each input as `name: expression`, e.g. `user_id: event.user_id`") else { return [] }
        return pairs.compactMap { pair in
            guard let value = expression(pair.value) else { return nil }
            return InputDecl(name: Located(pair.keyText, at: pair.key.range), value: value)
        }
    }

    private mutating func outputs(_ node: YAMLNode, isExpr: Bool) -> [OutputDecl] {
        guard let pairs = mapping(node, "`output`", help: isExpr ? "write each output as `field: expression`" : "write each output as `field: path.in.result`") else { return [] }
        var result: [OutputDecl] = []
        for pair in pairs {
            let name = Located(pair.keyText, at: pair.key.range)
            checkIdentifier(name, what: "output field name")
            if isExpr {
                if let value = expression(pair.value) { result.append(OutputDecl(name: name, source: .expression(value))) }
                continue
            }
            var pathNode = pair.value
            var declaredType: Located<ValueType>?
            if let long = pair.value.mapping {
                var found: YAMLNode?
                for field in long {
                    switch field.keyText {
                    case "path": found = field.value
                    case "type": declaredType = valueType(field.value)
                    default: unknownKey(field, allowed: ["path", "type"], context: "in an output")
                    }
                }
                guard let found else {
                    diagnostics.emit(Diagnostic(.missingKey, "output `\(name.value)` has no `path`", at: pair.value.range))
                    continue
                }
                pathNode = found
            }
            guard let path = string(pathNode, "an output path") else { continue }
            let valid: Bool
            if let plain = Self.plainPathIsValid(path.value) {
                valid = plain
            } else {
                let segments = path.value.split(separator: ".", omittingEmptySubsequences: false)
                valid = !segments.isEmpty && segments.allSatisfy { segment in
                    !segment.isEmpty && (Self.isPlainPathSegment(segment) || segment.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
                }
            }
            if !valid {
                diagnostics.emit(Diagnostic(
                    .invalidValue, "`\(path.value)` is not a result path", at: path.range,
                    help: ["a result path is field names separated by dots, e.g. `data.segment` or `items.0.id`"]))
                continue
            }
            result.append(OutputDecl(name: name, source: .resultPath(path), declaredType: declaredType))
        }
        return result
    }

    /// Whether `path` is a valid result path, when it is written in ASCII letters, digits,
    /// `_`, `-` and `.` only (the common case, decided in one pass over the bytes: valid
    /// unless a segment is empty); nil for any other text, which takes the general rule.
    private static func plainPathIsValid(_ path: String) -> Bool? {
        var previousIsDot = true  // an empty first segment is as bad as `..`
        for byte in path.utf8 {
            if byte == UInt8(ascii: ".") {
                if previousIsDot { return false }
                previousIsDot = true
                continue
            }
            guard (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D else {
                return nil
            }
            previousIsDot = false
        }
        return !previousIsDot
    }

    /// ASCII letters, digits, `_` and `-` only: the common case, checked without the
    /// Unicode character properties the general rule needs.
    private static func isPlainPathSegment(_ segment: Substring) -> Bool {
        segment.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D
        }
    }

    private mutating func retry(_ node: YAMLNode) -> RetryDecl? {
        if node.scalar != nil {
            guard let count = integer(node, "`retry`", minimum: 0) else { return nil }
            return RetryDecl(attempts: count.value + 1, backoff: RetryDecl.defaultBackoff, maxBackoff: RetryDecl.defaultMaxBackoff, jitter: true, range: node.range)
        }
        guard let pairs = mapping(node, "`retry`", help: "write `retry: 2` or `retry: {attempts: 3, backoff: 50ms}`") else { return nil }
        var decl = RetryDecl(attempts: 1, backoff: RetryDecl.defaultBackoff, maxBackoff: RetryDecl.defaultMaxBackoff, jitter: true, range: node.range)
        for pair in pairs {
            switch pair.keyText {
            case "attempts": if let value = integer(pair.value, "`attempts`", minimum: 1) { decl.attempts = value.value }
            case "backoff": if let value = duration(pair.value, "`backoff`") { decl.backoff = value.value }
            case "max_backoff": if let value = duration(pair.value, "`max_backoff`") { decl.maxBackoff = value.value }
            case "jitter": if let value = bool(pair.value, "`jitter`") { decl.jitter = value.value }
            default: unknownKey(pair, allowed: PipelineVocabulary.retryKeys, context: "in `retry`")
            }
        }
        requireKeys(["attempts"], in: pairs, of: node, what: "`retry`")
        return decl
    }

    private mutating func fallback(_ node: YAMLNode) -> Located<FallbackDecl>? {
        if let scalar = node.scalar {
            switch scalar.value {
            case "cache": return Located(.cache, at: node.range)
            case "skip": return Located(.skip, at: node.range)
            case "fail": return Located(.fail, at: node.range)
            default:
                invalid(Located(scalar.value, at: node.range), "`\(scalar.value)` is not a fallback", choices: PipelineVocabulary.fallbackWords + ["{default: {...}}"])
                return nil
            }
        }
        guard let pairs = mapping(node, "`fallback`", help: "write `fallback: cache`, `skip`, `fail` or `{default: {field: value}}`") else { return nil }
        var values: [String: Located<Literal>] = [:]
        for pair in pairs {
            guard pair.keyText == "default" else {
                unknownKey(pair, allowed: ["default"], context: "in `fallback`")
                continue
            }
            guard let fields = mapping(pair.value, "`default`", help: "write the default for each output field, e.g. `{default: {segment: unknown}}`") else { continue }
            for field in fields {
                guard let scalar = field.value.scalar else {
                    wrongType(field.value, expected: "a literal value", what: "a default value")
                    continue
                }
                values[field.keyText] = Located(Self.literal(scalar), at: field.value.range)
            }
        }
        requireKeys(["default"], in: pairs, of: node, what: "`fallback`")
        return Located(.value(values), at: node.range)
    }

    /// A YAML scalar read as data (core schema): quoted is a string, plain may be a number.
    static func literal(_ scalar: YAMLScalar) -> Literal {
        if scalar.isQuoted || scalar.style == .literal || scalar.style == .folded { return .string(scalar.value) }
        if scalar.isNull { return .null }
        switch scalar.value {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let int = Int64(scalar.value) { return .int(int) }
        if let double = Double(scalar.value), scalar.value.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .float(double) }
        return .string(scalar.value)
    }

    private mutating func cache(_ node: YAMLNode) -> CacheDecl? {
        guard let pairs = mapping(node, "`cache`", help: "write `cache: {ttl: 5m}` (and optionally `key:`)") else { return nil }
        var key: Expression?
        var ttl: Located<PipelineDuration>?
        for pair in pairs {
            switch pair.keyText {
            case "key": key = expression(pair.value)
            case "ttl": ttl = duration(pair.value, "`ttl`")
            default: unknownKey(pair, allowed: PipelineVocabulary.cacheKeys, context: "in `cache`")
            }
        }
        requireKeys(["ttl"], in: pairs, of: node, what: "`cache`")
        guard let ttl else { return nil }
        return CacheDecl(key: key, ttl: ttl, range: node.range)
    }

    private mutating func circuitBreaker(_ node: YAMLNode) -> CircuitBreakerDecl? {
        var decl = CircuitBreakerDecl(
            enabled: true, failures: CircuitBreakerDecl.defaultFailures, ratio: nil, window: CircuitBreakerDecl.defaultWindow,
            cooldown: CircuitBreakerDecl.defaultCooldown, range: node.range)
        if let scalar = node.scalar, scalar.style == .plain, ["off", "false"].contains(scalar.value) {
            decl.enabled = false
            return decl
        }
        guard let pairs = mapping(node, "`circuit_breaker`", help: "write `circuit_breaker: {failures: 5, cooldown: 10s}`, or `circuit_breaker: off`") else {
            return nil
        }
        var valid = true
        for pair in pairs {
            switch pair.keyText {
            case "failures":
                if let value = integer(pair.value, "`failures`", minimum: 1) { decl.failures = value.value } else { valid = false }
            case "window":
                if let value = integer(pair.value, "`window`", minimum: 2) { decl.window = value.value } else { valid = false }
            case "ratio":
                guard let scalar = pair.value.scalar, scalar.style == .plain, let ratio = Double(scalar.value), ratio.isFinite else {
                    wrongType(pair.value, expected: "a number between 0 and 1, e.g. `0.5`", what: "`ratio`")
                    valid = false
                    continue
                }
                guard ratio > 0, ratio <= 1 else {
                    diagnostics.emit(Diagnostic(
                        .invalidValue, "`ratio` must be more than 0 and at most 1, found \(scalar.value)", at: pair.value.range,
                        help: ["write the share of failed calls that opens the circuit, e.g. `0.5` for half"]))
                    valid = false
                    continue
                }
                decl.ratio = ratio
            case "cooldown":
                guard let value = duration(pair.value, "`cooldown`") else {
                    valid = false
                    continue
                }
                guard value.value.microseconds > 0 else {
                    diagnostics.emit(Diagnostic(
                        .invalidValue, "`cooldown` must be longer than 0", at: pair.value.range,
                        help: ["write how long calls stop once the circuit opens, e.g. `10s`"]))
                    valid = false
                    continue
                }
                decl.cooldown = value.value
            default:
                unknownKey(pair, allowed: PipelineVocabulary.circuitBreakerKeys, context: "in `circuit_breaker`")
            }
        }
        return valid ? decl : nil
    }

    private mutating func rateLimit(_ node: YAMLNode) -> Located<RateLimit>? {
        guard let text = string(node, "`rate_limit`") else { return nil }
        let parts = text.value.split(separator: "/")
        if parts.count == 2, let count = Int(parts[0].trimmingCharacters(in: " ")), count > 0,
            let per = RateLimit.Per(rawValue: parts[1].trimmingCharacters(in: " "))
        {
            return Located(RateLimit(count: count, per: per), at: text.range)
        }
        diagnostics.emit(Diagnostic(
            .invalidValue, "`\(text.value)` is not a rate limit", at: text.range,
            help: ["write a positive count per second, minute or hour: `100/s`, `600/m`, `10000/h`"]))
        return nil
    }

    // MARK: Values

    private mutating func mapping(_ node: YAMLNode, _ what: String, help: String) -> [YAMLPair]? {
        if let pairs = node.mapping { return pairs }
        diagnostics.emit(Diagnostic(.wrongValueType, "\(what) must be a mapping, found \(node.kindDescription)", at: node.range, help: [help]))
        return nil
    }

    private mutating func string(_ node: YAMLNode, _ what: String) -> Located<String>? {
        guard let scalar = node.scalar, !scalar.isNull || scalar.isQuoted else {
            wrongType(node, expected: "a text value", what: what)
            return nil
        }
        return Located(scalar.value, at: node.range)
    }

    private mutating func stringList(_ node: YAMLNode, _ what: String) -> [Located<String>] {
        if node.scalar != nil, let single = string(node, what) { return [single] }
        guard let items = node.sequence else {
            wrongType(node, expected: "a list", what: what)
            return []
        }
        return items.compactMap { string($0, "an item of \(what)") }
    }

    private mutating func bool(_ node: YAMLNode, _ what: String) -> Located<Bool>? {
        if let scalar = node.scalar, scalar.style == .plain, case .bool(let value) = Self.literal(scalar) {
            return Located(value, at: node.range)
        }
        wrongType(node, expected: "`true` or `false`", what: what)
        return nil
    }

    private mutating func integer(_ node: YAMLNode, _ what: String, minimum: Int) -> Located<Int>? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.value) else {
            wrongType(node, expected: "a whole number", what: what)
            return nil
        }
        guard value >= minimum else {
            diagnostics.emit(Diagnostic(.invalidValue, "\(what) must be at least \(minimum), found \(value)", at: node.range))
            return nil
        }
        return Located(value, at: node.range)
    }

    private mutating func duration(_ node: YAMLNode, _ what: String) -> Located<PipelineDuration>? {
        guard let scalar = node.scalar, !scalar.isNull else {
            wrongType(node, expected: "a duration such as `250ms`", what: what)
            return nil
        }
        let text = scalar.value
        switch PipelineDuration.parse(text) {
        case .success(let value):
            return Located(value, at: node.range)
        case .failure(let error):
            var help = ["write a whole number with a unit: `250ms`, `2s`, `1m30s` (units: us, ms, s, m, h)"]
            var fixIts: [FixIt] = []
            let message: String
            switch error {
            case .missingUnit(let number):
                message = "duration `\(text)` in \(what) has no unit"
                let guess = number >= 10 ? "\(number)ms" : "\(number)s"
                help.insert("did you mean `\(guess)`?", at: 0)
                fixIts.append(FixIt("add a unit", replacing: node.range, with: guess))
            case .fraction:
                message = "duration `\(text)` in \(what) has a fraction; durations are whole numbers of a unit"
                if let seconds = Double(text.filter { $0.isNumber || $0 == "." }), text.hasSuffix("s"), !text.hasSuffix("ms") {
                    let milliseconds = Int((seconds * 1000).rounded())
                    help.insert("did you mean `\(milliseconds)ms`?", at: 0)
                    fixIts.append(FixIt("use milliseconds", replacing: node.range, with: "\(milliseconds)ms"))
                }
            case .negative: message = "duration `\(text)` in \(what) is negative"
            case .unknownUnit(let unit):
                message = "duration `\(text)` in \(what) has an unknown unit `\(unit)`"
                let spelled = ["second": "s", "seconds": "s", "sec": "s", "secs": "s", "millisecond": "ms", "milliseconds": "ms", "msec": "ms", "minute": "m", "minutes": "m", "min": "m", "mins": "m", "hour": "h", "hours": "h", "hr": "h", "µs": "us"]
                if let short = spelled[unit.lowercased()] {
                    let replacement = text.prefix { $0.isNumber } + short
                    help.insert("did you mean `\(replacement)`?", at: 0)
                    fixIts.append(FixIt("use `\(short)`", replacing: node.range, with: String(replacement)))
                }
            case .overflow: message = "duration `\(text)` in \(what) is too large"
            case .empty, .malformed: message = "`\(text)` in \(what) is not a duration"
            }
            diagnostics.emit(Diagnostic(.badDuration, message, at: node.range, help: help, fixIts: fixIts))
            return nil
        }
    }

    private mutating func expression(_ node: YAMLNode) -> Expression? {
        guard node.scalar != nil else {
            wrongType(node, expected: "an expression", what: "this value")
            return nil
        }
        return ExpressionParser.parse(ExpressionSource(node: node, file: file), diagnostics: &diagnostics)
    }

    private mutating func interpolation(_ node: YAMLNode) -> Expression? {
        guard node.scalar != nil else {
            wrongType(node, expected: "a text template", what: "this value")
            return nil
        }
        return ExpressionParser.parseInterpolation(ExpressionSource(node: node, file: file), diagnostics: &diagnostics)
    }

    // MARK: Reporting

    private mutating func wrongType(_ node: YAMLNode, expected: String, what: String) {
        diagnostics.emit(Diagnostic(.wrongValueType, "\(what) must be \(expected), found \(found(node))", at: node.range))
    }

    /// What a wrongly typed value is, for "found ...": a short scalar is quoted as written.
    private func found(_ node: YAMLNode) -> String {
        guard let scalar = node.scalar, !scalar.isNull else { return node.kindDescription }
        let written = file.text(of: node.range)
        guard !written.isEmpty, written.count <= 40, !written.contains(where: \.isNewline) else { return node.kindDescription }
        return "`\(written)`"
    }

    private mutating func invalid(_ value: Located<String>, _ message: String, choices: [String]) {
        var help: [String] = []
        var fixIts: [FixIt] = []
        if let suggestion = DidYouMean.suggestion(for: value.value, among: choices) {
            help.append("did you mean `\(suggestion)`?")
            fixIts.append(FixIt("use `\(suggestion)`", replacing: value.range, with: suggestion))
        }
        help.append("expected one of \(choices.map { "`\($0)`" }.joined(separator: ", "))")
        diagnostics.emit(Diagnostic(.invalidValue, message, at: value.range, help: help, fixIts: fixIts))
    }

    private mutating func unknownKey(_ pair: YAMLPair, allowed: [String], context: String) {
        let key = pair.keyText
        var help: [String] = []
        var fixIts: [FixIt] = []
        if let suggestion = DidYouMean.suggestion(for: key, among: allowed) {
            help.append("did you mean `\(suggestion)`?")
            fixIts.append(FixIt("rename to `\(suggestion)`", replacing: pair.key.range, with: suggestion))
        } else {
            help.append("allowed keys here: \(allowed.map { "`\($0)`" }.joined(separator: ", "))")
        }
        diagnostics.emit(Diagnostic(.unknownKey, "unknown key `\(key)` \(context)", at: pair.key.range, help: help, fixIts: fixIts))
    }

    private mutating func requireKeys(_ keys: [String], in pairs: [YAMLPair], of node: YAMLNode, what: String) {
        for key in keys where !pairs.contains(where: { $0.keyText == key }) {
            diagnostics.emit(Diagnostic(.missingKey, "\(what) has no `\(key)`", at: file.range(from: node.range.start.offset, to: lineEnd(of: node.range.start.offset))))
        }
    }

    private mutating func checkIdentifier(_ name: Located<String>, what: String) {
        let text = name.value
        var valid = !text.isEmpty
        var isFirst = true
        for byte in text.utf8 where valid {
            valid = (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || (!isFirst && byte >= 0x30 && byte <= 0x39)
            isFirst = false
        }
        if !valid {
            let suggestion = Self.snakeCase(text)
            diagnostics.emit(Diagnostic(
                .invalidValue, "\(what) `\(text)` is not an identifier", at: name.range,
                help: ["names are lower-case letters, digits and `_`, not starting with a digit" + (suggestion.isEmpty ? "" : ", e.g. `\(suggestion)`")],
                fixIts: suggestion.isEmpty ? [] : [FixIt("rename to `\(suggestion)`", replacing: name.range, with: suggestion)]))
        } else if what == "agent name", PipelineVocabulary.reservedNames.contains(text) {
            diagnostics.emit(Diagnostic(.invalidValue, "`\(text)` is reserved and cannot name an agent", at: name.range, help: ["`\(text)` already means something in expressions; pick another name"]))
        }
    }

    static func snakeCase(_ text: String) -> String {
        var result = ""
        for character in text {
            if character.isUppercase, !result.isEmpty, result.last != "_" { result.append("_") }
            if character.isLetter || character.isNumber {
                result += character.lowercased()
            } else if !result.isEmpty, result.last != "_" {
                result.append("_")
            }
        }
        while result.hasSuffix("_") { result.removeLast() }
        if let first = result.first, first.isNumber { result = "_" + result }
        return result.allSatisfy({ $0.isASCII }) ? result : ""
    }

    private func lineEnd(of offset: Int) -> Int {
        var index = offset
        while index < file.bytes.count, file.bytes[index] != UInt8(ascii: "\n") { index += 1 }
        return index
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

/// Looks up a mapping's pairs by key text. A linear scan: agents have a dozen keys at
/// most, and keys are unique (the YAML layer rejects duplicates), so this is cheaper than
/// hashing every key into a dictionary of pairs for each agent.
private struct PairLookup {
    let pairs: [YAMLPair]

    subscript(key: String) -> YAMLPair? {
        for pair in pairs where pair.keyText == key { return pair }
        return nil
    }
}
