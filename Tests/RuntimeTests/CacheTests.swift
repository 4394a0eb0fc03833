import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// Fresh cache hits within the TTL replace the call.
    @Suite struct CacheTests {
        static let pipeline = """
            pipeline: cached
            agents:
              - name: crm
                type: function
                timeout: 1s
                cache: {key: event.user_id, ttl: 5m}
                input:
                  user_id: event.user_id
                output:
                  segment: segment
            """

        static let t0: Int64 = 1_800_000_000_000_000

        /// Ten events, all for user u1.
        static let sameUser = (1...10).map { "{\"id\":\"e\($0)\",\"user_id\":\"u1\"}" }

        static func segment(for inputs: JSONObject) -> JSONValue {
            .object(JSONObject([("segment", .string("seg-" + (inputs["user_id"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "?")))]))
        }

        @Test func aFreshHitOfAnInlineAgentDoesNotCallIt() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.sameUser)
            let log = CallLog()
            let result = try await runPlan(plan, calls: ["crm": Behaviour.inline("crm", log: log, result: Self.segment)], in: workspace, wallClock: { Self.t0 })
            #expect(log.count("crm") == 1)
            let outcomes = result.events.map { $0.string("_enrichment", "agents", "crm", "outcome") ?? "-" }
            #expect(outcomes == ["ok"] + Array(repeating: "cached", count: 9))
            #expect(result.events.allSatisfy { $0.string("segment") == "seg-u1" })
            #expect(result.events.dropFirst().allSatisfy { $0.int("_enrichment", "agents", "crm", "attempts") == 0 })
            #expect(result.events.allSatisfy { $0.string("_enrichment", "status") == "complete" }, "a cache hit is not a degraded outcome")
            #expect(result.summary.metrics.agents["crm"]?.outcomes[.cached] == 9)
        }

        @Test func aFreshHitOfAnAwaitedAgentDoesNotCallIt() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.sameUser)
            let log = CallLog()
            let result = try await runPlan(
                plan, calls: ["crm": Behaviour.slow("crm", milliseconds: 5, log: log, result: Self.segment)], in: workspace,
                wallClock: { Self.t0 }, configure: { $0.workers = 1; $0.batchSize = 1 })
            #expect(log.count("crm") == 1)
            let outcomes = result.events.map { $0.string("_enrichment", "agents", "crm", "outcome") ?? "-" }
            #expect(outcomes == ["ok"] + Array(repeating: "cached", count: 9))
            #expect(result.events.allSatisfy { $0.string("segment") == "seg-u1" })
        }

        @Test func differentKeysAreCachedSeparately() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write((1...9).map { "{\"id\":\"e\($0)\",\"user_id\":\"u\($0 % 3)\"}" })
            let log = CallLog()
            let result = try await runPlan(plan, calls: ["crm": Behaviour.inline("crm", log: log, result: Self.segment)], in: workspace, wallClock: { Self.t0 })
            #expect(log.count("crm") == 3)
            #expect(result.events.map { $0.string("segment") ?? "-" } == (1...9).map { "seg-u\($0 % 3)" })
        }

        @Test func aFreshEntryPersistedByAnEarlierRunIsAHitAndAnExpiredOneIsNot() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(3))
            let log = CallLog()
            do {
                let state = try SQLiteRunState(path: workspace.state)
                _ = try await runPlan(plan, calls: ["crm": Behaviour.inline("crm", log: log, result: Self.segment)], in: workspace, state: state, wallClock: { Self.t0 })
            }
            #expect(log.count("crm") == 3)
            // 4 minutes later (TTL 5m): every user is a fresh hit.
            try workspace.write(eventLines(3, prefix: "f"), to: workspace.path("in2.jsonl"))
            let fresh = try await runPlan(
                plan, calls: ["crm": Behaviour.inline("crm", log: log, result: Self.segment)], in: workspace,
                state: try SQLiteRunState(path: workspace.state), wallClock: { Self.t0 + 240_000_000 },
                configure: { $0 = workspace.configuration(input: workspace.path("in2.jsonl"), output: workspace.path("out2.jsonl")) })
            #expect(log.count("crm") == 3)
            #expect(fresh.events.map { $0.string("_enrichment", "agents", "crm", "outcome") ?? "-" } == ["cached", "cached", "cached"])
            #expect(fresh.events.map { $0.string("segment") ?? "-" } == ["seg-u1", "seg-u2", "seg-u3"])
            // 6 minutes later: expired, so called again.
            try workspace.write(eventLines(3, prefix: "g"), to: workspace.path("in3.jsonl"))
            let expired = try await runPlan(
                plan, calls: ["crm": Behaviour.inline("crm", log: log, result: Self.segment)], in: workspace,
                state: try SQLiteRunState(path: workspace.state), wallClock: { Self.t0 + 360_000_000 },
                configure: { $0 = workspace.configuration(input: workspace.path("in3.jsonl"), output: workspace.path("out3.jsonl")) })
            #expect(log.count("crm") == 6)
            #expect(expired.events.map { $0.string("_enrichment", "agents", "crm", "outcome") ?? "-" } == ["ok", "ok", "ok"])
        }

        /// An in-process agent beside an awaited one: the event takes the awaiting path, and
        /// the in-process agent must still run once, reported as called (not as a cache hit
        /// of the result it has just produced).
        @Test func anInlineAgentBesideAnAwaitedAgentIsCalledOncePerEvent() async throws {
            let plan = try Pipelines.plan("""
                pipeline: mixed
                agents:
                  - name: crm
                    type: function
                    timeout: 1s
                    cache: {key: event.user_id, ttl: 5m}
                    input:
                      user_id: event.user_id
                    output:
                      segment: segment
                  - name: local
                    type: function
                    timeout: 1s
                    input:
                      id: event.id
                    output:
                      local_value: value
                  - name: remote
                    type: function
                    timeout: 1s
                    input:
                      id: event.id
                    output:
                      remote_value: value
                """)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(4))
            let log = CallLog()
            let result = try await runPlan(
                plan,
                calls: [
                    "crm": Behaviour.inline("crm", log: log, result: Self.segment),
                    "local": Behaviour.inline("local", log: log),
                    "remote": Behaviour.slow("remote", milliseconds: 5, log: log),
                ], in: workspace, wallClock: { Self.t0 })
            #expect(result.output.count == 4)
            #expect(log.count("remote") == 4)
            #expect(log.count("local") == 4, "`local` was called \(log.count("local")) times for 4 events")
            #expect(log.count("crm") == 4, "`crm` was called \(log.count("crm")) times for 4 events")
            let outcomes = result.events.map { $0.string("_enrichment", "agents", "crm", "outcome") ?? "-" }
            #expect(outcomes == ["ok", "ok", "ok", "ok"], "four different users, four calls: none is a cache hit")
        }
    }
}
