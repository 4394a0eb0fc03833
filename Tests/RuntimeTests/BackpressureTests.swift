import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// At most `maxInFlight` events between reading and writing (plus one batch per worker).
    @Suite struct BackpressureTests {
        static let pipeline = """
            pipeline: backpressure
            agents:
              - name: slow
                type: function
                timeout: 2s
                input:
                  id: event.id
                output:
                  slow_value: value
            """

        @Test func aSlowAgentWithFewEventsInFlightCompletesWithinTheBound() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            let count = 160
            try workspace.write(eventLines(count))
            let maxInFlight = 16
            let batchSize = 4
            let workers = 2
            let running = Locked(0)
            let mostRunning = Locked(0)
            let slow = AgentCall.awaited { request in
                let now = running.update { value -> Int in
                    value += 1
                    return value
                }
                mostRunning.update { $0 = max($0, now) }
                try? await Task.sleep(nanoseconds: 60_000_000)
                running.update { $0 -= 1 }
                return .object(JSONObject([("value", request.inputs["id"] ?? .null)]))
            }
            let reported = Locked<[Int]>([])
            let result = try await runPlan(
                plan, calls: ["slow": slow], in: workspace, limit: 30,
                progress: { _, inFlight, _ in reported.update { $0.append(inFlight) } },
                configure: {
                    $0.maxInFlight = maxInFlight
                    $0.batchSize = batchSize
                    $0.workers = workers
                })
            #expect(result.ids == (1...count).map { "e\($0)" })
            let bound = maxInFlight + batchSize * workers
            // 40 batches of 60ms, 2 workers: about 1.2s, so the progress callback (every 250ms) reports.
            #expect(!reported.value.isEmpty)
            #expect(reported.value.allSatisfy { $0 <= bound }, "in flight: \(reported.value), bound \(bound)")
            #expect(mostRunning.value <= bound, "\(mostRunning.value) calls ran at once, bound \(bound)")
        }

        @Test func withALooseBoundTheReaderRunsAheadOfTheSlowAgent() async throws {
            // The control for the test above: the bound is what keeps the in-flight count low.
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(160))
            let reported = Locked<[Int]>([])
            let result = try await runPlan(
                plan, calls: ["slow": Behaviour.slow("slow", milliseconds: 60)], in: workspace, limit: 30,
                progress: { _, inFlight, _ in reported.update { $0.append(inFlight) } },
                configure: {
                    $0.maxInFlight = 1000
                    $0.batchSize = 4
                    $0.workers = 2
                })
            #expect(result.output.count == 160)
            #expect((reported.value.max() ?? 0) > 24, "in flight with a loose bound: \(reported.value)")
        }
    }
}
