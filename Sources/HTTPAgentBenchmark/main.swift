// Events per second through an `http` agent against a stand-in server on 127.0.0.1:
// a healthy service, then a failing one with the circuit breaker on and off.
// Run: swift run -c release HTTPAgentBenchmark [events]
import Diagnostics
import Foundation
import NetworkAgents
import PipelineChecks
import Planner
import Runtime
import StandInServers

struct Figures {
    var eventsPerSecond: Double
    var requests: Int
    var maxConnections: Int
    var outcomes: [AgentOutcome: Int]
}

func plan(url: String, breaker: String) throws -> Plan {
    let yaml = """
        pipeline: http_benchmark
        agents:
        - name: crm
          type: http
          url: "\(url)/users/{event.user_id}"
          timeout: 2s
          concurrency: 32
          circuit_breaker: \(breaker)
          fallback: {default: {segment: unknown}}
          output:
            segment: data.segment
        """
    let result = Linter.lint(SourceFile(path: "benchmark.yaml", text: yaml))
    guard let checked = result.pipeline, !result.hasErrors else {
        throw RunError.agentLoadFailed(agent: "crm", reason: result.diagnostics.map(\.message).joined(separator: "; "))
    }
    return try PlanCompiler.compile(checked, compiler: "HTTPAgentBenchmark")
}

func run(events: Int, reply: StandInReply, breaker: String, directory: URL) async throws -> Figures {
    let server = try await StandInServer.start(keepingRequests: 0) { _ in reply }
    let plan = try plan(url: server.baseURL, breaker: breaker)
    let input = directory.appendingPathComponent("in.jsonl").path
    let output = directory.appendingPathComponent("out.jsonl").path
    let network = NetworkAgentProvider(plan: plan)
    let runner = try EventStreamRunner(
        plan: plan, calls: NetworkCalls(network: network), codec: JSONLinesCodec(plan: plan), state: nil, cachePersistence: nil, environment: [:])
    var configuration = RunConfiguration(input: .file(input), output: .file(output), deadLetterPath: output + ".dead")
    configuration.workers = 2
    let summary = try await runner.run(configuration)
    await network.shutdown()
    let seen = server.seen
    await server.stop()
    return Figures(
        eventsPerSecond: Double(summary.events) / summary.elapsedSeconds, requests: seen.requestCount, maxConnections: seen.maxOpenConnections,
        outcomes: summary.metrics.agents["crm"]?.outcomes ?? [:])
}

struct NetworkCalls: AgentCallProvider {
    let network: NetworkAgentProvider
    func makeCall(for agent: PlanAgent) throws -> AgentCall? { network.makeCall(for: agent) }
}

let events = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-http-benchmark-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let lines = (0..<events).map { "{\"id\":\"e\($0)\",\"user_id\":\"u\($0 % 5000)\"}\n" }.joined()
try Data(lines.utf8).write(to: directory.appendingPathComponent("in.jsonl"))

let healthy = try await run(events: events, reply: .json("{\"data\":{\"segment\":\"gold\"}}"), breaker: "{failures: 5, cooldown: 10s}", directory: directory)
print("healthy service:          \(Int(healthy.eventsPerSecond)) events/s, \(healthy.requests) requests, at most \(healthy.maxConnections) connections (concurrency 32)")
let open = try await run(events: events, reply: .status(500), breaker: "{failures: 5, cooldown: 60s}", directory: directory)
print("failing, circuit breaker: \(Int(open.eventsPerSecond)) events/s, \(open.requests) requests reached the service")
let off = try await run(events: events, reply: .status(500), breaker: "off", directory: directory)
print("failing, breaker off:     \(Int(off.eventsPerSecond)) events/s, \(off.requests) requests reached the service")
print(String(format: "circuit open vs breaker off: %.1fx the events/s, %.4f of the requests", open.eventsPerSecond / off.eventsPerSecond, Double(open.requests) / Double(max(1, off.requests))))
