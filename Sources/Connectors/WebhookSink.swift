import AsyncHTTPClient
import EventJSON
import Foundation
import NIOCore
import NIOHTTP1
import Runtime
import RuntimeState
import Synchronization

/// How the webhook sink delivers.
public struct WebhookOptions: Sendable {
    public var url: String
    /// Most events in one POST.
    public var batchSize = 100
    /// How long a partial batch waits for more events before it is sent.
    public var lingerMilliseconds = 200
    /// Attempts per batch before its events go to the dead-letter file.
    public var maxAttempts = 8
    /// Delay before the first retry; doubles each retry up to `maxBackoffMilliseconds`, with jitter.
    public var backoffMilliseconds = 200
    public var maxBackoffMilliseconds = 10_000
    /// Per request.
    public var timeoutMilliseconds = 10_000
    /// Extra headers on every POST (e.g. `Authorization`).
    public var headers: [(name: String, value: String)] = []
    /// Where events that could not be delivered go, one JSON object a line.
    public var deadLetterPath: String

    public init(url: String, deadLetterPath: String) {
        self.url = url
        self.deadLetterPath = deadLetterPath
    }
}

/// Delivers the outbox to a webhook: batched POSTs, retried with backoff, at least once.
///
/// Each POST carries a JSON array of enriched events (each with its `_idempotency_key`) and
/// an `Idempotency-Key` header listing the batch's keys, comma-separated. An event leaves the
/// outbox only after a 2xx answer, or once it is written (and fsynced) to the dead-letter
/// file: immediately for a 4xx other than 408 and 429 (the receiver refuses it), after
/// `maxAttempts` for 5xx, 408, 429, timeouts and connection failures. Attempts are counted in
/// the outbox, so they carry over a restart; a restart re-sends what was not acknowledged.
public final class WebhookSink: Sendable {
    public let options: WebhookOptions
    private let store: StateStore
    private let outbox: SinkOutbox
    private let client: HTTPClient
    private let counters = Mutex(Counters())

    public struct Counters: Sendable {
        public var delivered = 0
        public var deadLettered = 0
        public var requests: [String: Int] = [:]
    }

    public init(store: StateStore, outbox: SinkOutbox, options: WebhookOptions, client: HTTPClient) {
        self.store = store
        self.outbox = outbox
        self.options = options
        self.client = client
    }

    public var stats: Counters { counters.withLock { $0 } }

    /// Delivers until `stop` is set, or, once `inputFinished()` is true, until the outbox is empty.
    ///
    /// On `stop` it returns after the request in progress; undelivered events stay in the outbox.
    public func run(stop: StopFlag, inputFinished: @escaping @Sendable () -> Bool) async throws {
        var partialSince: UInt64?
        while !stop.isSet {
            let finished = inputFinished()
            // The outbox's in-memory count says when there is anything to read: no polling of SQLite while idle.
            let pending = outbox.pending
            if pending <= 0, !finished {
                partialSince = nil
                try? await Task.sleep(nanoseconds: 5_000_000)
                continue
            }
            if pending < options.batchSize, !finished {
                let now = DispatchTime.now().uptimeNanoseconds
                let since = partialSince ?? now
                partialSince = since
                if now &- since < UInt64(options.lingerMilliseconds) * 1_000_000 {
                    try? await Task.sleep(nanoseconds: 2_000_000)
                    continue
                }
            }
            let events = try store.outboxEvents(limit: options.batchSize)
            if events.isEmpty {
                if finished { return }
                partialSince = nil
                try? await Task.sleep(nanoseconds: 5_000_000)
                continue
            }
            partialSince = nil
            try await deliver(events, stop: stop)
        }
    }

    private enum Attempt {
        case delivered
        case retry(String)
        case refused(String)
    }

    private func deliver(_ events: [OutboxEvent], stop: StopFlag) async throws {
        var attempts = events.map(\.attempts).max() ?? 0
        let ids = events.map(\.id)
        while true {
            let outcome = await post(events)
            switch outcome {
            case .delivered:
                try store.removeFromOutbox(ids: ids)
                outbox.removed(events.count)
                counters.withLock { $0.delivered += events.count }
                return
            case .refused(let reason):
                try deadLetter(events, reason: reason, attempts: attempts + 1)
                return
            case .retry(let reason):
                attempts += 1
                try store.recordOutboxAttempt(ids: ids, error: reason)
                if attempts >= options.maxAttempts {
                    try deadLetter(events, reason: "gave up after \(attempts) attempts: \(reason)", attempts: attempts)
                    return
                }
                let delay = backoff(attempt: attempts)
                let until = DispatchTime.now().uptimeNanoseconds + delay
                while DispatchTime.now().uptimeNanoseconds < until {
                    if stop.isSet { return }
                    try? await Task.sleep(nanoseconds: min(5_000_000, until &- DispatchTime.now().uptimeNanoseconds))
                }
            }
        }
    }

    /// Exponential backoff with jitter: between half and all of base × 2^(attempt−1), capped.
    func backoff(attempt: Int) -> UInt64 {
        let base = Double(options.backoffMilliseconds) * pow(2, Double(max(0, attempt - 1)))
        let capped = min(base, Double(options.maxBackoffMilliseconds))
        return UInt64(capped * Double.random(in: 0.5...1.0) * 1_000_000)
    }

    private func post(_ events: [OutboxEvent]) async -> Attempt {
        var body: [UInt8] = [UInt8(ascii: "[")]
        for (index, event) in events.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: event.bytes)
        }
        body.append(UInt8(ascii: "]"))
        var request = HTTPClientRequest(url: options.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for header in options.headers { request.headers.add(name: header.name, value: header.value) }
        request.headers.add(name: "Idempotency-Key", value: events.map(\.key).joined(separator: ","))
        request.body = .bytes(ByteBuffer(bytes: body))
        let label: String
        let outcome: Attempt
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(options.timeoutMilliseconds)))
            let text = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
            let code = Int(response.status.code)
            label = String(code)
            let reason = "HTTP \(code)" + (text.isEmpty ? "" : ": " + String(text.prefix(200)))
            switch code {
            case 200..<300: outcome = .delivered
            case 408, 429, 500...: outcome = .retry(reason)
            default: outcome = .refused(reason)
            }
        } catch {
            label = "error"
            outcome = .retry("request failed: \(error)")
        }
        counters.withLock { $0.requests[label, default: 0] += 1 }
        return outcome
    }

    /// Appends the events to the dead-letter file (fsynced), then removes them from the outbox.
    private func deadLetter(_ events: [OutboxEvent], reason: String, attempts: Int) throws {
        var bytes: [UInt8] = []
        for event in events {
            var head = JSONObject()
            head["reason"] = .string(reason)
            head["idempotency_key"] = .string(event.key)
            head["attempts"] = .int(Int64(attempts))
            JSONWriter.write(.object(head), into: &bytes)
            bytes.removeLast()
            bytes.append(contentsOf: Array(",\"event\":".utf8))
            bytes.append(contentsOf: event.bytes)
            bytes.append(contentsOf: Array("}\n".utf8))
        }
        let descriptor = open(options.deadLetterPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RunError.outputFailed("cannot open \(options.deadLetterPath): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw RunError.outputFailed("writing \(options.deadLetterPath) failed: \(String(cString: strerror(errno)))")
            }
            written += count
        }
        fsync(descriptor)
        try store.removeFromOutbox(ids: events.map(\.id))
        outbox.removed(events.count)
        counters.withLock { $0.deadLettered += events.count }
    }

    /// Prometheus families for the sink.
    public func metrics(into text: inout PrometheusText) {
        let stats = self.stats
        text.family("enrich_webhook_events_delivered_total", "counter", "Events the webhook acknowledged with 2xx.", [([], Double(stats.delivered))])
        text.family("enrich_webhook_events_dead_lettered_total", "counter", "Events written to the webhook dead-letter file.", [([], Double(stats.deadLettered))])
        text.family(
            "enrich_webhook_requests_total", "counter", "Webhook POSTs by response code (`error`: no response).",
            stats.requests.keys.sorted().map { ([("code", $0)], Double(stats.requests[$0]!)) })
        text.family("enrich_webhook_outbox_pending", "gauge", "Events committed and not yet delivered.", [([], Double(outbox.pending))])
    }
}
