import EventJSON
import Foundation
import NetworkAgents
import Planner
import StandInServers
import Testing

@testable import Runtime

extension NetworkAgentBehaviour {
    /// The circuit breaker against a real HTTP service that goes down and comes back.
    @Suite struct CircuitBreakerIntegrationTests {
        static func pipeline(url: String, breaker: String, retry: String = "0", timeout: String = "500ms") -> String {
            """
            agents:
            - name: crm
              type: http
              url: "\(url)/users/{event.user_id}"
              timeout: \(timeout)
              retry: \(retry)
              circuit_breaker: \(breaker)
              fallback: {default: {segment: none}}
              output:
                segment: data.segment
            """
        }

        static let ok = StandInReply.json("{\"data\":{\"segment\":\"gold\"}}")

        static func event(_ index: Int) -> String { "{\"user_id\":\"u\(index)\"}" }

        @Test func opensAfterFailuresInARowAndThenFailsFastWithoutCalling() async throws {
            let replies = ReplyScript(then: .status(500))
            try await withStandIn(replies.handler) { server in
                let live = try LiveExecutor(compilePlan(Self.pipeline(url: server.baseURL, breaker: "{failures: 3, cooldown: 60s}")))
                for index in 1...3 {
                    let result = try await live.process(Self.event(index))
                    #expect(live.report("crm", in: result)?.reason == "HTTP 500 Internal Server Error from 127.0.0.1")
                }
                #expect(server.requestCount == 3)
                let start = now()
                for index in 4...10 {
                    let result = try await live.process(Self.event(index))
                    let report = try #require(live.report("crm", in: result))
                    #expect(report.outcome == .defaulted)
                    #expect(report.reason == "circuit open")
                    #expect(report.attempts == 0)
                    #expect(result.field("segment") == .string("none"))
                }
                #expect(seconds(since: start) < 0.5, "failing fast took \(seconds(since: start))s for 7 events")
                #expect(server.requestCount == 3, "the service was called while the circuit was open")
                #expect(live.prepared.circuitReports()["crm"] == CircuitReport(opens: 1, phase: "open"))
                await live.shutdown()
            }
        }

        @Test func anOpenCircuitStopsRetriesToo() async throws {
            let replies = ReplyScript(then: .status(503))
            try await withStandIn(replies.handler) { server in
                let plan = try compilePlan(
                    Self.pipeline(url: server.baseURL, breaker: "{failures: 2, cooldown: 60s}", retry: "{attempts: 5, backoff: 10ms, jitter: false}"))
                let live = try LiveExecutor(plan)
                let result = try await live.process(Self.event(1))
                #expect(server.requestCount == 2)
                #expect(live.report("crm", in: result)?.reason == "2 attempts failed; last: HTTP 503 Service Unavailable from 127.0.0.1; circuit open")
                await live.shutdown()
            }
        }

        @Test func closesAgainWhenTheProbeAfterTheCooldownSucceeds() async throws {
            let replies = ReplyScript(then: .status(500))
            try await withStandIn(replies.handler) { server in
                let live = try LiveExecutor(compilePlan(Self.pipeline(url: server.baseURL, breaker: "{failures: 2, cooldown: 300ms}")))
                for index in 1...4 { _ = try await live.process(Self.event(index)) }
                #expect(server.requestCount == 2)
                #expect(live.prepared.circuitReports()["crm"]?.phase == "open")

                // The service recovers; nothing reaches it until the cooldown is over.
                replies.answer(Self.ok)
                try await Task.sleep(for: .milliseconds(350))
                #expect(live.prepared.circuitReports()["crm"]?.phase == "half-open")
                let probe = try await live.process(Self.event(5))
                #expect(probe.field("segment") == .string("gold"))
                #expect(server.requestCount == 3)
                #expect(live.prepared.circuitReports()["crm"] == CircuitReport(opens: 1, phase: "closed"))
                for index in 6...8 {
                    let result = try await live.process(Self.event(index))
                    #expect(result.field("segment") == .string("gold"))
                }
                #expect(server.requestCount == 6)
                await live.shutdown()
            }
        }

        @Test func aFailedProbeOpensItAgain() async throws {
            let replies = ReplyScript(then: .reset)
            try await withStandIn(replies.handler) { server in
                let live = try LiveExecutor(compilePlan(Self.pipeline(url: server.baseURL, breaker: "{failures: 1, cooldown: 200ms}")))
                _ = try await live.process(Self.event(1))
                #expect(server.requestCount == 1)
                try await Task.sleep(for: .milliseconds(250))
                let probe = try await live.process(Self.event(2))
                #expect(server.requestCount == 2)
                #expect(live.report("crm", in: probe)?.outcome == .defaulted)
                let refused = try await live.process(Self.event(3))
                #expect(live.report("crm", in: refused)?.reason == "circuit open")
                #expect(server.requestCount == 2)
                #expect(live.prepared.circuitReports()["crm"] == CircuitReport(opens: 2, phase: "open"))
                await live.shutdown()
            }
        }

        @Test func halfOpenLetsOnlyOneProbeThrough() async throws {
            let replies = ReplyScript([.status(500)], then: .json("{\"data\":{\"segment\":\"gold\"}}", after: .milliseconds(300)))
            try await withStandIn(replies.handler) { server in
                let live = try LiveExecutor(compilePlan(Self.pipeline(url: server.baseURL, breaker: "{failures: 1, cooldown: 100ms}")))
                _ = try await live.process(Self.event(1))
                try await Task.sleep(for: .milliseconds(150))
                // Five events at once: the first becomes the probe (slow), the rest are refused.
                let results = try await withThrowingTaskGroup(of: EventResult.self) { group in
                    for index in 2...6 { group.addTask { try await live.process(Self.event(index)) } }
                    var all: [EventResult] = []
                    for try await result in group { all.append(result) }
                    return all
                }
                #expect(server.requestCount == 2)
                #expect(results.filter { $0.field("segment") == .string("gold") }.count == 1)
                #expect(results.filter { live.report("crm", in: $0)?.reason == "circuit open" }.count == 4)
                #expect(live.prepared.circuitReports()["crm"]?.phase == "closed")
                await live.shutdown()
            }
        }

        @Test func opensOnAFailureRatioOverTheWindow() async throws {
            // Every other call fails: never 3 in a row, but half of the last 6.
            let replies = ReplyScript([Self.ok, .status(500), Self.ok, .status(500), Self.ok, .status(500)], then: Self.ok)
            try await withStandIn(replies.handler) { server in
                let live = try LiveExecutor(
                    compilePlan(Self.pipeline(url: server.baseURL, breaker: "{failures: 3, ratio: 0.5, window: 6, cooldown: 60s}")))
                for index in 1...8 { _ = try await live.process(Self.event(index)) }
                #expect(server.requestCount == 6)
                #expect(live.prepared.circuitReports()["crm"] == CircuitReport(opens: 1, phase: "open"))
                await live.shutdown()
            }
        }

        @Test func notFoundAnswersDoNotOpenTheCircuit() async throws {
            let replies = ReplyScript(then: .status(404))
            try await withStandIn(replies.handler) { server in
                let live = try LiveExecutor(compilePlan(Self.pipeline(url: server.baseURL, breaker: "{failures: 2, cooldown: 60s}")))
                for index in 1...5 { _ = try await live.process(Self.event(index)) }
                #expect(server.requestCount == 5)
                #expect(live.prepared.circuitReports()["crm"] == CircuitReport(opens: 0, phase: "closed"))
                await live.shutdown()
            }
        }

        @Test func httpAgentsHaveABreakerByDefault() async throws {
            let replies = ReplyScript(then: .status(500))
            try await withStandIn(replies.handler) { server in
                let yaml = Self.pipeline(url: server.baseURL, breaker: "off").replacingOccurrences(of: "  circuit_breaker: off\n", with: "")
                let live = try LiveExecutor(compilePlan(yaml))
                for index in 1...8 { _ = try await live.process(Self.event(index)) }
                #expect(server.requestCount == 5)
                await live.shutdown()
            }
        }

        @Test func offMeansEveryEventCalls() async throws {
            let replies = ReplyScript(then: .status(500))
            try await withStandIn(replies.handler) { server in
                let live = try LiveExecutor(compilePlan(Self.pipeline(url: server.baseURL, breaker: "off")))
                for index in 1...8 { _ = try await live.process(Self.event(index)) }
                #expect(server.requestCount == 8)
                #expect(live.prepared.circuitReports()["crm"] == nil)
                await live.shutdown()
            }
        }

        @Test func aRunReportsHowOftenTheCircuitOpened() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            let replies = ReplyScript(then: .status(500))
            try await withStandIn(replies.handler) { server in
                let yaml = Self.pipeline(url: server.baseURL, breaker: "{failures: 3, cooldown: 60s}")
                    .replacingOccurrences(of: "  retry: 0\n", with: "  retry: 0\n  concurrency: 1\n")
                let plan = try compilePlan(yaml)
                try workspace.write((1...20).map { Self.event($0) }.joined(separator: "\n") + "\n", to: "in.jsonl")
                let network = NetworkAgentProvider(plan: plan)
                let runner = try EventStreamRunner(
                    plan: plan, calls: NetworkCalls(network: network), codec: JSONLinesCodec(plan: plan), state: nil, cachePersistence: nil,
                    environment: [:])
                var configuration = RunConfiguration(
                    input: .file(workspace.path("in.jsonl")), output: .file(workspace.path("out.jsonl")), deadLetterPath: workspace.path("dead.jsonl"))
                configuration.workers = 1
                let finalConfiguration = configuration
                let summary = try await bounded(seconds: 20) { try await runner.run(finalConfiguration) }
                await network.shutdown()

                #expect(server.requestCount == 3)
                #expect(summary.metrics.circuits["crm"] == CircuitReport(opens: 1, phase: "open"))
                #expect(summary.metrics.agents["crm"]?.outcomes[.defaulted] == 20)
                #expect(summary.text(agentOrder: ["crm"]).contains("circuit breaker of crm: opened 1 time, now open"))
                let json = summary.metrics.json(elapsedSeconds: summary.elapsedSeconds, agentOrder: ["crm"])
                #expect(json[path: ["agents", "crm", "circuit"]] == .object(JSONObject([("opens", .int(1)), ("state", .string("open"))])))
                let reasons = workspace.lines("out.jsonl").compactMap { line in
                    (try? JSONReader.parse(Array(line.utf8)))?[path: ["_enrichment", "agents", "crm", "reason"]]
                }
                #expect(reasons.filter { $0 == .string("circuit open") }.count == 17)
            }
        }
    }
}
