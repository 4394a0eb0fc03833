import Dispatch
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 server on 127.0.0.1 (ephemeral port) that stands in for a service an
/// agent calls, answering each request as `handler` decides.
///
/// It records every request and counts connections and requests in flight, so a test can
/// check what a client really did: how many attempts, how far apart, how many connections
/// at once. Call ``stop()`` when done; it closes every connection, hanging ones included.
public final class StandInServer: Sendable {
    public typealias Handler = @Sendable (StandInRequest) async -> StandInReply

    /// What the server has seen so far.
    public struct Tally: Sendable {
        /// The first requests, up to the limit given to ``StandInServer/start(keepingRequests:handler:)``.
        public var requests: [StandInRequest] = []
        /// Every request received, kept or not.
        public var requestCount = 0
        public var connectionsAccepted = 0
        public var openConnections = 0
        public var maxOpenConnections = 0
        public var requestsInFlight = 0
        public var maxRequestsInFlight = 0
    }

    /// The tally and the open connections, shared with the tasks that serve them.
    private final class Ledger: Sendable {
        let tally = Mutex(Tally())
        let channels = Mutex<[Int: any Channel]>([:])
        let keepRequests: Int

        init(keepRequests: Int) { self.keepRequests = keepRequests }
    }

    public let port: Int
    private let ledger: Ledger
    private let serverChannel: any Channel
    private let serving: Task<Void, Never>

    private init(port: Int, serverChannel: any Channel, ledger: Ledger, serving: Task<Void, Never>) {
        self.port = port
        self.serverChannel = serverChannel
        self.ledger = ledger
        self.serving = serving
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// A snapshot of what the server has seen.
    public var seen: Tally { ledger.tally.withLock { $0 } }
    public var requests: [StandInRequest] { seen.requests }
    public var requestCount: Int { ledger.tally.withLock { $0.requestCount } }

    /// Starts a server on 127.0.0.1 at a port the system picks.
    ///
    /// `handler` is called once per request and must return (a reply may still hang);
    /// the first `keepingRequests` requests are kept for ``requests``, so a long
    /// benchmark run does not grow without bound.
    public static func start(keepingRequests: Int = 10_000, handler: @escaping Handler) async throws -> StandInServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = channel.channel.localAddress?.port else {
            try? await channel.channel.close()
            throw StandInServerError.noPort
        }
        let ledger = Ledger(keepRequests: keepingRequests)
        let serving = Task<Void, Never> {
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        let id = ledger.tally.withLock { tally in
                            tally.connectionsAccepted += 1
                            tally.openConnections += 1
                            tally.maxOpenConnections = max(tally.maxOpenConnections, tally.openConnections)
                            return tally.connectionsAccepted
                        }
                        ledger.channels.withLock { $0[id] = connection.channel }
                        group.addTask {
                            await Self.serve(connection, id: id, handler: handler, ledger: ledger)
                            ledger.channels.withLock { _ = $0.removeValue(forKey: id) }
                            ledger.tally.withLock { $0.openConnections -= 1 }
                        }
                    }
                }
            }
        }
        return StandInServer(port: port, serverChannel: channel.channel, ledger: ledger, serving: serving)
    }

    /// Stops accepting, closes every connection and waits until all are done.
    public func stop() async {
        try? await serverChannel.close()
        for channel in ledger.channels.withLock({ Array($0.values) }) { try? await channel.close() }
        serving.cancel()
        await serving.value
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, id: Int, handler: Handler, ledger: Ledger
    ) async {
        let channel = connection.channel
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let received):
                    head = received
                    body = []
                case .body(let buffer):
                    body += buffer.readableBytesView
                case .end:
                    guard let received = head else { continue }
                    let request = StandInRequest(
                        method: received.method.rawValue, uri: received.uri, headers: received.headers.map { ($0.name, $0.value) },
                        body: body, connection: id, receivedAt: DispatchTime.now().uptimeNanoseconds)
                    ledger.tally.withLock { tally in
                        tally.requestCount += 1
                        if tally.requests.count < ledger.keepRequests { tally.requests.append(request) }
                        tally.requestsInFlight += 1
                        tally.maxRequestsInFlight = max(tally.maxRequestsInFlight, tally.requestsInFlight)
                    }
                    defer { ledger.tally.withLock { $0.requestsInFlight -= 1 } }
                    switch await handler(request) {
                    case .respond(let status, let headers, let content, let delay):
                        if delay > .zero { try await Task.sleep(for: delay) }
                        var fields = HTTPHeaders(headers.map { ($0.name, $0.value) })
                        fields.replaceOrAdd(name: "Content-Length", value: String(content.count))
                        let responseHead = HTTPResponseHead(version: received.version, status: HTTPResponseStatus(statusCode: status), headers: fields)
                        try await outbound.write(.head(responseHead))
                        if !content.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: content)))) }
                        try await outbound.write(.end(nil))
                    case .hang:
                        try? await channel.closeFuture.get()
                        return
                    case .reset:
                        try? await (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                        try? await channel.close()
                        return
                    }
                }
            }
        }
    }
}

/// Why a stand-in server could not start.
public enum StandInServerError: Error, CustomStringConvertible {
    case noPort

    public var description: String { "the stand-in server's socket has no port" }
}
