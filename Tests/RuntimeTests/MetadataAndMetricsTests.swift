import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// `_enrichment` on every output event, and run metrics that agree with it.
    @Suite struct MetadataAndMetricsTests {
        static let pipeline = """
            pipeline: metadata
            agents:
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
                retry: {attempts: 2, backoff: 1ms, jitter: false}
                input:
                  n: event.n
                output:
                  remote_value: value
              - name: reviews
                type: function
                timeout: 1s
                when: event.type == "review"
                fallback: {default: {score: 0}}
                input:
                  n: event.n
                output:
                  score: score
              - name: summary
                type: expr
                output:
                  label: concat(to_string(local.local_value ?? "-"), "/", to_string(remote.remote_value ?? "-"))
            """

        /// remote: fails (retryably) for n % 4 == 1 on the first attempt, always for n % 5 == 0.
        /// reviews: fails for n % 3 == 0.
        static func calls(remoteDelay: UInt64 = 3_000_000) -> [String: AgentCall] {
            let seen = Locked<Set<Int64>>([])
            return [
                "local": Behaviour.inline("local"),
                "remote": .awaited { request throws(AgentCallFailure) in
                    try? await Task.sleep(nanoseconds: remoteDelay)
                    guard case .int(let n)? = request.inputs["n"] else { throw AgentCallFailure("no n", retryable: false) }
                    if n % 5 == 0 { throw AgentCallFailure("n is a multiple of 5", retryable: false) }
                    if n % 4 == 1, seen.update({ $0.insert(n).inserted }) { throw AgentCallFailure("first try fails", retryable: true) }
                    return .object(JSONObject([("value", .int(n))]))
                },
                "reviews": .inline { request throws(AgentCallFailure) in
                    guard case .int(let n)? = request.inputs["n"] else { throw AgentCallFailure("no n", retryable: false) }
                    if n % 3 == 0 { throw AgentCallFailure("no score", retryable: false) }
                    return .object(JSONObject([("score", .int(n * 10))]))
                },
            ]
        }

        static let lines = eventLines(60) { "\"n\":\($0),\"type\":\"\($0 % 2 == 0 ? "review" : "page_view")\"" }

        @Test func everyOutputEventCarriesItsStatusAndEachAgentsOutcomeAttemptsAndLatency() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.lines)
            let result = try await runPlan(plan, calls: Self.calls(), in: workspace, configure: { $0.batchSize = 8 })
            #expect(result.output.count == 60)
            for (offset, event) in result.events.enumerated() {
                let n = Int64(offset + 1)
                let metadata = try #require(event.value("_enrichment"), "event \(n) has no _enrichment")
                #expect(event.keys.last == "_enrichment")
                let status = metadata.string("status")
                let agents = try #require(metadata.value("agents"))
                // Agents whose guard does not hold are not mentioned.
                let expectedAgents = n % 2 == 0 ? ["local", "remote", "reviews", "summary"] : ["local", "remote", "summary"]
                #expect(agents.keys.sorted() == expectedAgents.sorted(), "event \(n)")
                for name in agents.keys {
                    #expect(agents.string(name, "outcome") != nil)
                    #expect((agents.int(name, "attempts") ?? -1) >= 0)
                    #expect((agents.int(name, "latency_us") ?? -1) >= 0)
                }
                let eventLatency = try #require(metadata.int("latency_us"))
                #expect(eventLatency >= (agents.int("remote", "latency_us") ?? 0))
                // remote
                if n % 5 == 0 {
                    #expect(agents.string("remote", "outcome") == "skipped")
                    #expect(agents.int("remote", "attempts") == 1)
                    #expect(agents.string("remote", "reason") == "n is a multiple of 5")
                } else {
                    #expect(agents.string("remote", "outcome") == "ok")
                    #expect(agents.int("remote", "attempts") == (n % 4 == 1 ? 2 : 1), "event \(n)")
                    #expect((agents.int("remote", "latency_us") ?? 0) >= 3000, "remote sleeps 3ms per attempt")
                    #expect(event.int("remote_value") == n)
                }
                // reviews
                if n % 2 == 0 {
                    #expect(agents.string("reviews", "outcome") == (n % 3 == 0 ? "default" : "ok"))
                    #expect(event.int("score") == (n % 3 == 0 ? 0 : n * 10))
                } else {
                    #expect(event.value("score") == nil)
                }
                #expect(event.string("label") == "v/" + (n % 5 == 0 ? "-" : "\(n)"))
                let degraded = n % 5 == 0 || (n % 2 == 0 && n % 3 == 0)
                #expect(status == (degraded ? "partial" : "complete"), "event \(n)")
            }
        }

        /// With 64 workers, several share one metrics slot (slots stop at two per core).
        @Test(arguments: [2, 64])
        func runMetricsCountTheSameOutcomesAndStatusesAsTheOutput(workers: Int) async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.lines + ["not json"])
            let result = try await runPlan(plan, calls: Self.calls(), in: workspace, configure: {
                $0.batchSize = 2
                $0.workers = workers
            })
            let metrics = result.summary.metrics
            #expect(metrics.events == 61)
            #expect(result.summary.events == 61)
            var statuses: [String: Int] = ["malformed": 1]
            var outcomes: [String: [String: Int]] = [:]
            for event in result.events {
                statuses[event.string("_enrichment", "status") ?? "?", default: 0] += 1
                for name in event.value("_enrichment", "agents")?.keys ?? [] {
                    outcomes[name, default: [:]][event.string("_enrichment", "agents", name, "outcome") ?? "?", default: 0] += 1
                }
            }
            #expect(metrics.statuses == statuses)
            for (name, counts) in outcomes {
                let recorded = Dictionary(uniqueKeysWithValues: (metrics.agents[name]?.outcomes ?? [:]).map { ($0.key.rawValue, $0.value) })
                #expect(recorded == counts, "outcomes of \(name)")
            }
            #expect(Set(metrics.agents.keys) == Set(outcomes.keys))
            // remote: one latency sample per event that called it.
            #expect(metrics.agents["remote"]?.latency.totalCount == 60)
            #expect(metrics.eventLatency.totalCount == 60)
        }

        @Test func metricsJSONHasLatencyPercentilesPerAgentAndForEvents() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.lines)
            let result = try await runPlan(plan, calls: Self.calls(remoteDelay: 5_000_000), in: workspace, configure: { $0.batchSize = 8 })
            let json = result.summary.metrics.json(elapsedSeconds: result.summary.elapsedSeconds, agentOrder: plan.agents.map(\.name))
            // It round-trips through the JSON writer and reader.
            let reparsed = try JSONReader.parse(json.jsonText)
            #expect(reparsed == json)
            #expect(json.int("events") == 60)
            #expect(json.int("statuses", "complete").map(Int.init) == result.summary.metrics.statuses["complete"])
            func checkSummary(_ value: JSONValue?, _ what: String, atLeast minimum: Int64 = 0) throws {
                let summary = try #require(value, "\(what) missing")
                let p50 = try #require(summary.int("p50"), "\(what).p50")
                let p99 = try #require(summary.int("p99"), "\(what).p99")
                let max = try #require(summary.int("max"), "\(what).max")
                #expect(summary.int("count") ?? 0 > 0)
                #expect(p50 >= minimum && p50 <= p99 && p99 <= max, "\(what): p50 \(p50), p99 \(p99), max \(max)")
            }
            try checkSummary(json.value("event_latency_us"), "event_latency_us", atLeast: 5000)
            try checkSummary(json.value("agents", "remote", "latency_us"), "remote", atLeast: 5000)
            try checkSummary(json.value("agents", "local", "latency_us"), "local")
            #expect(json.int("agents", "remote", "outcomes", "ok") == 48)
            #expect(json.int("agents", "remote", "outcomes", "skipped") == 12)
            #expect(json.int("agents", "reviews", "outcomes", "default") == 10)
            // The agents appear in the order asked for.
            #expect(json.value("agents")?.keys == plan.agents.map(\.name).filter { json.value("agents", $0) != nil })
        }
    }
}
