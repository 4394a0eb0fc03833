import Agents
import EventJSON
import Foundation
@testable import Planner

/// A fresh directory under the system temp directory, removed by `cleanUp()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-agents-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns its URL.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file
    }

    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// The repository root (for samples/).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func inputs(_ pairs: (String, JSONValue)...) -> JSONObject { JSONObject(pairs) }

/// The object a call returned, or nil when it was not an object.
func object(_ value: JSONValue) -> JSONObject? {
    if case .object(let object) = value { return object }
    return nil
}

/// A plan entry as the planner would produce it, for factory tests.
func planAgent(name: String, kind: String, settings: [String: String], inputs: [String]) -> PlanAgent {
    PlanAgent(
        name: name, kind: kind,
        inputs: inputs.map { PlanInput(name: $0, value: .event([$0])) }, outputs: [], emit: true, when: nil,
        dependencies: [], timeoutMicroseconds: 1_000_000,
        retry: PlanRetry(attempts: 1, backoffMicroseconds: 100_000, maxBackoffMicroseconds: 5_000_000, jitter: true),
        fallback: .skip, cache: nil, rateLimit: nil, concurrency: 64, settings: settings, command: nil, http: nil
    )
}
