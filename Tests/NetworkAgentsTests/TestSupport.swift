import Diagnostics
import EventJSON
import Foundation
import NetworkAgents
import PipelineChecks
import Planner
import StandInServers
import Synchronization
import Testing

@testable import Runtime

/// Compiles pipeline text the way `enrich compile` does, failing the test on lint errors.
func compilePlan(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Plan {
    let result = Linter.lint(SourceFile(path: "pipeline.yaml", text: yaml))
    let errors = result.diagnostics.filter { $0.severity == .error }.map { "\($0.code): \($0.message)" }
    #expect(errors == [], "the fixture must lint without errors", sourceLocation: sourceLocation)
    let checked = try #require(result.pipeline, sourceLocation: sourceLocation)
    return try PlanCompiler.compile(checked, compiler: "enrich network-agents-tests")
}

/// The real HTTP agents, and nothing for `expr` agents.
struct NetworkCalls: AgentCallProvider {
    let network: NetworkAgentProvider

    struct NotNetwork: Error, CustomStringConvertible {
        var name: String
        var description: String { "`\(name)` is not a network agent" }
    }

    func makeCall(for agent: PlanAgent) throws -> AgentCall? {
        if agent.kind == "expr" { return nil }
        guard let call = network.makeCall(for: agent) else { throw NotNetwork(name: agent.name) }
        return call
    }
}

/// A plan's executor with real HTTP agents, for driving events one at a time.
struct LiveExecutor {
    let executor: PlanExecutor
    let prepared: PreparedPipeline
    let network: NetworkAgentProvider

    init(_ plan: Plan, environment: [String: String] = [:]) throws {
        network = NetworkAgentProvider(plan: plan)
        prepared = try PreparedPipeline(
            plan: plan, calls: NetworkCalls(network: network), cachePersistence: nil, environment: environment,
            wallClock: { Int64(Date().timeIntervalSince1970 * 1e6) })
        executor = prepared.makeInterpreter()
    }

    /// Runs one event (JSON text) to its result, failing the test after `seconds`.
    func process(_ event: String, seconds: Double = 10) async throws -> EventResult {
        let value = try JSONReader.parse(Array(event.utf8))
        let executor = self.executor
        return try await bounded(seconds: seconds) { await executor.process(value) }
    }

    /// The report of `agent` in `result`.
    func report(_ agent: String, in result: EventResult) -> AgentReport? {
        result.reports.first { $0.agent == agent }
    }

    func shutdown() async { await network.shutdown() }
}

extension EventResult {
    /// The enriched field `name`, if produced.
    func field(_ name: String) -> JSONValue? { fields.first { $0.0 == name }?.1 }
}

/// Monotonic clock in nanoseconds.
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func seconds(since start: UInt64) -> Double { Double(now() &- start) / 1e9 }

struct TimedOut: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "did not finish within \(seconds)s" }
}

/// Runs `body`, throwing ``TimedOut`` if it has not finished within `seconds` (without
/// waiting for a body that ignores cancellation).
func bounded<T: Sendable>(
    seconds: Double, sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let resumed = Mutex(false)
    let result: Result<T, any Error> = await withCheckedContinuation { continuation in
        let finish: @Sendable (Result<T, any Error>) -> Void = { result in
            let first = resumed.withLock { done -> Bool in
                defer { done = true }
                return !done
            }
            if first { continuation.resume(returning: result) }
        }
        let work = Task {
            do { finish(.success(try await body())) } catch { finish(.failure(error)) }
        }
        Task {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            finish(.failure(TimedOut(seconds: seconds)))
            work.cancel()
        }
    }
    if case .failure(let error as TimedOut) = result {
        Issue.record("\(error)", sourceLocation: sourceLocation)
    }
    return try result.get()
}

/// Starts a stand-in, runs `body` with it, and stops it whatever happens.
func withStandIn<T>(
    _ handler: @escaping StandInServer.Handler, _ body: (StandInServer) async throws -> T
) async throws -> T {
    let server = try await StandInServer.start(handler: handler)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// A temporary directory, removed by ``remove()``.
struct Workspace {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-network-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    func lines(_ name: String) -> [String] {
        guard let text = try? String(contentsOfFile: path(name), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// Every regular file under the directory (SQLite's -wal and -shm files included).
    func allFiles() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var files: [String] = []
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = path(name)
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(full) }
        }
        return files.sorted()
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// All network-agent suites, one test at a time: they measure time on a two-core
/// machine, and a test beside them would skew what they measure.
@Suite(.serialized) enum NetworkAgentBehaviour {}
