/// One optimisation or analysis step over a plan.
///
/// A pass changes the plan in place and returns what it changed, one sentence per
/// change, for `enrich compile --explain`. Passes must be deterministic: the same plan
/// in gives the same plan and the same sentences out.
public protocol PlanPass: Sendable {
    /// The pass's name as reports show it, e.g. `dead-agent elimination`.
    var name: String { get }

    /// Runs the pass over `plan` and returns its changes in a stable order.
    func run(on plan: inout Plan) -> [String]
}

extension PlanPass {
    /// Runs the pass and appends its report to `plan.passes`.
    public func apply(to plan: inout Plan) {
        let changes = run(on: &plan)
        plan.passes.append(PlanPassReport(pass: name, changes: changes))
    }
}
