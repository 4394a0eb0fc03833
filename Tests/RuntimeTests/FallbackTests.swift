import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// What happens once every attempt failed: cache, default, skip, fail.
    @Suite struct FallbackTests {
        static func pipeline(fallback: String, extra: String = "") -> String {
            """
            pipeline: fallbacks
            agents:
              - name: crm
                type: function
                timeout: 1s
                fallback: \(fallback)
            \(extra.isEmpty ? "" : "    " + extra)
                input:
                  user_id: event.user_id
                output:
                  segment: segment
                  score: score
              - name: other
                type: function
                timeout: 1s
                input:
                  id: event.id
                output:
                  other_value: value
            """
        }

        static let vip: JSONValue = .object(JSONObject([("segment", .string("vip")), ("score", .int(7))]))
        static let t0: Int64 = 1_800_000_000_000_000

        // MARK: cache

        @Test func aStaleCachedValueFromAnEarlierRunIsUsedWhenTheAgentFailsAfterTheTTL() async throws {
            let plan = try Pipelines.plan(Self.pipeline(fallback: "cache", extra: "cache: {ttl: 1m}"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let log = CallLog()
            let other = Behaviour.slow("other", milliseconds: 1)
            do {
                let state = try SQLiteRunState(path: workspace.state)
                let first = try await runPlan(
                    plan, calls: ["crm": Behaviour.slow("crm", milliseconds: 1, log: log, result: { _ in Self.vip }), "other": other],
                    in: workspace, state: state, wallClock: { Self.t0 })
                #expect(first.events.first?.string("_enrichment", "agents", "crm", "outcome") == "ok")
            }
            // A new process: the cache comes back from the SQLite file, two minutes later.
            try workspace.write(eventLines(1), to: workspace.path("in2.jsonl"))
            let state = try SQLiteRunState(path: workspace.state)
            let second = try await runPlan(
                plan, calls: ["crm": Behaviour.broken("crm", log: log), "other": other], in: workspace, state: state,
                wallClock: { Self.t0 + 120_000_000 },
                configure: { $0 = workspace.configuration(input: workspace.path("in2.jsonl"), output: workspace.path("out2.jsonl")) })
            let event = try #require(second.events.first)
            #expect(log.count("crm") == 2, "the expired entry must not count as a fresh hit")
            #expect(event.string("_enrichment", "agents", "crm", "outcome") == "stale_cache")
            #expect(event.int("_enrichment", "agents", "crm", "attempts") == 1)
            #expect(event.string("segment") == "vip")
            #expect(event.int("score") == 7)
            #expect(event.string("_enrichment", "status") == "partial")
        }

        @Test func aStaleValueCachedEarlierInTheSameRunIsUsedAfterTheTTL() async throws {
            let plan = try Pipelines.plan(Self.pipeline(fallback: "cache", extra: "cache: {key: event.user_id, ttl: 1m}"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            // The same user three times; the clock jumps past the TTL once the first result is stored.
            try workspace.write((1...3).map { "{\"id\":\"e\($0)\",\"user_id\":\"u1\"}" })
            let clockReads = Locked(0)
            let clock: @Sendable () -> Int64 = {
                let read = clockReads.update { count -> Int in
                    count += 1
                    return count
                }
                return read == 1 ? Self.t0 : Self.t0 + 120_000_000
            }
            let calls = Locked(0)
            let crm = AgentCall.awaited { _ throws(AgentCallFailure) in
                let count = calls.update { count -> Int in
                    count += 1
                    return count
                }
                if count == 1 { return Self.vip }
                throw AgentCallFailure("crm is down", retryable: false)
            }
            let result = try await runPlan(
                plan, calls: ["crm": crm, "other": Behaviour.slow("other", milliseconds: 1)], in: workspace, wallClock: clock,
                configure: { $0.workers = 1; $0.batchSize = 1 })
            let outcomes = result.events.map { $0.string("_enrichment", "agents", "crm", "outcome") ?? "-" }
            #expect(outcomes == ["ok", "stale_cache", "stale_cache"])
            #expect(result.events.map { $0.string("segment") ?? "-" } == ["vip", "vip", "vip"])
            #expect(calls.value == 3)
        }

        @Test func cacheFallbackWithNothingCachedSkipsTheAgentAndSaysWhy() async throws {
            let plan = try Pipelines.plan(Self.pipeline(fallback: "cache"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(1))
            let result = try await runPlan(plan, calls: ["crm": Behaviour.broken("crm"), "other": Behaviour.slow("other", milliseconds: 1)], in: workspace)
            let event = try #require(result.events.first)
            #expect(event.string("_enrichment", "agents", "crm", "outcome") == "skipped")
            #expect(event.string("_enrichment", "agents", "crm", "reason")?.contains("nothing cached") == true)
            #expect(event.value("segment") == nil)
            #expect(event.string("_enrichment", "status") == "partial")
        }

        /// `fallback: cache` without a `cache:` block: a cache keyed by the inputs, TTL 5m.
        @Test func fallbackCacheWithoutACacheBlockCachesByInputsForFiveMinutes() async throws {
            let plan = try Pipelines.plan(Self.pipeline(fallback: "cache"))
            let crmPlan = try #require(plan.agents.first { $0.name == "crm" })
            #expect(crmPlan.cache?.ttlMicroseconds == 300_000_000)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write((1...3).map { "{\"id\":\"e\($0)\",\"user_id\":\"u1\"}" })
            // Clock: the first result is stored at t0; the second event looks 4 minutes later
            // (fresh), the third 6 minutes later (stale, and the CRM is down by then).
            let reads = Locked(0)
            let clock: @Sendable () -> Int64 = {
                switch reads.update({ count -> Int in
                    count += 1
                    return count
                }) {
                case 1: Self.t0
                case 2: Self.t0 + 240_000_000
                default: Self.t0 + 360_000_000
                }
            }
            let calls = Locked(0)
            let crm = AgentCall.awaited { _ throws(AgentCallFailure) in
                if calls.update({ count -> Int in
                    count += 1
                    return count
                }) == 1 {
                    return Self.vip
                }
                throw AgentCallFailure("crm is down", retryable: false)
            }
            let result = try await runPlan(
                plan, calls: ["crm": crm, "other": Behaviour.slow("other", milliseconds: 1)], in: workspace, wallClock: clock,
                configure: { $0.workers = 1; $0.batchSize = 1 })
            #expect(result.events.map { $0.string("_enrichment", "agents", "crm", "outcome") ?? "-" } == ["ok", "cached", "stale_cache"])
            #expect(result.events.map { $0.string("segment") ?? "-" } == ["vip", "vip", "vip"])
            #expect(calls.value == 2)
        }

        // MARK: default

        @Test func defaultFallbackWritesTheDeclaredValuesAndMarksTheEventPartial() async throws {
            let plan = try Pipelines.plan(Self.pipeline(fallback: "{default: {segment: unknown, score: 0}}"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(2))
            let result = try await runPlan(
                plan, calls: ["crm": Behaviour.broken("crm", retryable: false), "other": Behaviour.slow("other", milliseconds: 1)], in: workspace)
            #expect(result.output.count == 2)
            for event in result.events {
                #expect(event.string("segment") == "unknown")
                #expect(event.int("score") == 0)
                #expect(event.string("other_value") == "v")
                #expect(event.string("_enrichment", "agents", "crm", "outcome") == "default")
                #expect(event.string("_enrichment", "agents", "crm", "reason") == "crm is down")
                #expect(event.string("_enrichment", "agents", "other", "outcome") == "ok")
                #expect(event.string("_enrichment", "status") == "partial")
            }
        }

        // MARK: skip

        @Test func skipFallbackLeavesTheOutputsOutAndMarksTheEventPartial() async throws {
            let plan = try Pipelines.plan(Self.pipeline(fallback: "skip"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(eventLines(2))
            let result = try await runPlan(
                plan, calls: ["crm": Behaviour.broken("crm"), "other": Behaviour.slow("other", milliseconds: 1)], in: workspace)
            #expect(result.output.count == 2)
            #expect(result.deadLetter.isEmpty)
            for event in result.events {
                #expect(event.value("segment") == nil)
                #expect(event.value("score") == nil)
                #expect(event.string("other_value") == "v")
                #expect(event.string("_enrichment", "agents", "crm", "outcome") == "skipped")
                #expect(event.string("_enrichment", "status") == "partial")
            }
        }

        // MARK: fail

        @Test(arguments: [false, true])
        func failFallbackSendsTheEventToTheDeadLetterWithTheReasonAndItsEnrichment(inline: Bool) async throws {
            let plan = try Pipelines.plan(Self.pipeline(fallback: "fail"))
            let workspace = try Workspace()
            defer { workspace.remove() }
            // The CRM fails for user u2 only.
            try workspace.write(eventLines(3))
            let crm: AgentCall
            if inline {
                crm = .inline { request throws(AgentCallFailure) in
                    if request.inputs["user_id"] == .string("u2") { throw AgentCallFailure("no such user", retryable: false) }
                    return Self.vip
                }
            } else {
                crm = .awaited { request throws(AgentCallFailure) in
                    if request.inputs["user_id"] == .string("u2") { throw AgentCallFailure("no such user", retryable: false) }
                    return Self.vip
                }
            }
            let other = inline ? Behaviour.inline("other") : Behaviour.slow("other", milliseconds: 1)
            let result = try await runPlan(plan, calls: ["crm": crm, "other": other], in: workspace)
            #expect(result.ids == ["e1", "e3"])
            try #require(result.deadLetter.count == 1)
            let dead = try #require(result.deadLetterObjects.first)
            #expect(dead.int("line") == 2)
            #expect(dead.string("reason")?.contains("crm") == true)
            #expect(dead.string("reason")?.contains("no such user") == true)
            #expect(dead.string("_enrichment", "status") == "failed")
            #expect(dead.string("_enrichment", "agents", "crm", "outcome") == "failed")
            #expect(dead.value("_enrichment", "error") != nil)
            // The original event, untouched.
            #expect(dead.value("event") == (try JSONReader.parse(eventLines(3)[1])))
            #expect(result.summary.metrics.statuses["failed"] == 1)
            #expect(result.summary.metrics.statuses["complete"] == 2)
        }
    }
}
