import EventJSON
import Planner

/// A plan agent made ready to run: its call, cache and policies resolved once at load.
struct RuntimeAgent: Sendable {
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
    /// Output names in plan order; produced values are stored at the same positions.
    let outputNames: [String]
    /// Output fields that come from the result: position, path and declared type.
    let resultOutputs: [(position: Int, path: [String], type: DeclaredType)]
    /// Output fields that are expressions (`expr` agents), by position.
    let expressionOutputs: [(position: Int, expression: PlanExpression)]

    var name: String { plan.name }
    /// Whether calls run inline on the worker: in-process agents without a rate limit
    /// (a limited agent may have to wait for a token, which only the awaiting path can)
    /// and without a circuit breaker (which only the awaiting path consults).
    var isInline: Bool { (call?.isInline ?? true) && plan.rateLimit == nil && breaker == nil }

    init(index: Int, plan: PlanAgent, call: AgentCall?, cache: ResultCache?) {
        self.index = index
        self.plan = plan
        self.call = call
        self.retry = RetryPolicy(plan.retry)
        self.cache = cache
        self.limits = AgentLimits(plan, appliesConcurrency: !(call?.isInline ?? true))
        self.breaker = call == nil ? nil : plan.circuitBreaker.map(CircuitBreaker.init)
        outputNames = plan.outputs.map(\.name)
        resultOutputs = plan.outputs.enumerated().compactMap { position, output in
            output.path.map { (position, $0, DeclaredType(output.type)) }
        }
        expressionOutputs = plan.outputs.enumerated().compactMap { position, output in output.expression.map { (position, $0) } }
    }

    /// The cache key for these inputs: the `cache.key` value, or all inputs as JSON.
    func cacheKey(inputs: JSONObject, scope: some EvaluationScope) -> String {
        if let key = plan.cache?.key {
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
        guard let http = plan.http else { return AgentRequest(inputs: inputs) }
        let url = Self.interpolate(http.url, in: scope, encode: true)
        let headers = http.headers.map { (name: $0.name, value: Self.interpolate($0.value, in: scope, encode: false)) }
        return AgentRequest(inputs: inputs, url: url, headers: headers)
    }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    static func interpolate(_ template: PlanExpression, in scope: some EvaluationScope, encode: Bool) -> String {
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

    /// Picks this agent's output fields out of a result.
    func outputs(from result: JSONValue) -> [JSONValue?] {
        var fields = [JSONValue?](repeating: nil, count: outputNames.count)
        for (position, path, type) in resultOutputs {
            if let value = result[path: path], value != .null { fields[position] = Self.coerce(value, to: type) }
        }
        return fields
    }
}

extension String {
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
