import EventJSON
import Foundation
import Synchronization
import Testing

@testable import Agents

/// Agents are immutable after loading: one instance, called from several threads at once,
/// must give every thread the same answers as a single-threaded run.
@Suite("agents called from several threads")
struct ConcurrencyTests {
    @Test func sameResultsFromEightThreads() throws {
        var csv = "user_id,segment,score\n"
        for index in 0..<2_000 { csv += "u\(index),\(["vip", "new", "dormant"][index % 3]),\(index * 7)\n" }
        let functions = FunctionRegistry.builtIn
        let agents: [any InProcessAgent] = [
            try LookupAgent(csvText: csv, keyColumn: "user_id"),
            try GeoIPAgent(database: repositoryRoot.appendingPathComponent("samples/data/geoip.csv")),
            try SentimentAgent(),
            FunctionAgent(name: "crm_segment_from_id", function: try functions.resolve("crm_segment_from_id")),
        ]
        let texts = [
            "Great product, fast shipping!", "Terrible support, never again.", "It's okay.",
            "NOT happy with the delay but the staff were kind", "Absolutely LOVE it :)",
        ]
        let ips = ["192.0.2.77", "2001:db8:3::9", "::ffff:203.0.113.1", "10.1.2.3", "8.8.8.8", "not an ip"]
        // Each request: (agent index, inputs).
        var requests: [(Int, JSONObject)] = []
        for index in 0..<400 {
            requests.append((0, inputs(("key", .string("u\(index * 5 % 2_100)")))))
            requests.append((1, inputs(("ip", .string(ips[index % ips.count])))))
            requests.append((2, inputs(("text", .string(texts[index % texts.count])))))
            requests.append((3, inputs(("user_id", .string("user-\(index)")))))
        }
        @Sendable func run(_ request: (Int, JSONObject)) -> Result<JSONValue, AgentFailure> {
            Result { () throws(AgentFailure) -> JSONValue in try agents[request.0].call(request.1) }
        }
        let expected = requests.map(run)
        #expect(expected.contains { if case .failure = $0 { true } else { false } })  // "not an ip"

        let mismatches = Mutex(0)
        let calls = Mutex(0)
        let group = DispatchGroup()
        let threads = (0..<8).map { thread in
            Thread { [requests, expected] in
                defer { group.leave() }
                var localMismatches = 0
                var localCalls = 0
                for round in 0..<10 {
                    // Each thread walks the requests from its own offset, so different agents overlap.
                    for step in 0..<requests.count {
                        let index = (step + thread * 97 + round * 13) % requests.count
                        if run(requests[index]) != expected[index] { localMismatches += 1 }
                        localCalls += 1
                    }
                }
                mismatches.withLock { $0 += localMismatches }
                calls.withLock { $0 += localCalls }
            }
        }
        for thread in threads {
            group.enter()
            thread.start()
        }
        group.wait()
        #expect(calls.withLock { $0 } == 8 * 10 * requests.count)
        #expect(mismatches.withLock { $0 } == 0)
    }
}
