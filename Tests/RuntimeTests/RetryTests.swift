import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// Retries of retryable failures, with exponential backoff.
    @Suite struct RetryTests {
        static func pipeline(retry: String, fallback: String = "skip") -> String {
            """
            pipeline: retries
            agents:
              - name: flaky
                type: function
                timeout: 1s
                retry: \(retry)
                fallback: \(fallback)
                input:
                  id: event.id
                output:
                  flaky_value: value
            """
        }

        @Test func anAgentFailingRetryablyTwiceThenSucceedingIsOkAfterThreeAttempts() async throws {
            let plan = try Pipelines.plan(Self.pipeline(retry: "{attempts: 3, backoff: 20ms, jitter: false}"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let log = CallLog()
            let result = try await runPlan(plan, calls: ["flaky": Behaviour.failing("flaky", times: 2, retryable: true, log: log)], in: workspace)
            let event = try #require(result.events.first)
            #expect(log.count("flaky") == 3)
            #expect(event.string("_enrichment", "agents", "flaky", "outcome") == "ok")
            #expect(event.int("_enrichment", "agents", "flaky", "attempts") == 3)
            #expect(event.string("_enrichment", "status") == "complete")
            #expect(event.string("flaky_value") == "v")
        }

        @Test func retryNMeansNRetriesAfterTheFirstAttempt() async throws {
            let plan = try Pipelines.plan(Self.pipeline(retry: "2"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let log = CallLog()
            let result = try await runPlan(plan, calls: ["flaky": Behaviour.failing("flaky", times: 100, retryable: true, log: log)], in: workspace)
            let event = try #require(result.events.first)
            #expect(log.count("flaky") == 3)
            #expect(event.int("_enrichment", "agents", "flaky", "attempts") == 3)
            #expect(event.string("_enrichment", "agents", "flaky", "outcome") == "skipped")
            #expect(event.string("_enrichment", "agents", "flaky", "reason")?.contains("3 attempts failed") == true)
            #expect(event.string("_enrichment", "status") == "partial")
        }

        @Test func nonRetryableFailuresAreNotRetried() async throws {
            let plan = try Pipelines.plan(Self.pipeline(retry: "{attempts: 4, backoff: 10ms, jitter: false}"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let log = CallLog()
            let result = try await runPlan(plan, calls: ["flaky": Behaviour.failing("flaky", times: 1, retryable: false, log: log)], in: workspace)
            let event = try #require(result.events.first)
            #expect(log.count("flaky") == 1)
            #expect(event.int("_enrichment", "agents", "flaky", "attempts") == 1)
            #expect(event.string("_enrichment", "agents", "flaky", "outcome") == "skipped")
            #expect(event.string("_enrichment", "agents", "flaky", "reason") == "planned failure 1")
        }

        @Test func backoffPausesDoubleFromTheConfiguredMinimum() async throws {
            let plan = try Pipelines.plan(Self.pipeline(retry: "{attempts: 4, backoff: 100ms, max_backoff: 150ms, jitter: false}"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let log = CallLog()
            let result = try await runPlan(plan, calls: ["flaky": Behaviour.failing("flaky", times: 3, retryable: true, log: log)], in: workspace)
            let event = try #require(result.events.first)
            #expect(event.int("_enrichment", "agents", "flaky", "attempts") == 4)
            let starts = log.of("flaky").map(\.start)
            try #require(starts.count == 4)
            let gaps = zip(starts.dropFirst(), starts).map { milliseconds($0 - $1) }
            // 100ms, then 200ms capped at 150ms, then 150ms; never shorter.
            #expect(gaps[0] >= 100, "first pause \(gaps[0])ms")
            #expect(gaps[1] >= 150, "second pause \(gaps[1])ms")
            #expect(gaps[2] >= 150, "third pause \(gaps[2])ms")
            // Capped by max_backoff (not 200ms / 400ms), with room for a noisy machine.
            #expect(gaps[2] < 390, "third pause \(gaps[2])ms: max_backoff was not applied")
            let latency = Double(try #require(event.int("_enrichment", "agents", "flaky", "latency_us"))) / 1000
            #expect(latency >= 400, "three pauses took \(latency)ms")
        }

        @Test func anInlineAgentRetriesWithTheSameAttemptBudget() async throws {
            let plan = try Pipelines.plan(Self.pipeline(retry: "{attempts: 3, backoff: 10ms, jitter: false}"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let log = CallLog()
            let calls = Locked(0)
            let flaky = AgentCall.inline { request throws(AgentCallFailure) in
                log.ended(log.started("flaky", request.inputs))
                let count = calls.update { count -> Int in
                    count += 1
                    return count
                }
                throw AgentCallFailure("inline failure \(count)", retryable: true)
            }
            let result = try await runPlan(plan, calls: ["flaky": flaky], in: workspace)
            let event = try #require(result.events.first)
            // `attempts: 3` is three calls in all, and the report says how many were made.
            #expect(event.int("_enrichment", "agents", "flaky", "attempts") == 3)
            #expect(log.count("flaky") == 3, "an agent with attempts: 3 was called \(log.count("flaky")) times")
        }
    }
}
