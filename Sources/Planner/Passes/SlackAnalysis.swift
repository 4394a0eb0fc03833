import PipelineChecks
import PipelineSyntax

/// Works out when each agent can start at the earliest and at the latest, and the critical path.
///
/// Each agent's worst case is `timeout × attempts + backoffs`. The earliest start is
/// when its slowest dependency finishes in the worst case; the latest start is the last
/// moment it can begin and still let everything after it finish by the deadline (or,
/// without a deadline, by the end of the critical path). Slack is the difference. The
/// critical path is the slowest chain, chosen as `enrich lint` chooses it; its agents
/// are marked `critical`.
public struct SlackAnalysis: PlanPass {
    public let name = "slack analysis"

    public init() {}

    public func run(on plan: inout Plan) -> [String] {
        let count = plan.agents.count
        let worst = plan.agents.map(\.worstCaseMicroseconds)
        var earliest = [Int64](repeating: 0, count: count)
        for index in 0..<count {
            for dependency in plan.agents[index].dependencies {
                earliest[index] = max(earliest[index], earliest[dependency].saturatingAdded(worst[dependency]))
            }
        }
        let path = TimingAnalysis.criticalPath(
            order: Array(0..<count), dependencies: plan.agents.map(\.dependencies),
            cost: worst.map { PipelineDuration(microseconds: $0) })
        let total = path?.total.microseconds ?? 0
        let budget = plan.deadlineMicroseconds ?? total

        var latest = [Int64](repeating: 0, count: count)
        let dependents = plan.dependents
        for index in (0..<count).reversed() {
            let finishBy = dependents[index].map { latest[$0] }.min() ?? budget
            latest[index] = finishBy.saturatingAdded(-worst[index])
        }
        let critical = Set(path?.agents ?? [])
        for index in 0..<count {
            var timing = PlanTiming()
            timing.worstCaseMicroseconds = worst[index]
            timing.earliestStartMicroseconds = earliest[index]
            timing.latestStartMicroseconds = latest[index]
            timing.slackMicroseconds = latest[index].saturatingAdded(-earliest[index])
            timing.critical = critical.contains(index)
            plan.agents[index].timing = timing
        }
        let names = (path?.agents ?? []).map { plan.agents[$0].name }
        plan.criticalPath = PlanCriticalPath(agents: names, totalMicroseconds: total)

        guard !names.isEmpty else { return [] }
        var summary = "critical path \(names.map { "`\($0)`" }.joined(separator: " → ")) = \(PipelineDuration(microseconds: total))"
        if let deadline = plan.deadlineMicroseconds {
            summary += " against the \(PipelineDuration(microseconds: deadline)) deadline"
        }
        return [summary]
    }
}
