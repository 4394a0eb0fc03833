import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// Per-agent `concurrency` and `rate_limit` (DESIGN.md: "token-bucket rate limit,
    /// concurrency limit" per agent).
    @Suite struct AgentLimitTests {
        @Test func anAgentNeverHasMoreCallsInFlightThanItsConcurrency() async throws {
            let plan = try Pipelines.plan("""
                pipeline: limited
                agents:
                  - name: crm
                    type: function
                    timeout: 5s
                    concurrency: 2
                    input:
                      id: event.id
                    output:
                      segment: value
                """)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(12))
            let running = Locked(0)
            let most = Locked(0)
            let crm = AgentCall.awaited { _ in
                let now = running.update { value -> Int in
                    value += 1
                    return value
                }
                most.update { $0 = max($0, now) }
                try? await Task.sleep(nanoseconds: 40_000_000)
                running.update { $0 -= 1 }
                return .object(JSONObject([("value", .string("v"))]))
            }
            let result = try await runPlan(plan, calls: ["crm": crm], in: workspace, configure: { $0.batchSize = 6; $0.workers = 2 })
            #expect(result.output.count == 12)
            #expect(result.events.allSatisfy { $0.string("segment") == "v" })
            #expect(most.value <= 2, "\(most.value) calls of an agent with concurrency 2 ran at once")
        }

        @Test func callsToAnAgentAreSpacedByItsRateLimit() async throws {
            let plan = try Pipelines.plan("""
                pipeline: rate_limited
                agents:
                  - name: crm
                    type: function
                    timeout: 5s
                    rate_limit: 20/s
                    input:
                      id: event.id
                    output:
                      segment: value
                """)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(40))
            let log = CallLog()
            let result = try await runPlan(plan, calls: ["crm": Behaviour.slow("crm", milliseconds: 0, log: log)], in: workspace)
            #expect(result.output.count == 40)
            let starts = log.of("crm").map(\.start).sorted()
            try #require(starts.count == 40)
            // Whatever the burst (at most one second's worth, 20 calls), the other 20 wait 50ms each.
            let span = milliseconds(starts.last! - starts.first!)
            #expect(span >= 900, "40 calls at 20/s took \(span)ms")
        }
    }
}
