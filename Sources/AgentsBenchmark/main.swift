// ns per call of the in-process agents, called the way the runtime calls them: through
// `any InProcessAgent`, synchronously, with inputs prepared beforehand.
//
//     swift run -c release AgentsBenchmark [--quick] [--calls N] [lookup|geoip|sentiment|function ...]
//
// lookup: a generated 10,000-row CSV table; geoip: samples/data/geoip.csv (~2,000
// ranges, IPv4 and IPv6); sentiment: typical ~100-character reviews; function:
// crm_segment_from_id. Median and best of 7 runs of the thread's CPU time; each run is
// at least 0.2 s of calls.
import Agents
import EventJSON
import Foundation

let quick = CommandLine.arguments.contains("--quick")
/// `--calls N`: exactly N calls per benchmark, one run (for instruction counts under callgrind).
let fixedCalls = CommandLine.arguments.firstIndex(of: "--calls").flatMap { index in
    index + 1 < CommandLine.arguments.count ? Int(CommandLine.arguments[index + 1]) : nil
}
/// Benchmarks to run: names starting with any of the other arguments (all by default).
let only = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") && Int($0) == nil }
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let functions = FunctionRegistry.builtIn

func inputs(_ name: String, _ value: JSONValue) -> JSONObject { JSONObject([(name, value)]) }

/// A deterministic generator (SplitMix64), so every run measures the same inputs.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
var random = SplitMix64(state: 20_240_603)

// MARK: Agents and inputs

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agents-benchmark-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

let segments = ["vip", "loyal", "regular", "new", "dormant"]
let countries = ["US", "GB", "DE", "FR", "JP", "BR", "IN", "AU"]
var table = "user_id,segment,country,lifetime_value,orders,email_opt_in,account_manager\n"
for index in 0..<10_000 {
    let manager = index % 4 == 0 ? "\"Ruiz, Dana\"" : ""
    table += "u_\(100_000 + index),\(segments[index % 5]),\(countries[index % 8]),\(Double(index % 977) * 13.25),\(index % 40),\(index % 3 == 0),\(manager)\n"
}
try Data(table.utf8).write(to: directory.appendingPathComponent("users.csv"))

let lookupAgent = try InProcessAgentFactory.make(
    kind: "lookup", name: "crm", settings: ["table": "users.csv", "key": "user_id"], baseDirectory: directory, functions: functions
)
let geoipAgent = try InProcessAgentFactory.make(
    kind: "geoip", name: "geocode", settings: ["database": "samples/data/geoip.csv"], baseDirectory: repositoryRoot, functions: functions
)
let sentimentAgent = try InProcessAgentFactory.make(kind: "sentiment", name: "sentiment", settings: [:], baseDirectory: directory, functions: functions)
let functionAgent = try InProcessAgentFactory.make(kind: "function", name: "crm_segment_from_id", settings: [:], baseDirectory: directory, functions: functions)

let lookupHits = (0..<4_096).map { _ in inputs("key", .string("u_\(100_000 + random.below(10_000))")) }
let lookupMisses = (0..<4_096).map { _ in inputs("key", .string("u_\(200_000 + random.below(10_000))")) }

// Addresses inside the database's ranges, read back from the file so every call is a hit.
let geoRows = try String(contentsOf: repositoryRoot.appendingPathComponent("samples/data/geoip.csv"), encoding: .utf8)
    .split(separator: "\n").dropFirst().map { $0.split(separator: ",", maxSplits: 2).map(String.init) }
let v4Starts = geoRows.filter { !$0[0].contains(":") }.map { $0[0] }
let v6Starts = geoRows.filter { $0[0].contains(":") }.map { $0[0] }
let geoV4 = (0..<4_096).map { _ -> JSONObject in
    let parts = v4Starts[random.below(v4Starts.count)].split(separator: ".").map { Int($0)! }
    return inputs("ip", .string("\(parts[0]).\(parts[1]).\(parts[2]).\(parts[3] + random.below(8))"))
}
let geoV6 = (0..<4_096).map { _ -> JSONObject in
    let start = v6Starts[random.below(v6Starts.count)]
    let text = start.hasSuffix("::") ? start + String(random.below(0xffff), radix: 16) : start
    return inputs("ip", .string(text))
}
let reviews = [
    "Great product, fast shipping and the support team was really helpful. Would definitely buy again!",
    "The checkout page kept crashing on my phone and nobody answered my emails for three days. Awful.",
    "It's okay I guess. The fabric is thinner than expected but the fit is good and the price was fair.",
    "NOT what I ordered. The box arrived damaged and the refund took forever, very disappointed overall.",
    "Absolutely love the new dashboard, though the export is kind of slow. Still a solid 4 out of 5 :)",
    "Delivery was on time. Instructions were clear enough. Nothing special, nothing wrong either, fine.",
    "Honestly the worst customer service I have ever dealt with; rude staff and no apology at all!!",
    "Battery life is amazing and the screen is bright, but the speakers are weak and a bit tinny sadly.",
]
let sentimentInputs = reviews.map { inputs("text", .string($0)) }
let functionInputs = (0..<4_096).map { _ in inputs("user_id", .string("u_\(random.below(1_000_000))")) }

// MARK: Measurement

var sink = 0

/// CPU time of this thread: unlike wall time, it does not count the time other processes
/// on a busy machine take the core away.
func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// ns per call over `calls` calls, and a checksum of the results (so they are not optimised away).
@inline(never)
func measure(_ agent: any InProcessAgent, _ inputs: [JSONObject], calls: Int) -> (Double, Int) {
    var sink = 0
    let start = threadCPUNanoseconds()
    var index = 0
    for _ in 0..<calls {
        do {
            if case .object(let object) = try agent.call(inputs[index]) { sink &+= object.count }
        } catch {
            sink &+= 1
        }
        index += 1
        if index == inputs.count { index = 0 }
    }
    return (Double(threadCPUNanoseconds() - start) / Double(calls), sink)
}

@MainActor
func benchmark(_ name: String, _ agent: any InProcessAgent, _ inputs: [JSONObject], note: String) -> String? {
    guard only.isEmpty || only.contains(where: { name.hasPrefix($0) }) else { return nil }
    if let fixedCalls {
        let (nanoseconds, checksum) = measure(agent, inputs, calls: fixedCalls)
        sink &+= checksum
        return "| \(name) | \(String(format: "%.0f", nanoseconds)) | | \(fixedCalls) calls |"
    }
    // Calibrate to about 0.2 s per run (0.05 s with --quick).
    let target = quick ? 0.05e9 : 0.2e9
    let probe = measure(agent, inputs, calls: 20_000)
    let calls = max(20_000, Int(target / max(probe.0, 1)))
    var runs: [Double] = []
    for _ in 0..<7 {
        let (nanoseconds, checksum) = measure(agent, inputs, calls: calls)
        runs.append(nanoseconds)
        sink &+= checksum
    }
    runs.sort()
    return "| \(name) | \(String(format: "%.0f", runs[3])) | \(String(format: "%.0f", runs[0])) | \(note) |"
}

let averageReview = reviews.map(\.utf8.count).reduce(0, +) / reviews.count
var lines = [
    "| agent | ns/call (median of 7) | best | what |",
    "|---|---:|---:|---|",
]
lines.append(contentsOf: [benchmark("lookup, hit", lookupAgent, lookupHits, note: "10,000-row CSV, 7 columns, random keys")].compactMap { $0 })
lines.append(contentsOf: [benchmark("lookup, miss", lookupAgent, lookupMisses, note: "same table, absent keys → {}")].compactMap { $0 })
lines.append(contentsOf: [benchmark("geoip, IPv4", geoipAgent, geoV4, note: "\(v4Starts.count) IPv4 + \(v6Starts.count) IPv6 ranges, addresses in ranges")].compactMap { $0 })
lines.append(contentsOf: [benchmark("geoip, IPv6", geoipAgent, geoV6, note: "same database, compressed IPv6 text")].compactMap { $0 })
lines.append(contentsOf: [benchmark("sentiment", sentimentAgent, sentimentInputs, note: "VADER, \(reviews.count) reviews of ~\(averageReview) bytes")].compactMap { $0 })
lines.append(contentsOf: [benchmark("function", functionAgent, functionInputs, note: "crm_segment_from_id")].compactMap { $0 })
print(lines.joined(separator: "\n"))
if sink == 42 { print("") }  // keep the results alive
