import PipelineChecks

/// The planner as one call: lowering, then every pass in a fixed order.
public enum PlanCompiler {
    /// The passes `enrich compile` runs, in order.
    ///
    /// Folding runs before dead-agent elimination so agents whose readers folding
    /// removed go too; merging runs before transitive reduction and timing so they see
    /// the final graph; specialization comes last because it indexes the final agents.
    public static let standardPasses: [any PlanPass] = [
        EdgeInference(),
        ConstantFolding(),
        DeadAgentElimination(),
        InvocationMerging(),
        TransitiveReduction(),
        SlackAnalysis(),
        StageAssignment(),
        EventTypeSpecialization(),
    ]

    /// The optimised plan of `pipeline`, which must have linted without errors.
    ///
    /// `compiler` is recorded in the plan, e.g. `enrich 0.1.0`.
    public static func compile(_ pipeline: CheckedPipeline, compiler: String) throws(PlanningError) -> Plan {
        var plan = try PlanLowering.lower(pipeline, compiler: compiler)
        for pass in standardPasses { pass.apply(to: &plan) }
        return plan
    }
}
