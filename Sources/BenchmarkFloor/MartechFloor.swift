// The physical floor of the martech-local DAG: the same work as `enrich run
// samples/martech-local.yaml`, written by hand the fastest way this project knows, with
// nothing of a runtime around it.
//
// Per event: simdjson extraction of the fields the DAG reads, the CRM lookup, geoip, the
// campaign lookup (after geoip, as in the DAG), VADER sentiment on reviews and support
// tickets, the priority expressions, and the output line with the 13 new fields spliced
// in; lines split between threads, each with its own parser and output file. What it
// leaves out is what only a runtime does: `_enrichment` metadata, per-agent reports and
// metrics, dedup, timeouts, fallbacks, batching, ordering. Benchmarks run it in the same
// process as what they measure, so "share of the floor" is a ratio of one run, not a
// figure from another day on another machine.
import Agents
import EventJSON
import Foundation

/// The hand-written martech-local DAG, for measuring the floor under Enrich's engines.
public struct MartechFloor: Sendable {
    let crm: LookupAgent
    let campaigns: LookupAgent
    let geoip: GeoIPAgent
    let sentiment: SentimentAgent

    /// Loads the sample's tables the way the agents of samples/martech-local.yaml do.
    public init(repositoryRoot: URL) throws {
        let data = repositoryRoot.appendingPathComponent("samples/data")
        crm = try LookupAgent(table: data.appendingPathComponent("crm_users.csv"), keyColumn: "user_id")
        campaigns = try LookupAgent(table: data.appendingPathComponent("campaigns.csv"), keyColumn: "campaign_id")
        geoip = try GeoIPAgent(database: data.appendingPathComponent("geoip.csv"))
        sentiment = try SentimentAgent()
    }

    /// What one run did.
    public struct Run: Sendable {
        public var events: Int
        public var elapsedSeconds: Double
    }

    /// Enriches every line of `input` on `threads` threads, each writing `output.N`.
    public func run(input: String, output: String, threads: Int) throws -> Run {
        let started = DispatchTime.now().uptimeNanoseconds
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: input)))
        let slices = Self.split(bytes.count, at: bytes, into: max(1, threads))
        let parts = FloorParts()
        DispatchQueue.concurrentPerform(iterations: slices.count) { part in
            do {
                parts.finished(events: try enrich(bytes, slices[part], output: output + ".\(part)"))
            } catch {
                parts.failed("\(error)")
            }
        }
        let (events, failure) = parts.result
        if let failure { throw FloorError(failure) }
        return Run(events: events, elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }

    /// The first line of each of `count` roughly equal parts, and where each part ends.
    static func split(_ total: Int, at bytes: [UInt8], into count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 1...count {
            var end = part == count ? total : max(start, total * part / count)
            while end < total, bytes[end - 1] != 0x0A { end += 1 }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    static let fieldPaths = ExtractionPaths([["type"], ["user_id"], ["ip"], ["description"], ["campaign_id"], ["utm_source"]])
    static let names = [
        "crm_segment", "crm_lifetime_value", "crm_email_opt_in", "country", "city", "sentiment_label", "sentiment_score",
        "channel", "campaign_name", "campaign_country", "attributed_channel", "in_market", "high_priority",
    ].map { name -> [UInt8] in
        var encoded: [UInt8] = []
        JSONWriter.writeString(name, into: &encoded)
        encoded.append(UInt8(ascii: ":"))
        return encoded
    }

    /// Enriches the lines in `range` of `bytes` into the file `output`; returns the event count.
    private func enrich(_ bytes: [UInt8], _ range: Range<Int>, output: String) throws -> Int {
        guard let file = FileHandle(forWritingAtPath: output) ?? {
            FileManager.default.createFile(atPath: output, contents: nil)
            return FileHandle(forWritingAtPath: output)
        }() else { throw FloorError("cannot write \(output)") }
        defer { try? file.close() }
        try file.truncate(atOffset: 0)
        let parser = JSONLineParser()
        let writer = EventLineWriter(parser: parser)
        var fields: [JSONValue?] = Array(repeating: nil, count: Self.fieldPaths.count)
        var produced = [JSONValue?](repeating: nil, count: Self.names.count)
        var members: [UInt8] = []
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        var events = 0
        try bytes.withUnsafeBytes { raw in
            var start = range.lowerBound
            while start < range.upperBound {
                var end = start
                while end < range.upperBound, raw[end] != 0x0A { end += 1 }
                let line = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                start = end + 1
                guard !line.isEmpty else { continue }
                try parser.extract(line, paths: Self.fieldPaths, into: &fields)
                enrich(fields, into: &produced)
                members.removeAll(keepingCapacity: true)
                for (index, value) in produced.enumerated() {
                    guard let value else { continue }
                    if !members.isEmpty { members.append(UInt8(ascii: ",")) }
                    members.append(contentsOf: Self.names[index])
                    JSONWriter.write(value, into: &members)
                }
                writer.appendValidated(line, members: members, to: &out)
                events += 1
                if out.count >= 1 << 20 {
                    file.write(Data(out))
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        file.write(Data(out))
        return events
    }

    /// The DAG: crm_lookup, geocode, ad_attribution (after geocode), sentiment, priority.
    private func enrich(_ fields: [JSONValue?], into produced: inout [JSONValue?]) {
        for index in produced.indices { produced[index] = nil }
        func text(_ value: JSONValue?) -> String? {
            if case .string(let text)? = value { return text }
            return nil
        }
        if let user = text(fields[1]), let row = crm.row(forKey: user) {
            produced[0] = row.member("segment").flatMap(Self.present)
            produced[1] = row.member("lifetime_value").flatMap(Self.present).map(Self.float)
            produced[2] = row.member("email_opt_in").flatMap(Self.present).map(Self.bool)
        }
        if let ip = text(fields[2]), case .object(let location)? = geoip.locate(ip) {
            produced[3] = location.member("country").flatMap(Self.present)
            produced[4] = location.member("city").flatMap(Self.present)
        }
        let type = text(fields[0])
        if type == "review" || type == "support_ticket", let description = text(fields[3]) {
            let scores = sentiment.score(description)
            produced[5] = .string(scores.label)
            produced[6] = .double(scores.compound)
        }
        if let campaign = campaigns.row(forKey: text(fields[4]) ?? "none") {
            produced[7] = campaign.member("channel").flatMap(Self.present)
            produced[8] = campaign.member("campaign_name").flatMap(Self.present)
            produced[9] = campaign.member("country").flatMap(Self.present)
        }
        produced[10] = produced[7] ?? fields[5].flatMap(Self.present) ?? .string("direct")
        produced[11] = .bool((produced[9] ?? .string("")) == (produced[3] ?? .string("unknown")))
        produced[12] = .bool(
            (produced[0] ?? .string("unknown")) == .string("vip") && (produced[2] ?? .bool(false)) == .bool(true)
                && (produced[5] ?? .string("neutral")) != .string("negative"))
    }

    private static func present(_ value: JSONValue) -> JSONValue? { value.isNull ? nil : value }

    private static func float(_ value: JSONValue) -> JSONValue {
        if case .int(let number) = value { return .double(Double(number)) }
        if case .string(let text) = value, let number = Double(text) { return .double(number) }
        return value
    }

    private static func bool(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string("true"), .string("TRUE"), .string("True"): .bool(true)
        case .string("false"), .string("FALSE"), .string("False"): .bool(false)
        default: value
        }
    }
}

/// Why the floor run stopped.
public struct FloorError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// What the threads did: events enriched, and the first failure.
private final class FloorParts: @unchecked Sendable {
    private let lock = NSLock()
    private var events = 0
    private var failure: String?
    var result: (events: Int, failure: String?) { lock.withLock { (events, failure) } }
    func finished(events count: Int) { lock.withLock { events += count } }
    func failed(_ message: String) { lock.withLock { if failure == nil { failure = message } } }
}
