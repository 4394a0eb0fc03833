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
    /// Output fields that come from the result: name and path.
    let resultOutputs: [(name: String, path: [String])]
    /// Output fields that are expressions (`expr` agents).
    let expressionOutputs: [(name: String, expression: PlanExpression)]

    var name: String { plan.name }
    var isInline: Bool { call?.isInline ?? true }

    init(index: Int, plan: PlanAgent, call: AgentCall?, cache: ResultCache?) {
        self.index = index
        self.plan = plan
        self.call = call
        self.retry = RetryPolicy(plan.retry)
        self.cache = cache
        resultOutputs = plan.outputs.compactMap { output in output.path.map { (output.name, $0) } }
        expressionOutputs = plan.outputs.compactMap { output in output.expression.map { (output.name, $0) } }
    }

    /// The cache key for these inputs: the `cache.key` value, or all inputs as JSON.
    func cacheKey(inputs: JSONObject, scope: some EvaluationScope) -> String {
        if let key = plan.cache?.key {
            return BuiltinFunctions.text(of: ExpressionEvaluator.evaluate(key, in: scope))
        }
        return JSONValue.object(inputs).jsonText
    }

    /// Picks this agent's output fields out of a result.
    func outputs(from result: JSONValue) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        for (name, path) in resultOutputs {
            if let value = result[path: path], value != .null { fields[name] = value }
        }
        return fields
    }
}
