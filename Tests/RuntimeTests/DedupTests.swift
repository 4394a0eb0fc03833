import EventJSON
import Foundation
import Planner
import Runtime
import RuntimeState
import Testing

extension RuntimeBehaviour {
    /// Events repeating a `dedup.key` within the window are dropped and audited as duplicates.
    @Suite struct DedupTests {
        static func pipeline(window: String) -> String {
            """
            pipeline: dedup
            dedup:
              key: event.id
              window: \(window)
            agents:
              - name: tag
                type: function
                timeout: 1s
                input:
                  id: event.id
                output:
                  tag: value
            """
        }

        @Test func repeatedKeysWithinTheWindowAreDroppedAndAuditedAsDuplicates() async throws {
            let plan = try Pipelines.plan(Self.pipeline(window: "10m"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            // Repeats inside one batch and across batches (batch size 3).
            let ids = ["a", "b", "a", "c", "b", "d", "a", "e", "c"]
            try workspace.write(ids.enumerated().map { "{\"id\":\"\($1)\",\"seq\":\($0)}" })
            let state = try SQLiteRunState(path: workspace.state)
            let log = CallLog()
            let result = try await runPlan(
                plan, calls: ["tag": Behaviour.inline("tag", log: log)], in: workspace, state: state,
                configure: { $0.batchSize = 3; $0.workers = 1 })
            #expect(result.ids == ["a", "b", "c", "d", "e"])
            // The first occurrence is the one kept.
            #expect(result.events.map { $0.int("seq") ?? -1 } == [0, 1, 3, 5, 7])
            #expect(log.count("tag") == 5, "duplicates must not be enriched")
            let audit = try state.store.auditCounts()
            #expect(audit[.duplicate] == 4)
            #expect(audit[.complete] == 5)
            #expect(result.summary.metrics.statuses["duplicate"] == 4)
            #expect(result.output.count + result.deadLetter.count + 4 == ids.count)
        }

        @Test func aKeyPassesAgainOnceTheWindowHasEnded() async throws {
            let plan = try Pipelines.plan(Self.pipeline(window: "2s"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            let state = try SQLiteRunState(path: workspace.state)
            func run(_ name: String, _ ids: [String]) async throws -> [String] {
                let input = workspace.path("\(name).jsonl")
                try workspace.write(ids.map { "{\"id\":\"\($0)\"}" }, to: input)
                let result = try await runPlan(
                    plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: state,
                    configure: { $0 = workspace.configuration(input: input, output: workspace.path("\(name).out.jsonl")) })
                return result.ids
            }
            let started = now()
            #expect(try await run("first", ["k1", "k2", "k1"]) == ["k1", "k2"])
            // Another input within the window: still duplicates (the window spans runs and inputs).
            let second = try await run("second", ["k3", "k1"])
            let elapsed = milliseconds(now() - started)
            if elapsed < 1800 {
                #expect(second == ["k3"])
            }
            try await Task.sleep(nanoseconds: 2_300_000_000)
            // After the window, the same keys are new events again.
            #expect(try await run("third", ["k1", "k2", "k1"]) == ["k1", "k2"])
            let audit = try state.store.auditCounts()
            #expect(audit[.duplicate] == (elapsed < 1800 ? 3 : audit[.duplicate]))
        }

        /// With several workers, the event kept must still be the first of its key in the
        /// input, whichever worker gets to its batch first.
        @Test func theFirstOccurrenceIsKeptWhenALaterBatchIsCheckedFirst() async throws {
            let plan = try Pipelines.plan(Self.pipeline(window: "10m"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            // One event per batch, two workers taking batches in turn: worker 0 gets `slow` then
            // the first `k`; worker 1 gets `quick` then the second `k`, and reaches it first.
            try workspace.write([#"{"id":"slow"}"#, #"{"id":"quick"}"#, #"{"id":"k","seq":1}"#, #"{"id":"k","seq":2}"#])
            let tag = AgentCall.awaited { request in
                if request.inputs["id"] == .string("slow") { try? await Task.sleep(nanoseconds: 300_000_000) }
                return .object(JSONObject([("value", .string("v"))]))
            }
            let result = try await runPlan(
                plan, calls: ["tag": tag], in: workspace, state: try SQLiteRunState(path: workspace.state),
                configure: { $0.batchSize = 1; $0.workers = 2 })
            #expect(result.ids == ["slow", "quick", "k"])
            #expect(result.events.last?.int("seq") == 1, "the later duplicate was kept and the first occurrence dropped")
        }

        /// Dedup records which event presented a key so a replay after a crash is not taken
        /// for a duplicate of itself; an event of another input that happens to sit on the same
        /// line number is not a replay.
        @Test func aRepeatedKeyOnTheSameLineNumberOfAnotherInputIsADuplicate() async throws {
            let plan = try Pipelines.plan(Self.pipeline(window: "10m"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            let state = try SQLiteRunState(path: workspace.state)
            try workspace.write([#"{"id":"k1"}"#], to: workspace.path("first.jsonl"))
            try workspace.write([#"{"id":"k1"}"#], to: workspace.path("second.jsonl"))
            let first = try await runPlan(
                plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: state,
                configure: { $0 = workspace.configuration(input: workspace.path("first.jsonl"), output: workspace.path("first.out")) })
            #expect(first.ids == ["k1"])
            let second = try await runPlan(
                plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: state,
                configure: { $0 = workspace.configuration(input: workspace.path("second.jsonl"), output: workspace.path("second.out")) })
            #expect(second.ids == [], "k1 passed dedup again because it sits on line 1 of both inputs")
            #expect(try state.store.auditCounts()[.duplicate] == 1)
        }

        @Test func eventsWithoutTheKeyAreNeverDuplicates() async throws {
            let plan = try Pipelines.plan(Self.pipeline(window: "10m"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write([#"{"other":1}"#, #"{"other":2}"#, #"{"id":null}"#, #"{"id":null}"#])
            let result = try await runPlan(
                plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: try SQLiteRunState(path: workspace.state))
            #expect(result.output.count == 4)
        }
    }
}
