import Diagnostics
import PipelineSyntax

/// Retries of requests that are not idempotent (W002): a retry may apply them twice.
enum RetrySafetyCheck {
    static func check(_ agents: [AgentDecl], diagnostics: inout DiagnosticCollector) {
        for agent in agents {
            guard let http = agent.http, let retry = agent.retry, retry.attempts > 1, !http.isIdempotent else { continue }
            var notes: [DiagnosticNote] = []
            if let method = http.method { notes.append(DiagnosticNote("`\(method.value)` requests are not idempotent", at: method.range)) }
            diagnostics.emit(Diagnostic(
                .retryNonIdempotent, "`\(agent.name.value)` retries a `\(http.effectiveMethod)` request, which may then take effect twice",
                at: retry.range,
                notes: notes,
                help: [
                    "if the API deduplicates repeated requests (for example by an idempotency key), say so with `idempotent: true`",
                    "otherwise remove `retry`",
                ]))
        }
    }
}
