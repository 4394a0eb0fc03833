import EventJSON
import Foundation
import Runtime
import Synchronization

@testable import ProcessAgents

/// The pure-Python stand-in sidecar (samples/sidecars/standin_sentiment.py), started for real.
enum StandIn {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var script: String { packageRoot.appendingPathComponent("samples/sidecars/standin_sentiment.py").path }

    /// Settings for an agent named `sentiment` running the stand-in with `flags`; its
    /// standard error goes to `log` instead of the test's output.
    static func settings(_ flags: [String] = [], log: CollectedLog = CollectedLog()) -> ProcessAgentSettings {
        var settings = ProcessAgentSettings(name: "sentiment", command: ["python3", script] + flags)
        settings.startupTimeout = .seconds(20)
        settings.exitGrace = .seconds(2)
        settings.terminateGrace = .seconds(2)
        settings.log = { line in log.append(line) }
        return settings
    }

    static func inputs(_ text: String, delayMilliseconds: Int? = nil, hang: Bool = false) -> JSONObject {
        var pairs: [(String, JSONValue)] = [("text", .string(text))]
        if let delayMilliseconds { pairs.append(("delay_ms", .int(Int64(delayMilliseconds)))) }
        if hang { pairs.append(("hang", .bool(true))) }
        return JSONObject(pairs)
    }

    static func label(_ value: JSONValue) -> String? {
        if case .string(let label)? = value[path: ["label"]] { return label }
        return nil
    }
}

/// Lines an agent logged, kept for assertions.
final class CollectedLog: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// Calls `agent` the way the runtime does under a timeout: the call is cancelled once
/// `timeout` has passed and the caller gets a failure at once.
func call(_ agent: ProcessAgent, _ inputs: JSONObject, timeout: Duration = .seconds(10)) async -> Result<JSONValue, AgentCallFailure> {
    let work = Task { () -> Result<JSONValue, AgentCallFailure> in
        do throws(AgentCallFailure) {
            return .success(try await agent.call(inputs))
        } catch {
            return .failure(error)
        }
    }
    let timer = Task {
        try? await Task.sleep(for: timeout)
        if !Task.isCancelled { work.cancel() }
    }
    let result = await work.value
    timer.cancel()
    return result
}

/// Polls `condition` every 20 ms for at most `timeout`; true once it holds.
func eventually(within timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// Whether a process with this id still exists (a zombie counts as existing).
func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
