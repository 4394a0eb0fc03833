import Foundation
import Synchronization

/// Set by SIGINT/SIGTERM (or a caller) to ask a run to finish what it has read and stop.
public final class StopFlag: Sendable {
    private let state = Atomic<Int32>(0)

    public init() {}

    /// The signal that asked to stop (0 while running).
    public var receivedSignal: Int32 { state.load(ordering: .acquiring) }
    public var isSet: Bool { receivedSignal != 0 }

    public func set(signal: Int32 = SIGTERM) {
        _ = state.compareExchange(expected: 0, desired: signal, ordering: .acquiringAndReleasing)
    }

    /// Routes SIGINT and SIGTERM to this flag for as long as the returned sources live.
    public func watchSignals() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.set(signal: number) }
            source.resume()
            return source
        }
    }
}
