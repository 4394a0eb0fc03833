import EventJSON
import Foundation
import Synchronization

/// Awaits an agent call for at most `timeout`, without waiting for a call that hangs.
///
/// A task group would wait for a child that ignores cancellation; here the call runs in
/// its own task and whichever of call and timer finishes first resumes the caller.
enum TimeoutRace {
    static func call(
        _ function: @escaping @Sendable (AgentRequest) async throws(AgentCallFailure) -> JSONValue,
        request: AgentRequest,
        timeoutMicroseconds: Int64
    ) async -> Result<JSONValue, AgentCallFailure> {
        let resumed = Mutex(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<JSONValue, AgentCallFailure>, Never>) in
            let finish: @Sendable (Result<JSONValue, AgentCallFailure>) -> Void = { result in
                let first = resumed.withLock { done -> Bool in
                    if done { return false }
                    done = true
                    return true
                }
                if first { continuation.resume(returning: result) }
            }
            let work = Task {
                do throws(AgentCallFailure) {
                    finish(.success(try await function(request)))
                } catch {
                    finish(.failure(error))
                }
            }
            Task {
                try? await Task.sleep(nanoseconds: UInt64(max(0, timeoutMicroseconds)) * 1000)
                let milliseconds = Double(timeoutMicroseconds) / 1000
                finish(.failure(AgentCallFailure("timed out after \(Self.format(milliseconds))ms", retryable: true)))
                work.cancel()
            }
        }
    }

    private static func format(_ milliseconds: Double) -> String {
        milliseconds == milliseconds.rounded() ? String(Int(milliseconds)) : String(format: "%.1f", milliseconds)
    }
}
