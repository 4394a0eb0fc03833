import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// Per-agent timeouts, capped by what is left of the event's deadline.
    @Suite struct TimeoutTests {
        /// The number in "timed out after 123ms" / "timed out after 99.5ms".
        static func timeoutInReason(_ reason: String?) -> Double? {
            guard let reason, let range = reason.range(of: #"timed out after ([0-9.]+)ms"#, options: .regularExpression) else { return nil }
            let text = reason[range].dropFirst("timed out after ".count).dropLast(2)
            return Double(text)
        }

        @Test func anAgentThatHangsIsCutAtItsTimeout() async throws {
            let plan = try Pipelines.plan("""
                pipeline: hang
                agents:
                  - name: stuck
                    type: function
                    timeout: 150ms
                    input:
                      id: event.id
                    output:
                      stuck_value: value
                  - name: fine
                    type: function
                    timeout: 1s
                    input:
                      id: event.id
                    output:
                      fine_value: value
                """)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(3))
            let started = now()
            let result = try await runPlan(
                plan, calls: ["stuck": Behaviour.hanging("stuck"), "fine": Behaviour.slow("fine", milliseconds: 10)], in: workspace, limit: 10)
            let wall = milliseconds(now() - started)
            #expect(result.output.count == 3)
            #expect(wall < 3000, "the run took \(wall)ms for a 150ms timeout")
            for event in result.events {
                #expect(event.string("_enrichment", "agents", "stuck", "outcome") == "skipped")
                #expect(event.string("_enrichment", "status") == "partial")
                #expect(event.value("stuck_value") == nil)
                #expect(event.string("fine_value") == "v")
                let reason = event.string("_enrichment", "agents", "stuck", "reason")
                #expect(Self.timeoutInReason(reason) == 150, "reason: \(reason ?? "none")")
                let latency = Double(try #require(event.int("_enrichment", "latency_us"))) / 1000
                #expect(latency >= 140 && latency < 1000, "event latency \(latency)ms for a 150ms timeout")
            }
        }

        @Test func eachAttemptOfAHangingAgentGetsItsOwnTimeout() async throws {
            let plan = try Pipelines.plan("""
                pipeline: hang_retry
                agents:
                  - name: stuck
                    type: function
                    timeout: 100ms
                    retry: {attempts: 3, backoff: 10ms, jitter: false}
                    input:
                      id: event.id
                    output:
                      stuck_value: value
                """)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let log = CallLog()
            let result = try await runPlan(plan, calls: ["stuck": Behaviour.hanging("stuck", log: log)], in: workspace, limit: 10)
            let event = try #require(result.events.first)
            #expect(log.count("stuck") == 3)
            #expect(event.int("_enrichment", "agents", "stuck", "attempts") == 3)
            let latency = Double(try #require(event.int("_enrichment", "agents", "stuck", "latency_us"))) / 1000
            // 3 × 100ms + 10ms + 20ms of backoff.
            #expect(latency >= 320 && latency < 1500, "3 timed-out attempts took \(latency)ms")
        }

        @Test func theTimeoutIsCappedByWhatIsLeftOfTheDeadline() async throws {
            var plan = try Pipelines.plan("""
                pipeline: deadline
                agents:
                  - name: first
                    type: function
                    timeout: 1s
                    input:
                      id: event.id
                    output:
                      first_value: value
                  - name: second
                    type: function
                    timeout: 1s
                    input:
                      from_first: first.first_value ?? "none"
                    output:
                      second_value: value
                """)
            // A deadline the checker would reject against these timeouts; the runtime must still honour it.
            plan.deadlineMicroseconds = 300_000
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(2))
            let log = CallLog()
            let started = now()
            let result = try await runPlan(
                plan, calls: ["first": Behaviour.slow("first", milliseconds: 200, log: log), "second": Behaviour.hanging("second", log: log)],
                in: workspace, limit: 10, configure: { $0.workers = 1; $0.batchSize = 1 })
            let wall = milliseconds(now() - started)
            #expect(result.output.count == 2)
            #expect(log.count("second") == 2)
            #expect(wall < 2500, "two events took \(wall)ms under a 300ms deadline")
            for event in result.events {
                #expect(event.string("first_value") == "v")
                #expect(event.string("_enrichment", "agents", "second", "outcome") == "skipped")
                let reason = event.string("_enrichment", "agents", "second", "reason")
                let timeout = try #require(Self.timeoutInReason(reason), "reason: \(reason ?? "none")")
                // ~100ms left of the deadline after a 200ms first agent, not the declared 1s.
                #expect(timeout > 0 && timeout <= 100, "second's timeout was \(timeout)ms")
                let secondLatency = Double(try #require(event.int("_enrichment", "agents", "second", "latency_us"))) / 1000
                #expect(secondLatency < 500, "second ran \(secondLatency)ms")
                let latency = Double(try #require(event.int("_enrichment", "latency_us"))) / 1000
                #expect(latency >= 280 && latency < 800, "event latency \(latency)ms under a 300ms deadline")
            }
        }

        @Test func anAgentReadyAfterTheDeadlineIsNotCalled() async throws {
            var plan = try Pipelines.plan("""
                pipeline: late
                agents:
                  - name: first
                    type: function
                    timeout: 1s
                    input:
                      id: event.id
                    output:
                      first_value: value
                  - name: second
                    type: function
                    timeout: 1s
                    input:
                      from_first: first.first_value ?? "none"
                    output:
                      second_value: value
                """)
            plan.deadlineMicroseconds = 100_000
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let log = CallLog()
            let result = try await runPlan(
                plan, calls: ["first": Behaviour.slow("first", milliseconds: 250, log: log), "second": Behaviour.slow("second", milliseconds: 1, log: log)],
                in: workspace, limit: 10)
            let event = try #require(result.events.first)
            // first was cut at the deadline; second had no time left at all.
            #expect(log.count("second") == 0)
            #expect(event.string("_enrichment", "agents", "first", "outcome") == "skipped")
            #expect(event.string("_enrichment", "agents", "second", "outcome") == "skipped")
            #expect(event.int("_enrichment", "agents", "second", "attempts") == 0)
            #expect(event.string("_enrichment", "agents", "second", "reason")?.contains("deadline") == true)
        }
    }
}
