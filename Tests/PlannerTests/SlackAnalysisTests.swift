import Diagnostics
import Foundation
import PipelineChecks
import Testing

@testable import Planner

@Suite("slack analysis")
struct SlackAnalysisTests {
    static func martech() throws -> Plan {
        let text = try String(contentsOf: PlannerFixture.packageRoot.appendingPathComponent("samples/martech.yaml"), encoding: .utf8)
        return try PlannerFixture.compiled(text)
    }

    @Test func martechTimingMatchesTheWorkedFigures() throws {
        let plan = try Self.martech()
        var timing: [String: PlanTiming] = [:]
        for agent in plan.agents { timing[agent.name] = agent.timing }
        #expect(plan.criticalPath == PlanCriticalPath(agents: ["crm_lookup", "priority"], totalMicroseconds: 545_000))
        #expect(timing["crm_lookup"]?.worstCaseMicroseconds == 540_000)
        #expect(timing["crm_lookup"]?.latestStartMicroseconds == 355_000)
        #expect(timing["crm_lookup"]?.slackMicroseconds == 355_000)
        #expect(timing["geocode"]?.latestStartMicroseconds == 855_000)
        #expect(timing["ad_attribution"]?.earliestStartMicroseconds == 20_000)
        #expect(timing["ad_attribution"]?.latestStartMicroseconds == 875_000)
        #expect(timing["priority"]?.earliestStartMicroseconds == 540_000)
        #expect(timing["priority"]?.latestStartMicroseconds == 895_000)
        #expect(plan.agents.filter(\.timing.critical).map(\.name) == ["crm_lookup", "priority"])
    }

    @Test func withoutDeadlineTheCriticalPathHasNoSlack() throws {
        let plan = try PlannerFixture.compiled(
            """
            agents:
            - name: slow
              type: http
              url: "http://127.0.0.1:9/slow"
              timeout: 300ms
              output:
                s: v
            - name: fast
              type: http
              url: "http://127.0.0.1:9/fast"
              timeout: 100ms
              output:
                f: v
            - name: join
              type: expr
              timeout: 10ms
              output:
                j: concat(slow.s ?? "", fast.f ?? "")
            """)
        let slack = Dictionary(uniqueKeysWithValues: plan.agents.map { ($0.name, $0.timing.slackMicroseconds) })
        #expect(slack == ["slow": 0, "fast": 200_000, "join": 0])
        #expect(plan.criticalPath == PlanCriticalPath(agents: ["slow", "join"], totalMicroseconds: 310_000))
    }

    @Test func worstCaseCountsAttemptsAndCappedJitteredBackoffs() throws {
        let plan = try PlannerFixture.compiled(
            """
            agents:
            - name: flaky
              type: http
              url: "http://127.0.0.1:9/x"
              timeout: 100ms
              retry: {attempts: 3, backoff: 10ms, max_backoff: 15ms, jitter: true}
              output:
                v: v
            """)
        // 3 × 100ms + (10ms + 15ms) × 2 for jitter
        #expect(plan.agents[0].timing.worstCaseMicroseconds == 350_000)
    }

    @Test func agreesWithTheCheckersCriticalPath() throws {
        let text = try String(contentsOf: PlannerFixture.packageRoot.appendingPathComponent("samples/support-tickets.yaml"), encoding: .utf8)
        let checked = try PlannerFixture.checked(text)
        let plan = try PlanCompiler.compile(checked, compiler: PlannerFixture.compiler)
        #expect(plan.criticalPath.totalMicroseconds == checked.criticalPath?.total.microseconds)
    }
}
