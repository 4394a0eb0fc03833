import EventJSON
import Foundation
import Hummingbird
import Logging
import NIOCore
import Runtime
import Synchronization

/// Limits of the HTTP ingest endpoint.
public struct IngestLimits: Sendable {
    /// Largest request body; a larger one gets 413 without being read past the limit.
    public var maxBodyBytes = 4 << 20
    /// Events waiting in the queue beyond which requests get 429 (the run is behind).
    public var maxQueued = 100_000
    /// Requests being read and queued at once beyond which requests get 503 (bounds memory
    /// to about `maxConcurrentRequests × maxBodyBytes`).
    public var maxConcurrentRequests = 16

    public init() {}
}

/// `enrich run --serve`: the HTTP ingest endpoint over an ``EventQueue``.
///
/// `POST /v1/events` takes one JSON object, an array of objects, or NDJSON; answers 202
/// `{"accepted": n, "first_id": id}` once all of them are durable in the queue; 400
/// `{"error", "line", "column"}` naming the first bad event (none of the body is queued);
/// 413 over the body limit; 429 while the queue holds `maxQueued` events or more; 503 while
/// `maxConcurrentRequests` requests are already being read, and while shutting down.
/// `GET /healthz` is 200 with the queue depth (503 while draining); `GET /metrics` is
/// Prometheus text from `metricsText`.
public final class IngestServer: Sendable {
    public let queue: EventQueue
    public let limits: IngestLimits
    private let host: String
    private let port: Int
    private let metricsText: @Sendable () -> String
    private let state = Mutex(ServerState())

    struct ServerState {
        var draining = false
        var active = 0
        var responses: [Int: Int] = [:]
    }

    public init(queue: EventQueue, host: String, port: Int, limits: IngestLimits, metricsText: @escaping @Sendable () -> String) {
        self.queue = queue
        self.host = host
        self.port = port
        self.limits = limits
        self.metricsText = metricsText
    }

    /// Runs the server until the task is cancelled; `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router()
        router.post("/v1/events") { request, _ in await self.ingest(request) }
        router.get("/healthz") { _, _ in self.health() }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: self.metricsText() + self.ownMetrics())))
        }
        var logger = Logger(label: "enrich.ingest")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) }, logger: logger)
        try await app.run()
    }

    /// Answers 503 to new requests from now on (healthz too).
    public func beginDraining() { state.withLock { $0.draining = true } }

    /// Waits until no request is being read or queued (at most `seconds`).
    public func waitUntilIdle(seconds: Double) async {
        let deadline = Date().addingTimeInterval(seconds)
        while state.withLock({ $0.active }) > 0, Date() < deadline { try? await Task.sleep(nanoseconds: 5_000_000) }
    }

    /// Requests being read or queued right now.
    public var requestsInProgress: Int { state.withLock { $0.active } }

    /// Responses sent so far, by status code.
    public var responses: [Int: Int] { state.withLock { $0.responses } }

    private func ingest(_ request: Request) async -> Response {
        let admitted = state.withLock { state -> HTTPResponse.Status? in
            if state.draining { return .serviceUnavailable }
            if state.active >= limits.maxConcurrentRequests { return .serviceUnavailable }
            state.active += 1
            return nil
        }
        if let admitted {
            let draining = state.withLock { $0.draining }
            return respond(admitted, error: draining ? "the server is shutting down" : "too many requests in flight (\(limits.maxConcurrentRequests)); retry shortly", retryAfter: 1)
        }
        defer { state.withLock { $0.active -= 1 } }
        let depth = queue.depth
        if depth >= limits.maxQueued {
            return respond(.tooManyRequests, error: "the queue holds \(depth) events, at its bound of \(limits.maxQueued); retry shortly", retryAfter: 1)
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limits.maxBodyBytes {
            return respond(.contentTooLarge, error: "the body is \(length) bytes, over the limit of \(limits.maxBodyBytes)")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limits.maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return respond(.contentTooLarge, error: "the body is over the limit of \(limits.maxBodyBytes) bytes")
        } catch is NIOTooManyBytesError {
            return respond(.contentTooLarge, error: "the body is over the limit of \(limits.maxBodyBytes) bytes")
        } catch {
            return respond(.badRequest, error: "reading the body failed: \(error)")
        }
        let bytes = Array(buffer: body)
        let parsed = IngestBody.events(in: bytes, parser: JSONLineParser())
        let events: [[UInt8]]
        switch parsed {
        case .failure(let problem): return respond(.badRequest, json: problem.json)
        case .success(let found): events = found
        }
        if events.isEmpty {
            return respond(.accepted, json: .object(JSONObject([("accepted", .int(0))])))
        }
        let queue = self.queue
        let appended: Result<Int64, any Error> = await withCheckedContinuation { continuation in
            // SQLite commits block: keep them off the server's threads.
            DispatchQueue.global().async { continuation.resume(returning: Result { try queue.append(events) }) }
        }
        switch appended {
        case .success(let first):
            return respond(.accepted, json: .object(JSONObject([("accepted", .int(Int64(events.count))), ("first_id", .int(first))])))
        case .failure(let error):
            return respond(.serviceUnavailable, error: "the queue could not store the events: \(error)", retryAfter: 1)
        }
    }

    private func health() -> Response {
        let draining = state.withLock { $0.draining }
        var object = JSONObject()
        object["status"] = .string(draining ? "draining" : "ok")
        object["queue_depth"] = .int(Int64(queue.depth))
        return respond(draining ? .serviceUnavailable : .ok, json: .object(object), count: false)
    }

    private func ownMetrics() -> String {
        var text = PrometheusText()
        text.family("enrich_ingest_events_accepted_total", "counter", "Events accepted over HTTP (202) by this process.", [([], Double(queue.accepted))])
        text.family("enrich_ingest_queue_depth", "gauge", "Events in the ingest queue not yet removed after processing.", [([], Double(queue.depth))])
        let responses = self.responses
        text.family(
            "enrich_ingest_requests_total", "counter", "POST /v1/events requests by response status.",
            responses.keys.sorted().map { ([("code", String($0))], Double(responses[$0]!)) })
        return text.rendered
    }

    private func respond(_ status: HTTPResponse.Status, error: String, retryAfter: Int? = nil) -> Response {
        respond(status, json: .object(JSONObject([("error", .string(error))])), retryAfter: retryAfter)
    }

    private func respond(_ status: HTTPResponse.Status, json: JSONValue, retryAfter: Int? = nil, count: Bool = true) -> Response {
        if count { state.withLock { $0.responses[status.code, default: 0] += 1 } }
        var bytes: [UInt8] = []
        JSONWriter.write(json, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
