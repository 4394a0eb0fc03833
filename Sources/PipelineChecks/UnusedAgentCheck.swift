import Diagnostics
import PipelineSyntax

/// Agents whose work goes nowhere (W001): nothing emitted and nobody depends on them.
enum UnusedAgentCheck {
    static func check(_ agents: [CheckedAgent], diagnostics: inout DiagnosticCollector) {
        // An agent of unknown type is already an error; what it would output is unknowable.
        for agent in agents where agent.dependents.isEmpty && agent.decl.kind != nil {
            let decl = agent.decl
            let emitsSomething = decl.emits && !decl.outputs.isEmpty
            guard !emitsSomething else { continue }
            // A request that changes something elsewhere is worth making without outputs.
            if let http = decl.http, !["GET", "HEAD"].contains(http.effectiveMethod) { continue }
            let why = decl.outputs.isEmpty ? "it has no `output`" : "its outputs are not emitted (`emit: false`)"
            diagnostics.emit(Diagnostic(
                .unusedAgent, "agent `\(agent.name)` is never used: \(why) and no agent reads it",
                at: decl.name.range,
                help: decl.outputs.isEmpty
                    ? ["add `output:` to write its result to the event, or remove the agent"]
                    : ["remove `emit: false`, reference its outputs from another agent, or remove the agent"]))
        }
    }
}
