import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// Agents start the moment their inputs are ready: latency is the critical path.
    @Suite struct DataflowSchedulingTests {
        static let pipeline = """
            pipeline: dataflow
            agents:
              - name: a
                type: function
                timeout: 3s
                input:
                  id: event.id
                output:
                  a_value: value
              - name: b
                type: function
                timeout: 3s
                input:
                  id: event.id
                output:
                  b_value: value
              - name: c
                type: function
                timeout: 3s
                input:
                  from_a: a.a_value ?? "none"
                output:
                  c_value: value
            """

        @Test func aDependentAgentStartsWhenItsDependencyFinishesNotWhenEveryEarlierAgentHas() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let log = CallLog()
            let result = try await runPlan(
                plan,
                calls: [
                    "a": Behaviour.slow("a", milliseconds: 200, log: log),
                    "b": Behaviour.slow("b", milliseconds: 500, log: log),
                    "c": Behaviour.slow("c", milliseconds: 200, log: log),
                ], in: workspace)
            #expect(result.output.count == 1)
            let a = try #require(log.of("a").first)
            let b = try #require(log.of("b").first)
            let c = try #require(log.of("c").first)
            let aEnd = try #require(a.end)
            let bEnd = try #require(b.end)
            // a and b start together; c waits for a only.
            #expect(milliseconds(max(a.start, b.start) - min(a.start, b.start)) < 100)
            #expect(c.start >= aEnd)
            #expect(c.start < bEnd, "c started \(milliseconds(c.start &- bEnd))ms after b finished: it waited for b")
            #expect(milliseconds(c.start - aEnd) < 150, "c started \(milliseconds(c.start - aEnd))ms after a finished")
            // c reads a's value.
            #expect(c.inputs["from_a"] == .string("v"))
        }

        @Test func anEventTakesTheCriticalPathNotTheSumOfItsAgents() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            // Critical path a → c = 400ms; b (400ms) runs beside it; the sum would be 800ms.
            let started = now()
            let result = try await runPlan(
                plan,
                calls: [
                    "a": Behaviour.slow("a", milliseconds: 200),
                    "b": Behaviour.slow("b", milliseconds: 400),
                    "c": Behaviour.slow("c", milliseconds: 200),
                ], in: workspace)
            let wall = milliseconds(now() - started)
            let event = try #require(result.events.first)
            let latency = Double(try #require(event.int("_enrichment", "latency_us"))) / 1000
            #expect(latency >= 400, "latency \(latency)ms is below the critical path")
            #expect(latency < 650, "latency \(latency)ms is closer to the sum (800ms) than to the critical path (400ms)")
            #expect(wall < 2000)
            #expect(event.string("c_value") == "v")
            #expect(event.string("_enrichment", "status") == "complete")
        }

        @Test func independentEventsOfABatchOverlapTheirAwaitedCalls() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(20))
            let started = now()
            let result = try await runPlan(
                plan,
                calls: [
                    "a": Behaviour.slow("a", milliseconds: 100),
                    "b": Behaviour.slow("b", milliseconds: 100),
                    "c": Behaviour.slow("c", milliseconds: 100),
                ], in: workspace, configure: { $0.workers = 1; $0.batchSize = 20 })
            let wall = milliseconds(now() - started)
            #expect(result.output.count == 20)
            // One after another this would take 20 × 200ms = 4s.
            #expect(wall < 2000, "20 events took \(wall)ms: the awaited calls did not overlap")
        }
    }
}
