import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// A stopped or crashed run resumes after its checkpoint: every event exactly once, in order.
    @Suite struct CheckpointTests {
        static let pipeline = """
            pipeline: checkpoint
            agents:
              - name: tag
                type: function
                timeout: 1s
                input:
                  id: event.id
                output:
                  tag: value
            """

        static func source(_ workspace: Workspace) -> String {
            URL(fileURLWithPath: workspace.input).standardizedFileURL.path
        }

        @Test(arguments: [false, true])
        func aRunStoppedHalfwayResumesAfterItsCheckpoint(awaited: Bool) async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            let count = 600
            try workspace.write(eventLines(count))
            let stop = StopFlag()
            let calls = Locked(0)
            let counting: @Sendable (AgentRequest) -> JSONValue = { request in
                if calls.update({ value -> Int in
                    value += 1
                    return value
                }) == 100 {
                    stop.set()
                }
                return .object(JSONObject([("value", request.inputs["id"] ?? .null)]))
            }
            let tag: AgentCall = awaited ? .awaited { counting($0) } : .inline { counting($0) }
            let first = try await runPlan(
                plan, calls: ["tag": tag], in: workspace, state: try SQLiteRunState(path: workspace.state), stop: stop,
                configure: { $0.batchSize = 10; $0.workers = 2; $0.maxInFlight = 40 })
            #expect(first.summary.interruptedBy == SIGTERM)
            let written = first.output.count
            #expect(written >= 100 && written < count, "the first run wrote \(written) events")
            // What was written is a prefix of the input, and the checkpoint says so.
            #expect(first.ids == (1...written).map { "e\($0)" })
            let checkpoint = try #require(try SQLiteRunState(path: workspace.state).checkpoint(for: Self.source(workspace)))
            #expect(checkpoint.inputLine == Int64(written))

            let callsBefore = calls.value
            let second = try await runPlan(
                plan, calls: ["tag": tag], in: workspace, state: try SQLiteRunState(path: workspace.state),
                configure: { $0.batchSize = 10; $0.workers = 2 })
            #expect(second.summary.resumedAfterLine == Int64(written))
            #expect(second.summary.interruptedBy == nil)
            #expect(second.summary.events == count - written)
            #expect(calls.value - callsBefore == count - written, "the second run enriched events the first had written")
            #expect(second.ids == (1...count).map { "e\($0)" })
            #expect(second.events.allSatisfy { $0.string("tag") == $0.string("id") })
        }

        @Test func aRerunAfterAppendingProcessesOnlyTheNewLines() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(50))
            let log = CallLog()
            let first = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag", log: log)], in: workspace, state: try SQLiteRunState(path: workspace.state))
            #expect(first.output.count == 50)
            #expect(first.summary.resumedAfterLine == nil)
            try workspace.append(eventLines(30).map { $0.replacingOccurrences(of: "\"e", with: "\"f") })
            let second = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag", log: log)], in: workspace, state: try SQLiteRunState(path: workspace.state))
            #expect(second.summary.resumedAfterLine == 50)
            #expect(log.count("tag") == 80)
            #expect(second.ids == (1...50).map { "e\($0)" } + (1...30).map { "f\($0)" })
        }

        @Test func outputWrittenAfterTheLastCheckpointIsCutOnResume() async throws {
            // What a crash between writing a batch and checkpointing it leaves behind.
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(20))
            _ = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: try SQLiteRunState(path: workspace.state))
            try workspace.append([#"{"id":"e21","tag":"written but not checkpointed"}"#, #"{"id":"e22","ta"#], to: workspace.output)
            try workspace.append([#"{"line":21,"reason":"not checkpointed"}"#], to: workspace.deadLetter)
            try workspace.append([#"{"id":"e21"}"#, #"{"id":"e22"}"#])
            let second = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: try SQLiteRunState(path: workspace.state))
            #expect(second.summary.resumedAfterLine == 20)
            #expect(second.ids == (1...22).map { "e\($0)" })
            #expect(second.events.allSatisfy { $0.string("tag") == "v" })
            #expect(second.deadLetter.isEmpty)
        }

        @Test func fromStartIgnoresTheCheckpoint() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(10))
            _ = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: try SQLiteRunState(path: workspace.state))
            let again = try await runPlan(
                plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: try SQLiteRunState(path: workspace.state),
                configure: { $0.fromStart = true })
            #expect(again.summary.resumedAfterLine == nil)
            #expect(again.ids == (1...10).map { "e\($0)" })
        }

        @Test func aShorterInputThanTheCheckpointIsRefused() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(10))
            _ = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: try SQLiteRunState(path: workspace.state))
            try workspace.write(eventLines(3))
            await #expect(throws: RunError.self) {
                _ = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: try SQLiteRunState(path: workspace.state))
            }
            // The output of the first run is untouched.
            #expect(try workspace.lines(workspace.output).count == 10)
        }
    }
}
