import Planner

/// The functions one agent becomes: evaluate its inputs into a call (`prepare…`), call it
/// inline (`run…Inline`) or awaiting (`run…`), or for `expr` agents compute the outputs
/// in place (`evaluate…`).
struct AgentCallEmission {
    let plan: Plan
    let names: EmittedNames
    var sets: [(name: String, members: [String])]

    func isExpression(_ index: Int) -> Bool { plan.agents[index].kind == "expr" }

    /// A one-line description of the agent for comments.
    func summary(_ index: Int) -> String {
        let agent = plan.agents[index]
        var text = "`\(agent.name)` (\(agent.kind)"
        for key in ["table", "database", "function", "model"] {
            if let value = agent.settings[key] { text += " \(value)" }
        }
        if let http = agent.http { text += " \(http.method)" }
        return text + ")"
    }

    mutating func emitFunctions(_ index: Int, into code: inout SwiftCode) {
        let agent = plan.agents[index]
        let name = names.agents[index]
        var inputLocals = NameAllocator(reserved: ["event", "values", "call", "outcome", "produced", "outputs", "X"])
        var scope = names.expressionScope
        var locals: [String] = []
        for input in agent.inputs {
            let local = inputLocals.allocate(SwiftSyntax.camelCase(input.name))
            scope.inputs[input.name] = local
            locals.append(local)
        }
        // Inputs cannot see each other (as in the interpreter); the rest sees the inputs.
        var inputTranslation = ExpressionTranslation(scope: names.expressionScope, sets: sets)
        let inputValues = agent.inputs.map { inputTranslation.standaloneValue($0.value) }
        var translation = ExpressionTranslation(scope: scope, sets: inputTranslation.sets)
        defer { sets = translation.sets }

        func emitInputs(_ code: inout SwiftCode, missing: String) {
            for ((input, local), value) in zip(zip(agent.inputs, locals), inputValues) {
                code.block("guard let \(local) = \(value) else") { code in
                    code.line("values.run.record(agents.\(name.property).missingInput(\(SwiftSyntax.stringLiteral(input.name))))")
                    code.line(missing)
                }
            }
        }
        let inputsObject =
            "JSONObject(keys: [" + agent.inputs.map { SwiftSyntax.stringLiteral($0.name) }.joined(separator: ", ") + "], values: ["
            + locals.joined(separator: ", ") + "])"

        if isExpression(index) {
            code.doc("\(summary(index)): computes its outputs in place.")
            code.block("private func evaluate\(name.upper)(_ event: JSONValue, _ values: inout Values)") { code in
                emitInputs(&code, missing: "return")
                code.line("let outputs: [JSONValue?] = [")
                code.indented { code in
                    for output in agent.outputs {
                        let value = output.expression.map { translation.value($0) } ?? ExpressionTranslation.missing
                        code.line("\(value),  // \(output.name)")
                    }
                }
                code.line("]")
                code.block("if let produced = values.run.record(agents.\(name.property).evaluated(outputs))") { code in
                    code.line("values.\(name.property) = \(name.outputsType)(produced)")
                }
            }
            return
        }

        code.doc("\(summary(index)): its call, or nil when an input is missing (recorded as skipped).")
        code.block("private func prepare\(name.upper)(_ event: JSONValue, _ values: inout Values) -> PreparedCall?") { code in
            emitInputs(&code, missing: "return nil")
            var arguments = ["inputs: " + inputsObject]
            if let key = agent.cache?.key { arguments.append("cacheKey: X.text(\(translation.value(key)))") }
            if let http = agent.http {
                arguments.append("url: " + template(http.url, encode: true, &translation))
                if !http.headers.isEmpty {
                    let headers = http.headers.map { "(\(SwiftSyntax.stringLiteral($0.name)), \(template($0.value, encode: false, &translation)))" }
                    arguments.append("headers: [" + headers.joined(separator: ", ") + "]")
                }
            }
            code.line("return agents.\(name.property).prepare(\(arguments.joined(separator: ", ")))")
        }
        code.line()
        if EventSchedule.runsInline(agent) {
            code.doc("\(summary(index)) called inline; where the event must wait instead (a retry, an awaited call).")
            code.block("private func run\(name.upper)Inline(_ event: JSONValue, _ values: inout Values, step: Int) -> Resume?") { code in
                code.line("guard let call = prepare\(name.upper)(event, &values) else { return nil }")
                code.switchBlock("agents.\(name.property).callInline(call)") { code in
                    code.line("case .finished(let outcome):")
                    code.indented { code in
                        code.line("if let produced = values.run.record(outcome) { values.\(name.property) = \(name.outputsType)(produced) }")
                        code.line("return nil")
                    }
                    code.line("case .retry(let reason):")
                    code.indented { $0.line("return Resume(step: step, retryAfter: reason)") }
                    code.line("case .mustAwait:")
                    code.indented { $0.line("return Resume(step: step)") }
                }
            }
            code.line()
        }
        code.doc("\(summary(index)) with every attempt, pause and fallback.")
        code.block("private func run\(name.upper)(_ event: JSONValue, _ values: inout Values, retryAfter: String? = nil) async") { code in
            code.line("guard let call = prepare\(name.upper)(event, &values) else { return }")
            code.line("let deadlineLeft = values.run.deadlineLeft(Self.deadline)")
            code.line("let outcome = await agents.\(name.property).call(call, deadlineLeft: deadlineLeft, resumingAfter: retryAfter)")
            code.line("if let produced = values.run.record(outcome) { values.\(name.property) = \(name.outputsType)(produced) }")
        }
    }

    /// A URL or header template as a Swift `String`; URL values are percent-encoded.
    private func template(_ expression: PlanExpression, encode: Bool, _ translation: inout ExpressionTranslation) -> String {
        if case .literal(.string(let text)) = expression { return SwiftSyntax.stringLiteral(text) }
        if case .interpolation(let segments) = expression {
            return translation.interpolated(segments, textFunction: encode ? "X.urlText" : "X.text")
        }
        return "X.text(\(translation.value(expression)))"
    }
}
