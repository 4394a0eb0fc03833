// Event JSON hot-path benchmark: `swift run -c release JSONBenchmark [events] [foundation-events]`.
//
// Generates realistic ~615-byte marketing events as JSON Lines and reports ns/event for each way
// of reading (and writing) them, all in one run so the ratios are comparable. Each figure is
// the median of 5 timed passes after a warm-up pass, on one thread.
import EventJSON
import Foundation

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let eventCount = arguments.first ?? 100_000
// Foundation's serializer is ~100x slower; by default it gets a slice of the events.
let foundationCount = min(eventCount, arguments.dropFirst().first ?? 10_000)
let passes = Int(ProcessInfo.processInfo.environment["JSONBENCH_PASSES"] ?? "") ?? 5

// MARK: events

struct Generator: RandomNumberGenerator {
    var state: UInt64 = 0x5EED
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

var rng = Generator()
@MainActor func pick<T>(_ items: [T]) -> T { items.randomElement(using: &rng)! }
@MainActor func hex(_ count: Int) -> String { String((0..<count).map { _ in pick(Array("0123456789abcdef")) }) }

let types = ["page_view", "click", "signup", "purchase", "add_to_cart", "email_open"]
let sources = ["google", "newsletter", "facebook", "linkedin", "partner_site", "direct"]
let words = [
    "spring", "sale", "free", "shipping", "on", "all", "orders", "limited", "offer", "new", "collection",
    "discover", "our", "best", "sellers", "café", "crème", "naïve", "\\\"quoted\\\"", "deal", "today", "only",
    "members", "exclusive", "early", "access", "summer", "launch", "2026", "—", "save", "20%", "more",
]
let locales = ["en-US", "fr-FR", "de-DE", "es-ES", "ja-JP"]
let agents = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
]

@MainActor func makeEvent(_ n: Int) -> String {
    let description = (0..<Int.random(in: 14...24, using: &rng)).map { _ in pick(words) }.joined(separator: " ")
    let path = pick(["products", "blog", "landing", "checkout", "account"]) + "/" + hex(6)
    let second = n % 60, minute = (n / 60) % 60
    return """
    {"id":"evt_\(hex(8))-\(hex(4))-\(hex(4))-\(hex(12))","type":"\(pick(types))","user_id":"u_\(Int.random(in: 100_000...999_999, using: &rng))",\
    "ip":"\(Int.random(in: 1...223, using: &rng)).\(Int.random(in: 0...255, using: &rng)).\(Int.random(in: 0...255, using: &rng)).\(Int.random(in: 1...254, using: &rng))",\
    "description":"\(description)","campaign_id":"cmp_\(Int.random(in: 1000...9999, using: &rng))","utm_source":"\(pick(sources))",\
    "timestamp":"2026-05-\(10 + n % 18)T12:\(minute < 10 ? "0" : "")\(minute):\(second < 10 ? "0" : "")\(second).\(Int.random(in: 100...999, using: &rng))Z",\
    "context":{"page":{"url":"https://shop.example.com/\(path)","title":"\(pick(words)) \(pick(words))"},\
    "user_agent":"\(pick(agents))","locale":"\(pick(locales))","screen":{"w":\(pick([390, 1280, 1440, 1920])),"h":\(pick([844, 720, 900, 1080]))},\
    "session_seq":\(Int.random(in: 1...40, using: &rng)),"consent":\(Int.random(in: 0...9, using: &rng) > 1)}}
    """
}

var corpus: [UInt8] = []
var ranges: [Range<Int>] = []
corpus.reserveCapacity(eventCount * 640)
for n in 0..<eventCount {
    let start = corpus.count
    corpus.append(contentsOf: makeEvent(n).utf8)
    ranges.append(start..<corpus.count)
    corpus.append(UInt8(ascii: "\n"))
}
let averageSize = Double(ranges.reduce(0) { $0 + $1.count }) / Double(eventCount)

// MARK: timing

struct Row {
    let name: String
    let events: Int
    let nanoseconds: Double // median pass
    let fastest: Double     // fastest pass (least disturbed by other load on the machine)
}
var rows: [Row] = []
var sink = 0 // keeps results observable

// JSONBENCH_ONLY=text runs only the rows whose name contains text (for profiling).
let only = ProcessInfo.processInfo.environment["JSONBENCH_ONLY"]

@MainActor func measure(_ name: String, events: Int, _ body: () throws -> Int) rethrows {
    if let only, !name.contains(only) { return }
    sink &+= try body() // warm-up
    var samples: [Double] = []
    for _ in 0..<passes {
        let start = DispatchTime.now().uptimeNanoseconds
        sink &+= try body()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        samples.append(Double(elapsed) / Double(events))
    }
    samples.sort()
    rows.append(Row(name: name, events: events, nanoseconds: samples[passes / 2], fastest: samples[0]))
    let padded = name.padding(toLength: 52, withPad: " ", startingAt: 0)
    print("  \(padded) \(String(format: "%9.1f", samples[passes / 2])) ns/event (fastest pass \(String(format: "%.1f", samples[0])))")
}

let paths = ExtractionPaths([
    ["user_id"], ["ip"], ["campaign_id"], ["utm_source"], ["context", "locale"], ["context", "page", "url"],
])
let newFields: [(String, JSONValue)] = [
    ("geo_country", .string("FR")),
    ("sentiment", .double(0.734)),
    ("segment", .string("high_value_returning")),
    ("is_bot", .bool(false)),
    ("lead_score", .int(87)),
]

print("JSONBenchmark: \(eventCount) events, \(String(format: "%.0f", averageSize)) bytes on average; Foundation on \(foundationCount)")

try corpus.withUnsafeBytes { all in
    let lines = ranges.map { UnsafeRawBufferPointer(rebasing: all[$0]) }
    let parser = JSONLineParser()
    let writer = EventLineWriter(parser: parser)
    var values: [JSONValue?] = []
    var output: [UInt8] = []
    output.reserveCapacity(64 * 1024)

    try measure("simdjson extract 6 paths", events: lines.count) {
        var count = 0
        for line in lines {
            try parser.extract(line, paths: paths, into: &values)
            count &+= values.count
        }
        return count
    }

    try measure("simdjson extract 6 paths + splice 5 fields", events: lines.count) {
        var count = 0
        for line in lines {
            try parser.extract(line, paths: paths, into: &values)
            if output.count > 60 * 1024 { count &+= output.count; output.removeAll(keepingCapacity: true) }
            try writer.append(line, adding: newFields, to: &output)
        }
        return count &+ output.count
    }

    try measure("simdjson validate (parse only)", events: lines.count) {
        for line in lines { try parser.validate(line) }
        return lines.count
    }

    try measure("simdjson parseObject (full JSONValue tree)", events: lines.count) {
        var count = 0
        for line in lines {
            if case .object(let object) = try parser.parseObject(line) { count &+= object.count }
        }
        return count
    }

    try measure("simdjson parseObject + JSONWriter (re-serialise)", events: lines.count) {
        var count = 0
        for line in lines {
            if output.count > 60 * 1024 { count &+= output.count; output.removeAll(keepingCapacity: true) }
            JSONWriter.write(try parser.parseObject(line), into: &output)
        }
        return count &+ output.count
    }

    try measure("JSONReader full parse (pure Swift)", events: lines.count) {
        var count = 0
        for line in lines {
            if case .object(let object) = try JSONReader.parse(line) { count &+= object.count }
        }
        return count
    }

    let datas = lines.prefix(foundationCount).map { Data($0) }
    try measure("Foundation JSONSerialization parse", events: datas.count) {
        var count = 0
        for data in datas {
            if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] { count &+= object.count }
        }
        return count
    }

    try measure("Foundation JSONSerialization parse + serialize", events: datas.count) {
        var count = 0
        for data in datas {
            let object = try JSONSerialization.jsonObject(with: data)
            count &+= try JSONSerialization.data(withJSONObject: object).count
        }
        return count
    }
}

print("")
print("| what | ns/event (median) | fastest pass | events/s (1 core, median) | vs extract+splice |")
print("|---|---:|---:|---:|---:|")
let reference = rows.first { $0.name.contains("+ splice") }?.nanoseconds ?? rows[0].nanoseconds
for row in rows {
    print(String(
        format: "| %@ | %.0f | %.0f | %@ | %.1f× |", row.name as NSString, row.nanoseconds, row.fastest,
        formatRate(1e9 / row.nanoseconds) as NSString, row.nanoseconds / reference))
}
print("(checksum \(sink))")

func formatRate(_ perSecond: Double) -> String {
    perSecond >= 1e6 ? String(format: "%.2fM", perSecond / 1e6) : String(format: "%.0fk", perSecond / 1e3)
}
