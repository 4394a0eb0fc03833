import Diagnostics
import PipelineSyntax

/// Worst-case timing of agents and chains against the deadline (E031, E032).
///
/// An agent's worst case is `timeout × attempts + Σ backoffs`, the backoff before retry
/// k being `min(backoff × 2^(k-1), max_backoff)`, doubled when jitter is on. In-process
/// agents (expr, lookup, geoip, sentiment) count as 0 unless they declare a timeout.
public enum TimingAnalysis {
    /// Timeout used when an agent declares none.
    public static let defaultTimeout = PipelineDuration.milliseconds(1000)

    /// The per-attempt timeout in force for `agent` under an optional deadline.
    public static func effectiveTimeout(_ agent: AgentDecl, deadline: PipelineDuration?) -> PipelineDuration {
        if let declared = agent.timeout?.value { return declared }
        if let kind = agent.kind?.value, AgentResultSchema.runsInProcess(kind) { return .zero }
        if let deadline { return min(defaultTimeout, deadline) }
        return defaultTimeout
    }

    /// The sum of backoff pauses before each retry.
    public static func totalBackoff(_ retry: RetryDecl?) -> PipelineDuration {
        guard let retry, retry.attempts > 1 else { return .zero }
        var total = PipelineDuration.zero
        var step = retry.backoff
        for _ in 1..<retry.attempts {
            let pause = min(step, retry.maxBackoff)
            total = total + (retry.jitter ? pause * 2 : pause)
            step = step * 2
            if step > retry.maxBackoff { step = retry.maxBackoff }
        }
        return total
    }

    /// Worst-case time of one agent including all attempts and pauses.
    public static func worstCase(_ agent: AgentDecl, deadline: PipelineDuration?) -> PipelineDuration {
        let attempts = Int64(agent.retry?.attempts ?? 1)
        return effectiveTimeout(agent, deadline: deadline) * attempts + totalBackoff(agent.retry)
    }

    /// The slowest chain through an acyclic graph given each agent's own cost.
    public static func criticalPath(order: [Int], dependencies: [[Int]], cost: [PipelineDuration]) -> CriticalPath? {
        guard !order.isEmpty else { return nil }
        var finish = [PipelineDuration](repeating: .zero, count: cost.count)
        var previous = [Int?](repeating: nil, count: cost.count)
        for node in order {
            var start = PipelineDuration.zero
            for dependency in dependencies[node] where finish[dependency] > start || (finish[dependency] == start && previous[node] == nil) {
                if finish[dependency] > start || previous[node] == nil {
                    start = finish[dependency]
                    previous[node] = dependency
                }
            }
            finish[node] = start + cost[node]
        }
        // The latest-finishing agent; ties go to the earlier one in the file.
        var last = order[0]
        for node in order where finish[node] > finish[last] || (finish[node] == finish[last] && node < last) {
            last = node
        }
        var chain = [last]
        while let back = previous[chain[0]] { chain.insert(back, at: 0) }
        return CriticalPath(agents: chain, total: finish[last])
    }

    static func check(ast: PipelineAST, agents: [CheckedAgent], criticalPath: CriticalPath?, diagnostics: inout DiagnosticCollector) {
        guard let deadline = ast.deadline else { return }
        var overDeadline: Set<Int> = []
        for (index, agent) in agents.enumerated() {
            guard let timeout = agent.decl.timeout, timeout.value > deadline.value else { continue }
            overDeadline.insert(index)
            diagnostics.emit(Diagnostic(
                .timeoutOverDeadline, "timeout of `\(agent.name)` (\(timeout.value)) is longer than the pipeline's \(deadline.value) deadline",
                at: timeout.range,
                notes: [DiagnosticNote("the deadline is set here", at: deadline.range)],
                help: ["at run time the call is cut when the deadline runs out; set `timeout:` to at most \(deadline.value)"],
                fixIts: [FixIt("use the deadline", replacing: timeout.range, with: deadline.value.description)]))
        }
        guard let path = criticalPath, path.total > deadline.value else { return }
        let names = path.agents.map { agents[$0].name }
        // A chain through an agent whose own timeout is over the deadline (E031) is over it
        // for that reason alone: reporting the chain too would say the same thing twice.
        if path.agents.contains(where: overDeadline.contains) { return }
        var notes = [DiagnosticNote("slowest chain: \(names.map { "`\($0)`" }.joined(separator: " → ")) = \(path.total)")]
        for index in path.agents {
            let agent = agents[index]
            let attempts = agent.decl.retry?.attempts ?? 1
            let backoff = totalBackoff(agent.decl.retry)
            var figure = "\(agent.effectiveTimeout)"
            if agent.decl.timeout == nil { figure += " (default timeout)" }
            if attempts > 1 { figure += " × \(attempts) attempts" }
            if backoff > .zero { figure += " + \(backoff) backoff" }
            if attempts > 1 || backoff > .zero { figure += " = \(agent.worstCase)" }
            notes.append(DiagnosticNote("`\(agent.name)`: \(figure)", at: agent.decl.timeout?.range ?? agent.decl.name.range))
        }
        diagnostics.emit(Diagnostic(
            .criticalPathOverDeadline, "worst-case critical path takes \(path.total), over the \(deadline.value) deadline",
            at: deadline.range,
            notes: notes,
            help: ["lower the timeouts or retries on this chain, or raise `deadline`; agents cut by the deadline fall back, so events would leave partially enriched"]))
    }
}
