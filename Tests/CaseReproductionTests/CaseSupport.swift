import AsyncHTTPClient
import Dispatch
import EventJSON
import Foundation
import NIOCore
import StandInServers
import Testing

/// The case's pipeline, modelled on samples/martech.yaml: the CRM over HTTP behind a
/// 5-minute cache with `fallback: cache`, geocoding, the ads API after geocoding (it needs
/// the country), and a 900 ms deadline.
///
/// Worst cases (grammar/README.md): crm 250ms × 2 + 2 × min(20ms, 50ms) = 540ms; geocode 20ms
/// → ads 100ms × 2 + 2 × 10ms = 220ms; priority 5ms. Critical path crm → priority: 545ms.
func martechCasePipeline(crm: String, ads: String) -> String {
    """
    pipeline: martech_case
    version: 1
    deadline: 900ms
    event:
      id: string
      type: string
      user_id: string
      ip: string
      campaign_id: string?
    dedup:
      key: event.id
      window: 10m
    agents:
      - name: crm_lookup
        type: http
        method: GET
        url: "\(crm)/users/{event.user_id}"
        body: none
        input:
          user_id: event.user_id
        timeout: 250ms
        retry: {attempts: 2, backoff: 20ms, max_backoff: 50ms, jitter: true}
        fallback: cache
        cache: {ttl: 5m}
        rate_limit: 100/s
        concurrency: 64
        output:
          crm_segment: data.segment
          crm_lifetime_value: {path: data.lifetime_value, type: float}
      - name: geocode
        type: geoip
        database: samples/data/geoip.csv
        timeout: 20ms
        input:
          ip: event.ip
        output:
          country: country
      - name: ad_attribution
        type: http
        method: POST
        idempotent: true
        url: "\(ads)/attribution"
        input:
          campaign: event.campaign_id ?? "none"
          country: geocode.country ?? "unknown"
        timeout: 100ms
        retry: {attempts: 2, backoff: 10ms, max_backoff: 10ms, jitter: false}
        fallback: {default: {channel: "unknown"}}
        output:
          channel: channel
          campaign_name: campaign_name
      - name: priority
        type: expr
        timeout: 5ms
        output:
          high_priority: (crm_lookup.crm_segment ?? "unknown") == "vip"
          attributed_channel: ad_attribution.channel ?? "direct"
    """
}

/// A fresh directory under the system temporary directory, removed by ``remove()``.
struct Scratch {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-case-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ text: String, to name: String) throws -> String {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        return path(name)
    }

    /// Non-empty lines of a file (none when it is missing).
    func lines(_ name: String) -> [String] {
        guard let text = try? String(contentsOfFile: path(name), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// One event the test posts.
struct CaseEvent {
    var id: String
    var user: String

    static let ips = ["5.1.192.10", "5.3.240.5", "5.6.48.7", "5.6.178.9"]
    static let campaigns = ["cmp_1001", "cmp_1002", nil]

    func json(_ index: Int) -> String {
        let campaign = Self.campaigns[index % Self.campaigns.count].map { ",\"campaign_id\":\"\($0)\"" } ?? ""
        return "{\"id\":\"\(id)\",\"type\":\"page_view\",\"user_id\":\"\(user)\",\"ip\":\"\(Self.ips[index % Self.ips.count])\"\(campaign)}"
    }
}

/// Posts `events` as NDJSON, `perRequest` at a time every `interval`, and returns each
/// event's id with the uptime (ns) its request was sent at. Fails the test on any answer but 202.
func postOnSchedule(_ events: [CaseEvent], to url: String, perRequest: Int, interval: Duration) async throws -> [String: UInt64] {
    var sentAt: [String: UInt64] = [:]
    let start = DispatchTime.now().uptimeNanoseconds
    let step = UInt64(interval.components.attoseconds / 1_000_000_000) + UInt64(interval.components.seconds) * 1_000_000_000
    for (number, first) in stride(from: 0, to: events.count, by: perRequest).enumerated() {
        let due = start + UInt64(number) * step
        let now = DispatchTime.now().uptimeNanoseconds
        if due > now { try await Task.sleep(nanoseconds: due - now) }
        let slice = events[first..<min(events.count, first + perRequest)]
        let body = slice.enumerated().map { $0.element.json(first + $0.offset) }.joined(separator: "\n")
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        request.body = .bytes(ByteBuffer(string: body))
        let sent = DispatchTime.now().uptimeNanoseconds
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let answer = String(buffer: try await response.body.collect(upTo: 1 << 16))
        #expect(response.status.code == 202, "ingest answered \(response.status.code): \(answer)")
        for event in slice { sentAt[event.id] = sent }
    }
    return sentAt
}

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func eventually(seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return condition()
}

/// The `q`-quantile (nearest rank) of `values`.
func quantile(_ values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(sorted.count - 1, max(0, rank))]
}

extension JSONValue {
    func string(_ path: String...) -> String? {
        if case .string(let text)? = self[path: path] { return text }
        return nil
    }
}
