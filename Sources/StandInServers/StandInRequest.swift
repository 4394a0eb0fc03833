/// One request as a stand-in server received it.
public struct StandInRequest: Sendable {
    public var method: String
    /// The request target as sent: path and query, still percent-encoded.
    public var uri: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Which connection carried it (numbered from 1 in the order they were accepted).
    public var connection: Int
    /// When the request was complete, in uptime nanoseconds.
    public var receivedAt: UInt64

    public init(method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8], connection: Int, receivedAt: UInt64) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        self.connection = connection
        self.receivedAt = receivedAt
    }

    /// The path without the query.
    public var path: String { String(uri.prefix { $0 != "?" }) }

    /// The first value of header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
