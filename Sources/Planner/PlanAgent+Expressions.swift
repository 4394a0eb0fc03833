/// The places in an agent that hold an expression, for passes that read or rewrite them.
extension PlanAgent {
    /// Every expression this agent evaluates, labelled with where it sits (`input user_id`, `when`...).
    public var labelledExpressions: [(label: String, expression: PlanExpression)] {
        var result: [(String, PlanExpression)] = []
        for input in inputs { result.append(("input `\(input.name)`", input.value)) }
        if let when { result.append(("`when`", when)) }
        for output in outputs {
            if let expression = output.expression { result.append(("output `\(output.name)`", expression)) }
        }
        if let http {
            result.append(("`url`", http.url))
            for header in http.headers { result.append(("header `\(header.name)`", header.value)) }
        }
        if let key = cache?.key { result.append(("cache key", key)) }
        return result
    }

    /// Names of the agents whose outputs this agent reads.
    public var agentReferences: Set<String> {
        var names: Set<String> = []
        for (_, expression) in labelledExpressions { names.formUnion(expression.agentReferences) }
        return names
    }

    /// Applies `transform` to every expression of the agent, labelled as in ``labelledExpressions``.
    mutating func rewriteExpressions(_ transform: (String, PlanExpression) -> PlanExpression) {
        for index in inputs.indices {
            inputs[index].value = transform("input `\(inputs[index].name)`", inputs[index].value)
        }
        if let when { self.when = transform("`when`", when) }
        for index in outputs.indices {
            if let expression = outputs[index].expression {
                outputs[index].expression = transform("output `\(outputs[index].name)`", expression)
            }
        }
        if var http {
            http.url = transform("`url`", http.url)
            for index in http.headers.indices {
                http.headers[index].value = transform("header `\(http.headers[index].name)`", http.headers[index].value)
            }
            self.http = http
        }
        if var cache, let key = cache.key {
            cache.key = transform("cache key", key)
            self.cache = cache
        }
    }
}

extension Plan {
    /// Every expression the plan evaluates: each agent's, the specializations' residual
    /// guards, and the dedup key.
    public var expressions: [PlanExpression] {
        var result = agents.flatMap { $0.labelledExpressions.map(\.expression) }
        for specialization in specializations { result.append(contentsOf: specialization.guards.values) }
        if let key = dedup?.key { result.append(key) }
        return result
    }
}
