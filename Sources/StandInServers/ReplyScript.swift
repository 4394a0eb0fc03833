import Synchronization

/// Replies in order: the scripted ones first, then the standing reply (which a test may
/// change, e.g. when the service "recovers").
public final class ReplyScript: Sendable {
    private struct State {
        var scripted: [StandInReply]
        var standing: StandInReply
    }

    private let state: Mutex<State>

    public init(_ scripted: [StandInReply] = [], then standing: StandInReply) {
        state = Mutex(State(scripted: scripted, standing: standing))
    }

    /// The reply for the next request.
    public func next() -> StandInReply {
        state.withLock { state in state.scripted.isEmpty ? state.standing : state.scripted.removeFirst() }
    }

    /// Replaces the standing reply (scripted replies still come first).
    public func answer(_ reply: StandInReply) {
        state.withLock { $0.standing = reply }
    }

    /// A handler for ``StandInServer/start(handler:)``.
    public var handler: StandInServer.Handler { { _ in self.next() } }
}
