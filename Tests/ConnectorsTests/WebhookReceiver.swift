import EventJSON
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A webhook receiver on 127.0.0.1 (port 0) for tests: answers as `behaviour` says for each
/// request (by 0-based index) and records what arrived, deduplicating events by idempotency key.
final class WebhookReceiver: Sendable {
    enum Behaviour: Sendable {
        case status(Int)
        /// Waits this long before answering 200 (a hang when longer than the client's timeout).
        case delay(milliseconds: Int, status: Int)
    }

    struct Received: Sendable {
        var headerKeys: [String]
        var authorization: String?
        var events: [JSONValue]
        var status: Int
        var at: UInt64
    }

    private let behaviour: @Sendable (Int) -> Behaviour
    private let received = Mutex<[Received]>([])
    private let count = Mutex(0)
    private let task: Task<Void, any Error>
    let port: Int

    private init(behaviour: @escaping @Sendable (Int) -> Behaviour, port: Int, task: Task<Void, any Error>) {
        self.behaviour = behaviour
        self.port = port
        self.task = task
    }

    /// Starts a receiver and waits (at most 10 s) until it listens.
    static func start(_ behaviour: @escaping @Sendable (Int) -> Behaviour = { _ in .status(200) }) async throws -> WebhookReceiver {
        let bound = Mutex<Int?>(nil)
        let holder = Mutex<WebhookReceiver?>(nil)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            guard let receiver = holder.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return try await receiver.handle(request)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in bound.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        let task = Task { try await app.run() }
        let deadline = Date().addingTimeInterval(10)
        while bound.withLock({ $0 }) == nil, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        guard let port = bound.withLock({ $0 }) else {
            task.cancel()
            throw ReceiverError.notListening
        }
        let receiver = WebhookReceiver(behaviour: behaviour, port: port, task: task)
        holder.withLock { $0 = receiver }
        return receiver
    }

    enum ReceiverError: Error { case notListening }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    private func handle(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 64 << 20)
        let index = count.withLock { value -> Int in
            defer { value += 1 }
            return value
        }
        let status: Int
        switch behaviour(index) {
        case .status(let code): status = code
        case .delay(let milliseconds, let code):
            try? await Task.sleep(nanoseconds: UInt64(milliseconds) * 1_000_000)
            status = code
        }
        var events: [JSONValue] = []
        if case .array(let items)? = try? JSONReader.parse(Array(buffer: body)) { events = items }
        let header = request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value
        let keys = header?.split(separator: ",").map(String.init) ?? []
        let authorization = request.headers.first { $0.name.canonicalName == "authorization" }?.value
        received.withLock { $0.append(Received(headerKeys: keys, authorization: authorization, events: events, status: status, at: DispatchTime.now().uptimeNanoseconds)) }
        return Response(status: HTTPResponse.Status(code: status), headers: [:], body: .init(byteBuffer: ByteBuffer(string: "status \(status)")))
    }

    var requests: [Received] { received.withLock { $0 } }

    /// Events acknowledged with 2xx, one per idempotency key (the receiver's dedup).
    var deliveredByKey: [String: JSONValue] {
        var unique: [String: JSONValue] = [:]
        for request in requests where (200..<300).contains(request.status) {
            for event in request.events { if let key = event.string("_idempotency_key") { unique[key] = event } }
        }
        return unique
    }

    /// Waits until `condition` holds (true) or `seconds` pass (false).
    func wait(seconds: Double, until condition: (WebhookReceiver) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(self) { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return condition(self)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
