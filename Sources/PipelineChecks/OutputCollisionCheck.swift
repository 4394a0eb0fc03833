import Diagnostics
import PipelineSyntax

/// Two writers of one enriched field (E033): agents' emitted outputs and event fields.
enum OutputCollisionCheck {
    static let reservedFields: Set<String> = ["_enrichment"]

    static func check(_ ast: PipelineAST, diagnostics: inout DiagnosticCollector) {
        var writers: [String: (agent: String, range: SourceRange)] = [:]
        // Sized up front: growing it rehashes every name written so far.
        writers.reserveCapacity(ast.agents.reduce(0) { $0 + $1.outputs.count })
        var eventFields: [String: SourceRange] = [:]
        for field in ast.event ?? [] { eventFields[field.name.value] = field.name.range }
        for agent in ast.agents where agent.emits {
            for output in agent.outputs {
                let name = output.name.value
                if reservedFields.contains(name) {
                    diagnostics.emit(Diagnostic(.outputCollision, "`\(name)` is reserved for Enrich's own metadata", at: output.name.range, help: ["rename this output"]))
                } else if let first = writers[name] {
                    diagnostics.emit(Diagnostic(
                        .outputCollision, "`\(agent.name.value)` and `\(first.agent)` both write the field `\(name)`",
                        at: output.name.range,
                        notes: [DiagnosticNote("`\(first.agent)` writes it here", at: first.range)],
                        help: ["rename one output (e.g. `\(agent.name.value)_\(name)`), or set `emit: false` on the agent whose result is only used internally"],
                        fixIts: [FixIt("rename", replacing: output.name.range, with: "\(agent.name.value)_\(name)")]))
                } else if let eventRange = eventFields[name] {
                    diagnostics.emit(Diagnostic(
                        .outputCollision, "output `\(name)` of `\(agent.name.value)` would overwrite the event's own field `\(name)`",
                        at: output.name.range,
                        notes: [DiagnosticNote("the event field is declared here", at: eventRange)],
                        help: ["rename the output, e.g. `\(agent.name.value)_\(name)`"]))
                    writers[name] = (agent.name.value, output.name.range)
                } else {
                    writers[name] = (agent.name.value, output.name.range)
                }
            }
        }
    }
}
