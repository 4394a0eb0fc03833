import Connectors
import EventJSON
import Foundation
import Planner
import Runtime
import RuntimeState
import Synchronization
import Testing

/// A real ingest server on 127.0.0.1 (port 0) over a real SQLite queue, with the real runner
/// consuming the queue.
final class IngestHarness: Sendable {
    let scratch: Scratch
    let store: StateStore
    let state: SQLiteRunState
    let queue: EventQueue
    let server: IngestServer
    let port: Int
    let serverTask: Task<Void, any Error>
    let runStop = StopFlag()
    let runTask = Mutex<Task<RunSummary, any Error>?>(nil)

    init(limits: IngestLimits = IngestLimits(), metricsText: @escaping @Sendable () -> String = { "" }) async throws {
        scratch = try Scratch()
        state = try SQLiteRunState(path: scratch.path("state.sqlite"))
        store = state.store
        queue = try EventQueue(store: store)
        server = IngestServer(queue: queue, host: "127.0.0.1", port: 0, limits: limits, metricsText: metricsText)
        let bound = Mutex<Int?>(nil)
        let server = self.server
        serverTask = Task { try await server.run { port in bound.withLock { $0 = port } } }
        _ = await eventually(seconds: 10) { bound.withLock { $0 } != nil }
        port = try #require(bound.withLock { $0 }, "the ingest server did not start listening")
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts the runner on the queue, writing to `output.jsonl`.
    func startRunner(progress: (@Sendable (Int, Int, RunMetrics) -> Void)? = nil) throws {
        let plan = try LabelPipeline.plan()
        let runner = try EventStreamRunner(
            plan: plan, calls: ExprOnlyCalls(), codec: JSONLinesCodec(plan: plan), state: state,
            cachePersistence: state, environment: [:])
        var configuration = RunConfiguration(input: .queue(queue), output: .file(scratch.path("output.jsonl")), deadLetterPath: scratch.path("dead.jsonl"))
        configuration.batchSize = 8
        let stop = runStop
        let settled = configuration
        let task = Task { try await runner.run(settled, stop: stop, progress: progress) }
        runTask.withLock { $0 = task }
    }

    func close() async {
        runStop.set()
        if let task = runTask.withLock({ $0 }) { _ = try? await task.value }
        serverTask.cancel()
        _ = try? await serverTask.value
        scratch.remove()
    }
}

@Suite(.timeLimit(.minutes(2))) struct IngestServerTests {
    @Test func objectArrayAndNDJSONAreAcceptedAndProcessed() async throws {
        let harness = try await IngestHarness()
        try harness.startRunner()
        let one = try await HTTP.post(harness.url + "/v1/events", #"{"n":1}"#)
        let array = try await HTTP.post(harness.url + "/v1/events", #"[{"n":2},{"n":3}]"#)
        let ndjson = try await HTTP.post(harness.url + "/v1/events", "{\"n\":4}\n{\"n\":5}\n{\"n\":6}\n")
        #expect(one.status == 202 && one.json?.int("accepted") == 1 && one.json?.int("first_id") == 1)
        #expect(array.status == 202 && array.json?.int("accepted") == 2 && array.json?.int("first_id") == 2)
        #expect(ndjson.status == 202 && ndjson.json?.int("accepted") == 3 && ndjson.json?.int("first_id") == 4)
        let processed = await eventually(seconds: 20) { harness.scratch.lines("output.jsonl").count == 6 }
        #expect(processed, "the run wrote \(harness.scratch.lines("output.jsonl").count) of 6 events")
        let labels = harness.scratch.lines("output.jsonl").compactMap { try? JSONReader.parse($0) }.compactMap { $0.string("label") }
        #expect(labels == (1...6).map { "n-\($0)" })
        // Processed events leave the queue once their checkpoint is committed.
        let emptied = await eventually(seconds: 10) { (try? harness.store.queuedCount()) == 0 }
        #expect(emptied)
        await harness.close()
    }

    @Test func badLineIsRefusedWith400NamingItAndNothingIsQueued() async throws {
        let harness = try await IngestHarness()
        let response = try await HTTP.post(harness.url + "/v1/events", "{\"n\":1}\n{\"n\":2}\n{\"n\":3\n{\"n\":4}\n")
        #expect(response.status == 400)
        #expect(response.json?.int("line") == 3)
        #expect(response.json?.int("column") != nil)
        #expect(response.json?.string("error")?.contains("malformed JSON") == true)
        #expect(try harness.store.queuedCount() == 0, "no event of a refused body may be queued")
        let notObject = try await HTTP.post(harness.url + "/v1/events", #"[{"n":1},"x"]"#)
        #expect(notObject.status == 400 && notObject.json?.int("element") == 2)
        #expect(try harness.store.queuedCount() == 0)
        await harness.close()
    }

    @Test func bodyOverTheLimitGets413AndIsNotQueued() async throws {
        var limits = IngestLimits()
        limits.maxBodyBytes = 1000
        let harness = try await IngestHarness(limits: limits)
        let big = String(repeating: "{\"n\":1}\n", count: 200)  // 1600 bytes
        let response = try await HTTP.post(harness.url + "/v1/events", big)
        #expect(response.status == 413)
        #expect(response.json?.string("error")?.contains("1000") == true)
        // Without a Content-Length the body is read only up to the limit.
        let streamed = try await RawHTTP.post(port: harness.port, chunkedBody: big)
        #expect(streamed.hasPrefix("HTTP/1.1 413"), "chunked over-limit body answered: \(streamed.prefix(40))")
        #expect(try harness.store.queuedCount() == 0)
        let fits = try await HTTP.post(harness.url + "/v1/events", String(repeating: "{\"n\":1}\n", count: 100))
        #expect(fits.status == 202)
        await harness.close()
    }

    @Test func fullQueueGets429AndTheQueueStaysBounded() async throws {
        var limits = IngestLimits()
        limits.maxQueued = 50
        let harness = try await IngestHarness(limits: limits)  // no runner: nothing drains the queue
        var accepted = 0
        var refused = 0
        let body = String(repeating: "{\"n\":1}\n", count: 10)
        for _ in 0..<20 {
            let response = try await HTTP.post(harness.url + "/v1/events", body)
            if response.status == 202 { accepted += response.json?.int("accepted").map(Int.init) ?? 0 }
            if response.status == 429 {
                refused += 1
                #expect(response.header("Retry-After") == "1")
            }
        }
        #expect(accepted == 50)
        #expect(refused == 15)
        #expect(try harness.store.queuedCount() == 50)
        // Once the run drains the queue, requests are accepted again.
        try harness.startRunner()
        let drained = await eventually(seconds: 20) { harness.queue.depth < 50 }
        #expect(drained)
        let again = try await HTTP.post(harness.url + "/v1/events", body)
        #expect(again.status == 202)
        await harness.close()
    }

    @Test func tooManyRequestsInFlightGet503() async throws {
        var limits = IngestLimits()
        limits.maxConcurrentRequests = 2
        limits.maxBodyBytes = 1 << 20
        let harness = try await IngestHarness(limits: limits)
        // Two clients send their headers and half a megabyte of body, then stall.
        let half = "{\"pad\":\"" + String(repeating: "x", count: 512 << 10)
        let stalled = try (0..<2).map { _ in try RawHTTP.openStalledPost(port: harness.port, contentLength: 1 << 20, sent: half) }
        defer { for socket in stalled { close(socket) } }
        let busy = await eventually(seconds: 5) { harness.server.requestsInProgress == 2 }
        #expect(busy, "the stalled requests were never admitted")
        // Everyone else is turned away at once, bodies unread: at most two bodies are ever buffered.
        let responses = try await withThrowingTaskGroup(of: Exchange.self) { group in
            for n in 0..<8 { group.addTask { try await HTTP.post(harness.url + "/v1/events", "{\"n\":\(n)}") } }
            var all: [Exchange] = []
            for try await response in group { all.append(response) }
            return all
        }
        #expect(responses.map(\.status) == Array(repeating: 503, count: 8))
        #expect(responses.allSatisfy { $0.header("Retry-After") == "1" })
        #expect(harness.server.requestsInProgress == 2)
        #expect(try harness.store.queuedCount() == 0)
        await harness.close()
    }

    @Test func healthzReportsAndDrainingRefuses() async throws {
        let harness = try await IngestHarness()
        let healthy = try await HTTP.send("GET", harness.url + "/healthz")
        #expect(healthy.status == 200 && healthy.json?.string("status") == "ok" && healthy.json?.int("queue_depth") == 0)
        harness.server.beginDraining()
        let draining = try await HTTP.send("GET", harness.url + "/healthz")
        #expect(draining.status == 503 && draining.json?.string("status") == "draining")
        let refused = try await HTTP.post(harness.url + "/v1/events", #"{"n":1}"#)
        #expect(refused.status == 503)
        #expect(try harness.store.queuedCount() == 0)
        await harness.close()
    }

    @Test func metricsAreValidPrometheusTextWithTheCounters() async throws {
        let live = Mutex<(RunMetrics, Int)>((RunMetrics(), 0))
        let harness = try await IngestHarness {
            let (metrics, written) = live.withLock { $0 }
            var text = PrometheusText()
            text.run(metrics, written: written, agentOrder: ["label"])
            return text.rendered
        }
        try harness.startRunner { events, _, metrics in live.withLock { $0 = (metrics, events) } }
        _ = try await HTTP.post(harness.url + "/v1/events", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n")
        _ = try await HTTP.post(harness.url + "/v1/events", "{\"n\":4\n")
        let counted = await eventually(seconds: 20) { live.withLock { $0.1 == 3 && $0.0.events == 3 } }
        #expect(counted)
        let response = try await HTTP.send("GET", harness.url + "/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let exposition = try PrometheusExposition(response.body)
        #expect(exposition.value("enrich_ingest_events_accepted_total") == 3)
        #expect(exposition.value("enrich_ingest_requests_total", ["code": "202"]) == 1)
        #expect(exposition.value("enrich_ingest_requests_total", ["code": "400"]) == 1)
        #expect(exposition.value("enrich_events_out_total") == 3)
        #expect(exposition.value("enrich_events_processed_total", ["status": "complete"]) == 3)
        #expect(exposition.value("enrich_agent_outcomes_total", ["agent": "label", "outcome": "ok"]) == 3)
        #expect(exposition.value("enrich_agent_latency_microseconds_count", ["agent": "label"]) == 3)
        #expect(exposition.value("enrich_ingest_queue_depth") != nil)
        #expect(exposition.types["enrich_agent_latency_microseconds"] == "summary")
        await harness.close()
    }
}

/// The label pipeline has only an `expr` agent, which needs no call.
struct ExprOnlyCalls: AgentCallProvider {
    func makeCall(for agent: PlanAgent) throws -> AgentCall? { nil }
}

/// Requests AsyncHTTPClient will not make: a chunked body, a stalled one.
enum RawHTTP {
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// POSTs `chunkedBody` in 100-byte chunks without a Content-Length; returns the response head.
    static func post(port: Int, chunkedBody: String) async throws -> String {
        let fd = try connect(port: port)
        defer { close(fd) }
        send(fd, "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        let bytes = Array(chunkedBody.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 100)
            send(fd, String(end - start, radix: 16) + "\r\n" + String(decoding: bytes[start..<end], as: UTF8.self) + "\r\n")
            start = end
        }
        send(fd, "0\r\n\r\n")
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
    }

    /// Sends headers announcing `contentLength` bytes and only `sent` of them; the caller closes.
    static func openStalledPost(port: Int, contentLength: Int, sent: String) throws -> Int32 {
        let fd = try connect(port: port)
        send(fd, "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(contentLength)\r\n\r\n" + sent)
        return fd
    }
}
