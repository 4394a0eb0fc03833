/// Why a checked pipeline could not be turned into a plan.
///
/// The planner expects a pipeline that linted without errors; these say which
/// precondition a caller skipped.
public enum PlanningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dependency graph has a cycle, so there is no order to run agents in.
    case cyclicDependencies
    /// An agent lacks something the checker would have reported (e.g. its `type`).
    case incompleteAgent(name: String, missing: String)

    public var description: String {
        switch self {
        case .cyclicDependencies:
            "the pipeline's dependencies form a cycle; run `enrich lint` to see it"
        case .incompleteAgent(let name, let missing):
            "agent `\(name)` has no valid \(missing); run `enrich lint` to see why"
        }
    }
}
