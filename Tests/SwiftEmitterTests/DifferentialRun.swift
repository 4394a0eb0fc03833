import Agents
import EventJSON
import Foundation
import GeneratedPipelines
import Planner
import Runtime
import Testing

/// Runs one plan over an event file with the interpreter or a generated pipeline, through
/// the same runner, reader, writer and state, and returns the lines written.
enum DifferentialRun {
    /// The generated pipeline type of every fixture that can run in-process.
    static let compiled: [String: any CompiledPipeline.Type] = [
        "martech-local": MartechLocalPipeline.self,
        "clickstream": ClickstreamSessionsPipeline.self,
        "random_dag_1": RandomDag1Pipeline.self,
        "random_dag_2": RandomDag2Pipeline.self,
        "random_dag_3": RandomDag3Pipeline.self,
        "random_dag_4": RandomDag4Pipeline.self,
        "random_dag_5": RandomDag5Pipeline.self,
        "random_dag_6": RandomDag6Pipeline.self,
        "random_dag_7": RandomDag7Pipeline.self,
        "random_dag_8": RandomDag8Pipeline.self,
    ]

    struct Output: Equatable {
        var enriched: [String]
        var deadLetter: [String]
    }

    enum Engine { case interpreter, generated(any CompiledPipeline.Type) }

    static func run(
        _ plan: Plan, engine: Engine, events: URL, faults: (seed: UInt64, rate: Double)? = nil, directory: URL
    ) async throws -> Output {
        var calls: any AgentCallProvider = InProcessOnly(calls: InProcessAgentCalls(baseDirectory: EmitterFixtures.packageRoot))
        if let faults { calls = FaultInjectingCalls(wrapping: calls, seed: faults.seed, rate: faults.rate) }
        let state = try SQLiteRunState(path: ":memory:")
        let prepared = try PreparedPipeline(plan: plan, calls: calls, cachePersistence: state)
        let processor: any EventProcessor
        switch engine {
        case .interpreter: processor = prepared.makeInterpreter()
        case .generated(let type): processor = type.init(prepared)
        }
        let runner = EventStreamRunner(plan: plan, processor: processor, codec: JSONLinesCodec(plan: plan), state: state)
        let output = directory.appendingPathComponent("out-\(UUID().uuidString).jsonl")
        let deadLetter = directory.appendingPathComponent("dead-\(UUID().uuidString).jsonl")
        var configuration = RunConfiguration(input: .file(events.path), output: .file(output.path), deadLetterPath: deadLetter.path)
        // One worker, and one event per batch under faults: calls happen in the same order
        // in both runs, so caches and injected faults see the same sequence.
        configuration.workers = 1
        configuration.batchSize = faults == nil ? 32 : 1
        _ = try await runner.run(configuration)
        var enriched = try lines(output)
        var failed = try lines(deadLetter)
        if faults != nil {
            // Once an agent fails the event, the interpreter drops agents still in flight,
            // which depends on timing (a retry pause against a failure): compare the rest.
            let agents = try Regex(#""agents":\{(?:"[^"]*":\{[^{}]*\},?)*\}"#)
            failed = failed.map { $0.replacing(agents, with: #""agents":"(in flight when the event failed)""#) }
            // Agents in flight when an event failed still finish in the interpreter and may
            // fill their cache, so a later event can see `cached` where the generated code
            // (which had not started them) calls. Cache behaviour itself is compared
            // exactly in the runs without faults.
            let cached = try Regex(#""outcome":"cached","attempts":0"#)
            enriched = enriched.map { $0.replacing(cached, with: #""outcome":"ok","attempts":1"#) }
        }
        return Output(enriched: enriched, deadLetter: failed)
    }

    /// Lines of a file with timing fields (`latency_us`) zeroed.
    static func lines(_ url: URL) throws -> [String] {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let timing = try Regex(#""latency_us":[0-9]+"#)
        return text.split(separator: "\n").map { String($0).replacing(timing, with: #""latency_us":0"#) }
    }

    /// The in-process agents only (no network in these tests).
    struct InProcessOnly: AgentCallProvider {
        let calls: InProcessAgentCalls
        func makeCall(for agent: PlanAgent) throws -> AgentCall? {
            if agent.kind == "expr" { return nil }
            guard let call = try calls.makeCall(for: agent) else { throw Unsupported(kind: agent.kind) }
            return call
        }
        struct Unsupported: Error { let kind: String }
    }
}

/// Marketing and clickstream events with the irregularities real streams have: missing and
/// mistyped fields, repeated ids, blank and malformed lines. Deterministic for a seed.
enum DifferentialEvents {
    static func write(count: Int, seed: UInt64, to url: URL) throws {
        var state = seed &+ 0x1234_5678
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let types = ["page_view", "signup", "purchase", "review", "support_ticket", "email_click", "click", "order_placed"]
        let texts = [
            "I love this product, great quality!", "Terrible support, still broken after a week.", "Viewed page: Spring Sale",
            "The checkout is okay I guess", "worst purchase ever, refund please", "",
        ]
        let agents = ["Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", "Googlebot/2.1", "curl/8.0", "python-requests/2.31", "Mozilla/5.0 (iPhone)"]
        let ips = ["192.0.2.17", "198.51.100.200", "203.0.113.9", "2001:db8::1", "10.1.2.3", "not-an-ip", "8.8.8.8"]
        var lines: [String] = []
        for index in 0..<count {
            switch next(40) {
            case 0: lines.append("{\"id\": \"broken")
            case 1: lines.append("   ")
            case 2: lines.append("[1, 2, 3]")
            default: break
            }
            let id = next(12) == 0 && index > 0 ? "evt_\(next(index))" : "evt_\(index)"
            var fields: [String] = ["\"id\":\"\(id)\""]
            if next(20) != 0 { fields.append("\"type\":\"\(types[next(types.count)])\"") } else if next(2) == 0 { fields.append("\"type\":42") }
            if next(15) != 0 { fields.append("\"user_id\":\"u\(String(format: "%05d", 1 + next(600)))\"") }
            if next(10) != 0 { fields.append("\"ip\":\"\(ips[next(ips.count)])\"") }
            if next(8) != 0 { fields.append("\"description\":\"\(texts[next(texts.count)])\"") }
            if next(3) != 0 { fields.append("\"campaign_id\":\"cmp_10\(String(format: "%02d", next(12)))\"") } else if next(4) == 0 { fields.append("\"campaign_id\":null") }
            if next(2) == 0 { fields.append("\"utm_source\":\"\(["google", "Facebook ", "newsletter", "bing"][next(4)])\"") }
            fields.append("\"session_id\":\"s\(next(50))\"")
            fields.append("\"url\":\"https://shop.example.com/p/\(next(100))\"")
            if next(3) != 0 { fields.append("\"referrer\":\"\(["https://www.google.com/search?q=x", "https://duckduckgo.com/", "https://news.example.org/"][next(3)])\"") }
            fields.append("\"user_agent\":\"\(agents[next(agents.count)])\"")
            if next(2) == 0 { fields.append("\"utm_medium\":\"\(["cpc", "email", "social"][next(3)])\"") }
            if next(2) == 0 { fields.append("\"utm_campaign\":\"cmp_10\(String(format: "%02d", next(12)))\"") }
            if next(3) != 0 { fields.append("\"screen_width\":\(next(2) == 0 ? 390 : 1440)") }
            fields.append("\"ts\":\"2026-11-24T09:00:\(String(format: "%02d", next(60))).000Z\"")
            fields.append("\"timestamp\":\"2026-11-24T09:00:00Z\"")
            if next(25) == 0 { fields.append("\"country\":\"XX\"") }  // collides with an added field: the merging write
            lines.append("{" + fields.joined(separator: ",") + "}")
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    }
}
