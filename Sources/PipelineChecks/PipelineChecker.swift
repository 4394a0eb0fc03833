import Diagnostics
import PipelineSyntax

/// Checks a pipeline AST and builds its typed IR, reporting every problem in one run.
///
/// Passes run in a fixed order: names, dependency edges, cycles, types (in dependency
/// order), output collisions, timing, then warnings. Each pass works on whatever the
/// earlier ones could establish, so one error does not hide the others.
public enum PipelineChecker {
    public static func check(_ ast: PipelineAST, diagnostics: inout DiagnosticCollector) -> CheckedPipeline {
        let table = AgentTable(agents: ast.agents, diagnostics: &diagnostics)
        let edges = DependencyEdges(agents: ast.agents, table: table, diagnostics: &diagnostics)
        let graph = DependencyGraph(agentCount: ast.agents.count, edges: edges)
        graph.reportCycles(agents: ast.agents, edges: edges, diagnostics: &diagnostics)

        let environment = PipelineTypeEnvironment(ast: ast, table: table)
        for index in graph.partialOrder + graph.unordered {
            environment.outputTypes[index] = typeAgent(ast.agents[index], index: index, environment: environment, diagnostics: &diagnostics)
        }
        if let dedup = ast.dedup {
            var context = ExpressionTypeChecker.Context()
            context.allowsAgents = false
            context.role = .dedupKey
            var checker = ExpressionTypeChecker(pipeline: environment, context: context)
            _ = checker.check(dedup.key)
            diagnostics.emit(contentsOf: checker.diagnostics.diagnostics)
        }

        let deadline = ast.deadline?.value
        let agents = ast.agents.enumerated().map { index, decl in
            CheckedAgent(
                decl: decl,
                dependencies: graph.dependencies[index],
                dependents: graph.dependents[index],
                outputTypes: environment.outputTypes[index] ?? [:],
                worstCase: TimingAnalysis.worstCase(decl, deadline: deadline),
                effectiveTimeout: TimingAnalysis.effectiveTimeout(decl, deadline: deadline))
        }
        let criticalPath = graph.order.flatMap {
            TimingAnalysis.criticalPath(order: $0, dependencies: graph.dependencies, cost: agents.map(\.worstCase))
        }
        OutputCollisionCheck.check(ast, diagnostics: &diagnostics)
        TimingAnalysis.check(ast: ast, agents: agents, criticalPath: criticalPath, diagnostics: &diagnostics)
        UnusedAgentCheck.check(agents, diagnostics: &diagnostics)
        RetrySafetyCheck.check(ast.agents, diagnostics: &diagnostics)
        LiteralSecretCheck.check(ast.agents, file: ast.file, diagnostics: &diagnostics)
        RedundantAfterCheck.check(ast.agents, table: table, edges: edges, diagnostics: &diagnostics)
        return CheckedPipeline(ast: ast, agents: agents, topologicalOrder: graph.order, criticalPath: criticalPath)
    }

    /// Types every expression of one agent and returns its outputs' types.
    private static func typeAgent(
        _ agent: AgentDecl, index: Int, environment: PipelineTypeEnvironment, diagnostics: inout DiagnosticCollector
    ) -> [String: ValueType] {
        var context = ExpressionTypeChecker.Context()
        context.agentIndex = index
        if case .skip? = agent.fallback?.value { context.acceptsMissing = true }
        if let when = agent.when { context.guardedPaths = Set(when.paths.map(\.description)) }

        func typed(_ expression: Expression, role: ExpressionRole, guardContext: Bool = false, inputs: [String: ValueType]? = nil) -> ValueType {
            var local = context
            local.role = role
            local.isGuard = guardContext
            local.inputTypes = inputs
            var checker = ExpressionTypeChecker(pipeline: environment, context: local)
            let type = checker.check(expression)
            diagnostics.emit(contentsOf: checker.diagnostics.diagnostics)
            return type
        }

        var inputTypes: [String: ValueType] = [:]
        for input in agent.inputs {
            inputTypes[input.name.value] = typed(input.value, role: .input(input.name.value, agent: agent.name.value))
        }
        if let when = agent.when {
            let type = typed(when, role: .when, guardContext: true)
            if type.base != .bool, type.base != .json {
                diagnostics.emit(Diagnostic(
                    .typeMismatch, "`when` must be a condition (`bool`), found `\(type)`", at: when.range,
                    help: ["compare the value, e.g. `\(agent.name.value == "" ? "event.type" : "event.type") == \"purchase\"`"]))
            }
        }
        let templateInputs = agent.kind?.value == .http ? inputTypes : nil
        if let url = agent.http?.url { _ = typed(url, role: .url(agent: agent.name.value), inputs: templateInputs) }
        for header in agent.http?.headers ?? [] {
            _ = typed(header.value, role: .header(header.name.value), inputs: templateInputs)
        }
        if let key = agent.cache?.key { _ = typed(key, role: .cacheKey(agent: agent.name.value), inputs: inputTypes) }

        OutputTyping.checkResultPaths(agent, diagnostics: &diagnostics)
        var outputTypes: [String: ValueType] = [:]
        for output in agent.outputs {
            var expressionType: ValueType?
            if case .expression(let expression) = output.source {
                expressionType = typed(expression, role: .output(output.name.value, agent: agent.name.value), inputs: inputTypes)
            }
            let base = OutputTyping.baseType(of: output, kind: agent.kind?.value, expressionType: expressionType)
            let optional = OutputTyping.mayBeMissing(agent, field: output.name.value, valueIsOptional: base.isOptional)
            outputTypes[output.name.value] = ValueType(base.base, optional: optional)
        }
        OutputTyping.checkDefaults(agent, types: outputTypes, diagnostics: &diagnostics)
        return outputTypes
    }
}
