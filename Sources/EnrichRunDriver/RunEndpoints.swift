import ArgumentParser
import AsyncHTTPClient
import Connectors
import Foundation
import Planner
import Runtime
import RuntimeState
import Synchronization

/// The HTTP ingest server and the webhook sink of one `enrich run`, started and stopped together.
///
/// Stopping on SIGINT/SIGTERM: the server answers 503 from then on, requests already being
/// read finish (their events are queued), then the run finishes the events in flight and
/// checkpoints; the sink stops after its current request. Whatever is queued or in the
/// outbox then is picked up by the next start.
final class RunEndpoints: Sendable {
    let server: IngestServer?
    let sink: WebhookSink?
    let client: HTTPClient?
    let runStop: StopFlag
    let sinkStop = StopFlag()
    let inputFinished = Atomic<Bool>(false)
    let failure = Mutex<String?>(nil)
    let live = Mutex<(metrics: RunMetrics, written: Int)>((RunMetrics(), 0))
    private let tasks = Mutex<[Task<Void, Never>]>([])

    init(server: IngestServer?, sink: WebhookSink?, client: HTTPClient?, runStop: StopFlag) {
        self.server = server
        self.sink = sink
        self.client = client
        self.runStop = runStop
    }

    /// Parses `HOST:PORT` (port 0 picks a free port; the bound one is printed).
    static func address(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--serve takes HOST:PORT, e.g. 127.0.0.1:8080 (got `\(text)`)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    /// `250ms`, `2s`, `1m` or a bare number of milliseconds.
    static func milliseconds(_ text: String, option: String) throws -> Int {
        let units: [(String, Int)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Int(text.dropLast(suffix.count)), value >= 0 { return value * scale }
        }
        if let value = Int(text), value >= 0 { return value }
        throw ValidationError("\(option) takes a duration such as 200ms, 2s or 1m (got `\(text)`)")
    }

    /// A stable name for the input in idempotency keys: `q` for the queue, a hash of a file's
    /// absolute path, or a random name for standard input (which has no identity across runs).
    static func keyTag(for input: RunConfiguration.Input) -> String {
        switch input {
        case .queue: return "q"
        case .standardInput: return "s" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        case .file(let path):
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in URL(fileURLWithPath: path).standardizedFileURL.path.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            return "f" + String(hash, radix: 16)
        }
    }

    /// Starts the server and the sink; stops them when `signals` fires.
    func start(signals: StopFlag, listen: (host: String, port: Int)?) {
        var started: [Task<Void, Never>] = []
        if let server, let listen {
            started.append(Task {
                do {
                    try await server.run { port in
                        FileHandle.standardError.write(Data("enrich: listening on http://\(listen.host):\(port) (POST /v1/events, GET /healthz, GET /metrics)\n".utf8))
                    }
                } catch {
                    if !Task.isCancelled {
                        self.failure.withLock { $0 = "cannot serve on \(listen.host):\(listen.port): \(error)" }
                        self.runStop.set(signal: SIGTERM)
                    }
                }
            })
        }
        if let sink {
            started.append(Task {
                do {
                    try await sink.run(stop: self.sinkStop) { self.inputFinished.load(ordering: .acquiring) }
                } catch {
                    self.failure.withLock { $0 = "webhook sink: \(error)" }
                    self.runStop.set(signal: SIGTERM)
                }
            })
        }
        started.append(Task {
            while !signals.isSet, !Task.isCancelled { try? await Task.sleep(nanoseconds: 20_000_000) }
            guard signals.isSet else { return }
            if let server {
                server.beginDraining()
                await server.waitUntilIdle(seconds: 10)
            }
            self.runStop.set(signal: signals.receivedSignal)
            self.sinkStop.set(signal: signals.receivedSignal)
        })
        tasks.withLock { $0 = started }
    }

    /// After the run: lets the sink empty the outbox (unless stopped), then stops everything.
    func finish() async {
        inputFinished.store(true, ordering: .releasing)
        let all = tasks.withLock { $0 }
        if sink != nil, all.count >= 2 {
            // The sink task returns once the outbox is empty or it was stopped.
            await all[server != nil ? 1 : 0].value
        }
        sinkStop.set()
        for task in all { task.cancel() }
        for task in all { await task.value }
        try? await client?.shutdown()
    }

    /// Prometheus text for `/metrics`: the run's figures, then the sink's.
    func metricsText(agentOrder: [String]) -> String {
        let (metrics, written) = live.withLock { $0 }
        var text = PrometheusText()
        text.run(metrics, written: written, agentOrder: agentOrder)
        sink?.metrics(into: &text)
        return text.rendered
    }
}
