import Diagnostics
import PipelineSyntax

/// The typed IR of a pipeline: the AST plus resolved references, types and timing.
///
/// Produced by ``PipelineChecker``; the planner starts from here. When the checker
/// reported errors the IR is still built as far as possible, but must not be planned.
public struct CheckedPipeline: Sendable {
    public var ast: PipelineAST
    public var agents: [CheckedAgent]
    /// Agent indices in a dependency-respecting order (file order among independents);
    /// nil when the graph has a cycle.
    public var topologicalOrder: [Int]?
    /// The slowest dependency chain under worst-case timing, if the graph is acyclic.
    public var criticalPath: CriticalPath?

    /// The index of the agent called `name`, if any (the first one on duplicates).
    public func agentIndex(named name: String) -> Int? {
        agents.firstIndex { $0.name == name }
    }
}

/// One agent with everything the checker worked out about it.
public struct CheckedAgent: Sendable {
    public var decl: AgentDecl
    public var name: String { decl.name.value }
    /// Agents whose results this one reads or waits for (`after`), sorted, no duplicates.
    public var dependencies: [Int]
    /// Agents that read this one's results or wait for it, sorted.
    public var dependents: [Int]
    /// The type of each output field, as consumers see it (optional if it may be missing).
    public var outputTypes: [String: ValueType]
    /// Worst-case time of one call including retries and backoffs.
    public var worstCase: PipelineDuration
    /// The per-attempt timeout in force (declared, or the default).
    public var effectiveTimeout: PipelineDuration
}

/// The slowest chain of agents under worst-case timing.
public struct CriticalPath: Sendable, Hashable {
    /// Agent indices from the first agent of the chain to the last.
    public var agents: [Int]
    public var total: PipelineDuration
}
