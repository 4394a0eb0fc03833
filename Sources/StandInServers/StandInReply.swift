/// What a stand-in server does with a request.
public enum StandInReply: Sendable {
    /// Answers with `status`, `headers` and `body` after waiting `delay`.
    case respond(status: Int, headers: [(name: String, value: String)], body: [UInt8], delay: Duration)
    /// Never answers; the connection stays open until the client closes it or the server stops.
    case hang
    /// Closes the connection with a TCP reset (`SO_LINGER` 0) instead of answering.
    case reset

    /// A JSON answer (`Content-Type: application/json`).
    public static func json(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = [], after delay: Duration = .zero)
        -> StandInReply
    {
        .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8), delay: delay)
    }

    /// An answer with a status and a short plain-text body.
    public static func status(_ status: Int, headers: [(name: String, value: String)] = [], after delay: Duration = .zero) -> StandInReply {
        .respond(status: status, headers: [("Content-Type", "text/plain")] + headers, body: Array("status \(status)\n".utf8), delay: delay)
    }
}
