import EventJSON
import Planner

/// A plan agent made ready to run: its call, cache, policies and expressions resolved once at load.
///
/// A class: the executor reaches for agents on every event, and copying a many-field
/// struct out of the array cost a retain and a release per field.
final class RuntimeAgent: Sendable {
    let index: Int
    let plan: PlanAgent
    /// nil for `expr` agents, whose outputs are expressions evaluated in place.
    let call: AgentCall?
    let retry: RetryPolicy
    let cache: ResultCache?
    /// Concurrency bound (awaited calls) and rate limit, shared across events.
    let limits: AgentLimits
    /// Holds calls back while the agent's service is failing, shared across events.
    let breaker: CircuitBreaker?
    /// Output names in plan order; produced values are stored at the same positions,
    /// from `outputStart` on in the interpreter's per-event outputs array.
    let outputNames: [String]
    let outputStart: Int
    /// Output fields that come from the result: position, path and declared type.
    let resultOutputs: [(position: Int, path: [String], type: DeclaredType)]
    /// Per entry of `resultOutputs`, the member name when its path is one step.
    let resultOutputNames: [String?]
    /// Per output position, its entry in `resultOutputs` (nil: not read from a result).
    let resultOutputIndex: [Int?]
    /// Output fields that are expressions (`expr` agents), by position.
    let expressionOutputs: [(position: Int, expression: ResolvedExpression)]
    /// The `input:` values, in plan order.
    let inputs: [(name: String, value: ResolvedExpression)]
    /// The input names (unique: the checker rejects repeats), shared by every event's inputs object.
    let inputNames: [String]
    /// The `cache.key` expression, if the cache has one.
    let cacheKeyExpression: ResolvedExpression?
    /// HTTP agents: the URL template and header templates.
    let httpTemplates: (url: ResolvedExpression, headers: [(name: String, value: ResolvedExpression)])?

    let name: String
    /// Whether calls run inline on the worker: in-process agents without a rate limit
    /// (a limited agent may have to wait for a token, which only the awaiting path can)
    /// and without a circuit breaker (which only the awaiting path consults).
    let isInline: Bool

    init(index: Int, plan: PlanAgent, call: AgentCall?, cache: ResultCache?, resolver: ExpressionResolver) {
        self.index = index
        self.plan = plan
        self.call = call
        self.retry = RetryPolicy(plan.retry)
        self.cache = cache
        self.limits = AgentLimits(plan, appliesConcurrency: !(call?.isInline ?? true))
        self.breaker = call == nil ? nil : plan.circuitBreaker.map(CircuitBreaker.init)
        name = plan.name
        isInline = (call?.isInline ?? true) && plan.rateLimit == nil && breaker == nil
        outputNames = plan.outputs.map(\.name)
        outputStart = resolver.outputStarts[index]
        resultOutputs = plan.outputs.enumerated().compactMap { position, output in
            output.path.map { (position, $0, DeclaredType(output.type)) }
        }
        resultOutputNames = resultOutputs.map { $0.path.count == 1 ? $0.path[0] : nil }
        var resultOutputIndex = [Int?](repeating: nil, count: outputNames.count)
        for (index, output) in resultOutputs.enumerated() { resultOutputIndex[output.position] = index }
        self.resultOutputIndex = resultOutputIndex
        expressionOutputs = plan.outputs.enumerated().compactMap { position, output in
            output.expression.map { (position, resolver.resolve($0)) }
        }
        inputs = plan.inputs.map { ($0.name, resolver.resolve($0.value)) }
        inputNames = plan.inputs.map(\.name)
        cacheKeyExpression = plan.cache?.key.map(resolver.resolve)
        httpTemplates = plan.http.map { http in
            (resolver.resolve(http.url), http.headers.map { (name: $0.name, value: resolver.resolve($0.value)) })
        }
    }

    /// The cache key for these inputs: the `cache.key` value, or all inputs as JSON.
    func cacheKey(inputs: JSONObject, scope: some EvaluationScope) -> String {
        if let key = cacheKeyExpression {
            return BuiltinFunctions.text(of: ExpressionEvaluator.evaluate(key, in: scope))
        }
        return JSONValue.object(inputs).jsonText
    }

    /// The declared type of an output, as far as conversions of result values go.
    enum DeclaredType {
        case bool, int, float, string, other

        init(_ text: String) {
            switch text.hasSuffix("?") ? String(text.dropLast()) : text {
            case "bool": self = .bool
            case "int": self = .int
            case "float": self = .float
            case "string": self = .string
            default: self = .other
            }
        }
    }

    /// A result value converted to the output's declared type where that is lossless
    /// (`"true"` from a CSV cell for a `bool`, `"42"` for an `int`); otherwise unchanged.
    static func coerce(_ value: JSONValue, to type: DeclaredType) -> JSONValue {
        switch (type, value) {
        case (.bool, .string("true")), (.bool, .string("TRUE")), (.bool, .string("True")): return .bool(true)
        case (.bool, .string("false")), (.bool, .string("FALSE")), (.bool, .string("False")): return .bool(false)
        case (.int, .string(let text)): return Int64(text).map { .int($0) } ?? value
        case (.float, .string(let text)): return Double(text).map { .double($0) } ?? value
        case (.float, .int(let number)): return .double(Double(number))
        case (.string, .int(let number)): return .string(String(number))
        default: return value
        }
    }

    /// The call's request: inputs, and for HTTP agents the URL (interpolated values
    /// percent-encoded, so event data cannot add path segments or query parameters) and headers.
    func request(inputs: JSONObject, scope: some EvaluationScope) -> AgentRequest {
        guard let http = httpTemplates else { return AgentRequest(inputs: inputs) }
        let url = Self.interpolate(http.url, in: scope, encode: true)
        let headers = http.headers.map { (name: $0.name, value: Self.interpolate($0.value, in: scope, encode: false)) }
        return AgentRequest(inputs: inputs, url: url, headers: headers)
    }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    static func interpolate(_ template: ResolvedExpression, in scope: some EvaluationScope, encode: Bool) -> String {
        guard case .interpolation(let segments) = template else {
            return BuiltinFunctions.text(of: ExpressionEvaluator.evaluate(template, in: scope))
        }
        var text = ""
        for segment in segments {
            switch segment {
            case .text(let literal): text += literal
            case .expression(let inner):
                let value = BuiltinFunctions.text(of: ExpressionEvaluator.evaluate(inner, in: scope))
                text += encode ? percentEncoded(value) : value
            }
        }
        return text
    }

    static func percentEncoded(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            if unreserved.contains(byte) {
                result.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return result
    }

    /// Output `position` (in `output:` order) picked out of a result; nil when the result lacks it.
    ///
    /// The same lookup as ``storeOutputs(from:into:)``, one position at a time. They are not
    /// one helper: sharing a per-entry helper with the interpreter's loop measured 8.1 -> 9.3 µs
    /// per event in CodegenBenchmark (2026-12-07).
    func output(at position: Int, from result: JSONValue) -> JSONValue? {
        guard let entry = resultOutputIndex[position] else { return nil }
        let found: JSONValue?
        if case .object(let object) = result, let name = resultOutputNames[entry] {
            // A field of the result's top level (the usual case), without walking a path.
            found = object.member(name)
        } else {
            found = result[path: resultOutputs[entry].path]
        }
        guard let found, !found.isNull else { return nil }
        return Self.coerce(found, to: resultOutputs[entry].type)
    }

    /// Picks this agent's output fields out of a result into its slots of `outputs` (the
    /// interpreter's flat per-event array), without an array of its own.
    func storeOutputs(from result: JSONValue, into outputs: inout [JSONValue?]) {
        guard case .object(let object) = result else {
            for output in resultOutputs {
                if let value = result[path: output.path], !value.isNull { outputs[outputStart + output.position] = Self.coerce(value, to: output.type) }
            }
            return
        }
        // Fields of the result's top level (the usual case) without walking a path.
        for index in resultOutputs.indices {
            let found = resultOutputNames[index].map(object.member) ?? JSONValue.object(object)[path: resultOutputs[index].path]
            if let value = found, !value.isNull {
                outputs[outputStart + resultOutputs[index].position] = Self.coerce(value, to: resultOutputs[index].type)
            }
        }
    }
}

extension String {
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
