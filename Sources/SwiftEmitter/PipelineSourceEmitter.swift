import Planner

/// The generated pipeline type: one Swift file with the event-processing functions.
///
/// Per group of event types, an inline function runs the agents in order with direct
/// calls, and an awaiting function (a `switch` over the steps, falling through) carries
/// on from wherever the inline one stopped; agents that wait on I/O and do not depend on
/// each other start together with `async let`.
struct PipelineSourceEmitter {
    let plan: Plan
    let names: EmittedNames
    let header: String

    func source() -> String {
        var agentsCode = AgentCallEmission(plan: plan, names: names, sets: [])
        let groups = SpecializationGroup.groups(of: plan)
        var functionNames = NameAllocator()
        let groupNames = groups.map { group -> String in
            if group.isCatchAll { return functionNames.allocate(groups.count == 1 ? "everyEvent" : "otherEvents") }
            return functionNames.allocate(SwiftSyntax.camelCase(group.eventTypes[0]) + "Events")
        }

        // The body first: it decides which string sets need hoisting.
        var body = SwiftCode()
        body.indented { code in
            emitEntryPoints(groups: groups, groupNames: groupNames, sets: &agentsCode.sets, into: &code)
            for (group, name) in zip(groups, groupNames) {
                code.line()
                emitGroup(group, name: name, sets: &agentsCode.sets, into: &code)
            }
            code.line()
            code.line("// MARK: Agents")
            for index in plan.agents.indices {
                code.line()
                agentsCode.emitFunctions(index, into: &code)
            }
            code.line()
            emitFinish(into: &code)
        }

        var code = SwiftCode()
        code.line(header)
        code.line()
        code.line("import EventJSON")
        code.line("import Planner")
        code.line("import Runtime")
        code.line()
        code.doc(
            "`\(plan.pipeline)` compiled to straight-line Swift: each agent a direct call, expressions as code.",
            "",
            "Setting agents up, reading and writing events, caches, retries, fallbacks, state and",
            "metrics are the runtime library's, shared with `enrich run`; this type replaces only",
            "the interpretation of the plan.")
        code.block("public final class \(names.typeName): CompiledPipeline") { code in
            code.line("private typealias X = ExpressionOperations")
            code.line()
            code.doc("The event's deadline in microseconds (nil: none).")
            code.line("static let deadline: Int64? = \(plan.deadlineMicroseconds.map(SwiftSyntax.integer) ?? "nil")")
            for set in agentsCode.sets {
                code.line("private static let \(set.name): Set<String> = [\(set.members.map(SwiftSyntax.stringLiteral).joined(separator: ", "))]")
            }
            code.line()
            code.line("private let agents: Agents")
            code.line("private let environment: [String: JSONValue]")
            code.line()
            code.block("public init(_ prepared: PreparedPipeline)") { code in
                code.line("agents = Agents(")
                code.indented { code in
                    for (index, agent) in names.agents.enumerated() {
                        code.line("\(agent.property): prepared.agent(\(index))" + (index == names.agents.count - 1 ? "" : ","))
                    }
                }
                code.line(")")
                code.line("environment = prepared.environment.mapValues { .string($0) }")
            }
            code.line()
            emitTypes(into: &code)
            code.line()
            code.line("// MARK: Events")
            code.line()
            code.indented { _ in }
        }
        // Splice the body in before the closing brace of the class.
        var text = code.text
        text.removeLast(2)  // "}\n"
        text += body.text + "}\n"
        return text
    }

    private func emitTypes(into code: inout SwiftCode) {
        code.doc("The plan's agents, set up by the runtime (tables loaded, clients made).")
        code.block("private struct Agents: Sendable") { code in
            for agent in names.agents { code.line("let \(agent.property): CompiledAgent") }
        }
        code.line()
        code.doc("What the agents produced for one event so far, and what each did.")
        code.block("struct Values: Sendable") { code in
            code.line("var run = EventRun(agentCount: \(plan.agents.count))")
            for agent in names.agents { code.line("var \(agent.property) = \(agent.outputsType)()") }
        }
        for (agent, planAgent) in zip(names.agents, plan.agents) {
            code.line()
            code.block("struct \(agent.outputsType): Sendable") { code in
                for (field, output) in zip(agent.outputFields, planAgent.outputs) {
                    code.line("var \(SwiftSyntax.identifier(field)): JSONValue?  // \(output.name): \(output.type)")
                }
                if !agent.outputFields.isEmpty { code.line() }
                code.line("init() {}")
                code.line()
                code.block("init(_ produced: ProducedOutputs)") { code in
                    for (position, field) in agent.outputFields.enumerated() {
                        code.line("\(SwiftSyntax.identifier(field)) = produced[\(position)]")
                    }
                }
            }
        }
        code.line()
        code.doc("Where an inline attempt stopped: the step to carry on from, and the failure a retry follows.")
        code.block("struct Resume: Sendable") { code in
            code.line("var step: Int")
            code.line("var retryAfter: String?")
            code.line()
            code.block("func retryAfter(at step: Int) -> String?") { code in
                code.line("self.step == step ? retryAfter : nil")
            }
        }
        code.line()
        code.block("struct Pending: Sendable") { code in
            code.line("var values: Values")
            code.line("var resume: Resume")
        }
    }

    private func emitEntryPoints(groups: [SpecializationGroup], groupNames: [String], sets: inout [(name: String, members: [String])], into code: inout SwiftCode) {
        func dispatch(_ code: inout SwiftCode, _ call: (String) -> String) {
            guard groups.count > 1 else {
                code.line(call(groupNames[0]))
                return
            }
            code.switchBlock("X.eventType(event)") { code in
                for (group, name) in zip(groups, groupNames) {
                    code.line(group.isCatchAll ? "default:" : "case " + group.eventTypes.map(SwiftSyntax.stringLiteral).joined(separator: ", ") + ":")
                    code.indented { $0.line(call(name)) }
                }
            }
        }
        code.block("public func processInline(_ event: JSONValue) -> EventStep") { code in
            code.line("var values = Values()")
            code.line("let stop: Resume?")
            dispatch(&code) { "stop = \($0)Inline(event, &values)" }
            code.line("guard let stop else { return .finished(finish(values)) }")
            code.line("return .needsAwait(PendingEvent(Pending(values: values, resume: stop)))")
        }
        code.line()
        code.block("public func process(_ event: JSONValue, resuming pending: PendingEvent?) async -> EventResult") { code in
            code.line("let resumed = pending?.progress as? Pending")
            code.line("var values = resumed?.values ?? Values()")
            code.line("let resume = resumed?.resume ?? Resume(step: 0)")
            dispatch(&code) { "await \($0)(event, &values, from: resume)" }
            code.line("return finish(values)")
        }
        code.line()
        code.block("public func dedupKey(for event: JSONValue) -> String?") { code in
            if let key = plan.dedup?.key {
                var translation = ExpressionTranslation(scope: names.expressionScope, sets: sets)
                code.line("X.key(\(translation.value(key)))")
                sets = translation.sets
            } else {
                code.line("nil")
            }
        }
    }

    private func emitGroup(_ group: SpecializationGroup, name: String, sets: inout [(name: String, members: [String])], into code: inout SwiftCode) {
        let schedule = EventSchedule(plan: plan, agents: group.agents) { group.dependencies(of: $0, in: plan) }
        var translation = ExpressionTranslation(scope: names.expressionScope, sets: sets)
        defer { sets = translation.sets }
        let label = group.isCatchAll ? (group.eventTypes.isEmpty && name == "everyEvent" ? "Every event" : "Events of any other type") :
            group.eventTypes.map { "`\($0)`" }.joined(separator: ", ") + " events"
        let agentList = group.agents.isEmpty ? "no agents" : group.agents.map { "`\(plan.agents[$0].name)`" }.joined(separator: ", ")
        func guardCondition(_ index: Int) -> String? { group.guards[index].map { translation.condition($0).text } }
        func canFail(_ index: Int) -> Bool { plan.agents[index].fallback == .fail }
        func agentName(_ index: Int) -> String { names.agents[index].upper }

        // Inline: direct calls until a step that must wait.
        code.doc("\(label): \(agentList), inline; nil when done, else where to carry on.")
        code.block("private func \(name)Inline(_ event: JSONValue, _ values: inout Values) -> Resume?") { code in
            var stopped = false
            for (position, step) in schedule.steps.enumerated() {
                guard case .agent(let index) = step, EventSchedule.runsInline(plan.agents[index]) else {
                    code.line("return Resume(step: \(position))")
                    stopped = true
                    break
                }
                let call = plan.agents[index].kind == "expr"
                    ? ["evaluate\(agentName(index))(event, &values)"]
                    : ["if let stop = run\(agentName(index))Inline(event, &values, step: \(position)) { return stop }"]
                        + (canFail(index) ? ["if values.run.failed { return nil }"] : [])
                if let condition = guardCondition(index) {
                    code.block("if \(condition)") { code in call.forEach { code.line($0) } }
                } else {
                    call.forEach { code.line($0) }
                }
            }
            if !stopped { code.line("return nil") }
        }
        code.line()

        // Awaiting: the same steps, carrying on from `resume.step`.
        code.doc("\(label), from `resume.step` on, awaiting where an agent waits on I/O or a retry pause.")
        code.block("private func \(name)(_ event: JSONValue, _ values: inout Values, from resume: Resume) async") { code in
            guard !schedule.steps.isEmpty else {
                code.line("_ = resume")
                return
            }
            code.switchBlock("resume.step") { code in
                for (position, step) in schedule.steps.enumerated() {
                    code.line("case \(position):")
                    code.indented { code in
                        switch step {
                        case .agent(let index):
                            let call = plan.agents[index].kind == "expr"
                                ? "evaluate\(agentName(index))(event, &values)"
                                : "await run\(agentName(index))(event, &values, retryAfter: resume.retryAfter(at: \(position)))"
                            if let condition = guardCondition(index) {
                                code.block("if \(condition)") { $0.line(call) }
                            } else {
                                code.line(call)
                            }
                            if canFail(index) { code.line("if values.run.failed { return }") }
                        case .concurrent(let indices):
                            code.line("// " + indices.map { "`\(plan.agents[$0].name)`" }.joined(separator: ", ") + " do not depend on each other: called concurrently.")
                            code.line("let deadlineLeft = values.run.deadlineLeft(Self.deadline)")
                            for index in indices {
                                let property = names.agents[index].property
                                if let condition = guardCondition(index) {
                                    code.line("let \(property)Call = \(condition) ? prepare\(agentName(index))(event, &values) : nil")
                                } else {
                                    code.line("let \(property)Call = prepare\(agentName(index))(event, &values)")
                                }
                            }
                            for index in indices {
                                let property = names.agents[index].property
                                code.line("async let \(property)Outcome = agents.\(property).call(ifPrepared: \(property)Call, deadlineLeft: deadlineLeft)")
                            }
                            for index in indices {
                                let agent = names.agents[index]
                                code.block("if let outcome = await \(agent.property)Outcome, let produced = values.run.record(outcome)") { code in
                                    code.line("values.\(agent.property) = \(agent.outputsType)(produced)")
                                }
                            }
                            if indices.contains(where: canFail) { code.line("if values.run.failed { return }") }
                        }
                        if position < schedule.steps.count - 1 { code.line("fallthrough") }
                    }
                }
                code.line("default:")
                code.indented { $0.line("break") }
            }
        }
    }

    private func emitFinish(into code: inout SwiftCode) {
        let emitted = plan.agents.indices.filter { plan.agents[$0].emit && !plan.agents[$0].outputs.isEmpty }
        let count = emitted.reduce(0) { $0 + plan.agents[$1].outputs.count }
        code.doc("The event's result: emitted outputs in plan order (none for a failed event).")
        code.block("private func finish(_ values: Values) -> EventResult") { code in
            guard count > 0 else {
                code.line("values.run.finish(fields: [])")
                return
            }
            code.line("guard !values.run.failed else { return values.run.finish(fields: []) }")
            code.line("var fields: [(String, JSONValue)] = []")
            code.line("fields.reserveCapacity(\(count))")
            for index in emitted {
                let agent = names.agents[index]
                for (field, output) in zip(agent.outputFields, plan.agents[index].outputs) {
                    code.line("if let value = values.\(agent.property).\(SwiftSyntax.identifier(field)) { fields.append((\(SwiftSyntax.stringLiteral(output.name)), value)) }")
                }
            }
            code.line("return values.run.finish(fields: fields)")
        }
    }
}
