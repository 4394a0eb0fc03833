import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// Output in input order by default, whatever order events finish in; unordered output
    /// still has every event exactly once.
    @Suite struct OrderingTests {
        static let pipeline = """
            pipeline: ordering
            agents:
              - name: slow
                type: function
                timeout: 2s
                when: event.n % 3 != 0
                input:
                  id: event.id
                  n: event.n
                output:
                  slow_value: value
              - name: quick
                type: function
                timeout: 1s
                input:
                  id: event.id
                output:
                  quick_value: value
            """

        /// Sleeps a pseudo-random 0–15ms per event, so events finish out of order.
        static let randomSleep = AgentCall.awaited { request in
            var hasher = Hasher()
            hasher.combine(request.inputs["id"].map(\.jsonText) ?? "")
            let milliseconds = UInt64(abs(hasher.finalize()) % 16)
            try? await Task.sleep(nanoseconds: milliseconds * 1_000_000)
            return .object(JSONObject([("value", request.inputs["id"] ?? .null)]))
        }

        static let lines = eventLines(400) { "\"n\":\($0)" }
        static let expectedIDs = (1...400).map { "e\($0)" }

        @Test func outputIsInInputOrderByDefaultUnderConcurrency() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.lines)
            // Every third event runs only the in-process agent, the others wait on random sleeps.
            let result = try await runPlan(
                plan, calls: ["slow": Self.randomSleep, "quick": Behaviour.inline("quick")], in: workspace,
                configure: { $0.workers = 3; $0.batchSize = 7 })
            #expect(result.ids == Self.expectedIDs)
            #expect(result.events.map { $0.string("slow_value") } == (1...400).map { $0 % 3 == 0 ? nil : "e\($0)" })
        }

        @Test func unorderedOutputHasEveryEventExactlyOnce() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.lines)
            let result = try await runPlan(
                plan, calls: ["slow": Self.randomSleep, "quick": Behaviour.inline("quick")], in: workspace,
                configure: { $0.workers = 3; $0.batchSize = 7; $0.ordered = false })
            #expect(result.output.count == 400)
            #expect(result.ids.sorted() == Self.expectedIDs.sorted())
            #expect(Set(result.ids).count == 400)
            #expect(result.summary.events == 400)
        }

        @Test func unorderedOutputIsCheckpointedOnlyUpToWhatIsWritten() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.lines)
            let state = try SQLiteRunState(path: workspace.state)
            let result = try await runPlan(
                plan, calls: ["slow": Self.randomSleep, "quick": Behaviour.inline("quick")], in: workspace, state: state,
                configure: { $0.workers = 3; $0.batchSize = 7; $0.ordered = false })
            #expect(result.output.count == 400)
            let source = URL(fileURLWithPath: workspace.input).standardizedFileURL.path
            let checkpoint = try #require(try state.checkpoint(for: source))
            #expect(checkpoint.inputLine == 400)
            #expect(checkpoint.outputLength == Int64((try Data(contentsOf: URL(fileURLWithPath: workspace.output))).count))
        }
    }
}
