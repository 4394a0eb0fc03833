import Diagnostics
import EventJSON
import Foundation
import PipelineChecks
import Planner
import Runtime
import Synchronization
import Testing

/// Compiles pipeline text the way `enrich compile` does, failing the test on lint errors.
enum Pipelines {
    static func plan(_ yaml: String, path: String = "pipeline.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Plan {
        let result = Linter.lint(SourceFile(path: path, text: yaml))
        let errors = result.diagnostics.filter { $0.severity == .error }.map { "\($0.code): \($0.message)" }
        #expect(errors == [], "the fixture must lint without errors", sourceLocation: sourceLocation)
        let checked = try #require(result.pipeline, sourceLocation: sourceLocation)
        return try PlanCompiler.compile(checked, compiler: "enrich runtime-tests")
    }
}

/// Monotonic clock in nanoseconds.
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func milliseconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1_000_000 }

/// A mutable box shared across tasks.
final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    @discardableResult
    func update<R: Sendable>(_ body: (inout Value) -> R) -> R { storage.withLock { body(&$0) } }
}

/// When each call of each agent started and ended (uptime nanoseconds), and its inputs.
final class CallLog: Sendable {
    struct Call: Sendable {
        var agent: String
        var start: UInt64
        var end: UInt64?
        var inputs: JSONObject
    }

    private let calls = Locked<[Call]>([])

    /// Records a start; returns the index to pass to ``ended(_:)``.
    func started(_ agent: String, _ inputs: JSONObject) -> Int {
        calls.update { list in
            list.append(Call(agent: agent, start: now(), inputs: inputs))
            return list.count - 1
        }
    }

    func ended(_ index: Int) {
        let time = now()
        calls.update { $0[index].end = time }
    }

    var all: [Call] { calls.value }
    func of(_ agent: String) -> [Call] { all.filter { $0.agent == agent } }
    func count(_ agent: String) -> Int { of(agent).count }
}

/// Agent behaviours for tests, by function name (`function:` setting, else the agent's name).
struct TestCalls: AgentCallProvider {
    var calls: [String: AgentCall]

    init(_ calls: [String: AgentCall]) { self.calls = calls }

    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "no test behaviour for `\(name)`" }
    }

    func makeCall(for agent: PlanAgent) throws -> AgentCall? {
        if agent.kind == "expr" { return nil }
        let name = agent.settings["function"] ?? agent.name
        guard let call = calls[name] else { throw Missing(name: name) }
        return call
    }
}

/// Ready-made agent behaviours.
enum Behaviour {
    /// Sleeps `milliseconds` (cancellable), logging the call, then returns `result(inputs)`.
    static func slow(
        _ name: String, milliseconds: Int, log: CallLog? = nil,
        result: @escaping @Sendable (JSONObject) -> JSONValue = { _ in .object(JSONObject([("value", .string("v"))])) }
    ) -> AgentCall {
        .awaited { request in
            let index = log?.started(name, request.inputs)
            try? await Task.sleep(nanoseconds: UInt64(milliseconds) * 1_000_000)
            if let index { log?.ended(index) }
            return result(request.inputs)
        }
    }

    /// Never returns and ignores cancellation (the continuation is never resumed).
    static func hanging(_ name: String, log: CallLog? = nil) -> AgentCall {
        .awaited { request in
            _ = log?.started(name, request.inputs)
            await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
            return .null
        }
    }

    /// Inline: returns `result(inputs)`, logging the call.
    static func inline(
        _ name: String, log: CallLog? = nil,
        result: @escaping @Sendable (JSONObject) -> JSONValue = { _ in .object(JSONObject([("value", .string("v"))])) }
    ) -> AgentCall {
        .inline { request in
            let index = log?.started(name, request.inputs)
            if let index { log?.ended(index) }
            return result(request.inputs)
        }
    }

    /// Awaited: the first `failures` calls fail (retryable or not), later ones succeed.
    static func failing(
        _ name: String, times failures: Int, retryable: Bool, log: CallLog,
        result: JSONValue = .object(JSONObject([("value", .string("v"))]))
    ) -> AgentCall {
        .awaited { request throws(AgentCallFailure) in
            let index = log.started(name, request.inputs)
            log.ended(index)
            if index < failures { throw AgentCallFailure("planned failure \(index + 1)", retryable: retryable) }
            return result
        }
    }

    /// Awaited and always failing.
    static func broken(_ name: String, retryable: Bool = false, log: CallLog? = nil) -> AgentCall {
        .awaited { request throws(AgentCallFailure) in
            if let log { log.ended(log.started(name, request.inputs)) }
            throw AgentCallFailure("\(name) is down", retryable: retryable)
        }
    }
}

/// A temporary directory with input, output, dead-letter and state paths.
struct Workspace {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-runtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    var input: String { path("in.jsonl") }
    var output: String { path("out.jsonl") }
    var deadLetter: String { path("dead.jsonl") }
    var state: String { path("state.sqlite") }

    func write(_ lines: [String], to path: String? = nil) throws {
        try write(Array(lines.map { $0 + "\n" }.joined().utf8), to: path)
    }

    func write(_ bytes: [UInt8], to path: String? = nil) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path ?? input))
    }

    func append(_ lines: [String], to path: String? = nil) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path ?? input))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
        try handle.close()
    }

    func lines(_ path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func configuration(input: String? = nil, output: String? = nil, deadLetter: String? = nil) -> RunConfiguration {
        RunConfiguration(input: .file(input ?? self.input), output: .file(output ?? self.output), deadLetterPath: deadLetter ?? self.deadLetter)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// The result of one run: summary, raw and parsed output and dead-letter lines.
struct RunResult {
    var summary: RunSummary
    var output: [String]
    var deadLetter: [String]

    var events: [JSONValue] { output.map { (try? JSONReader.parse($0)) ?? .null } }
    var deadLetterObjects: [JSONValue] { deadLetter.map { (try? JSONReader.parse($0)) ?? .null } }

    /// `id` of each output event, in output order.
    var ids: [String] { events.map { $0.string("id") ?? "?" } }
}

/// Runs `plan` over the workspace input, failing the test if it takes longer than `limit` seconds.
func runPlan(
    _ plan: Plan, calls: [String: AgentCall], in workspace: Workspace, state: SQLiteRunState? = nil,
    wallClock: (@Sendable () -> Int64)? = nil, limit: Double = 20,
    stop: StopFlag = StopFlag(),
    progress: (@Sendable (Int, Int, RunMetrics) -> Void)? = nil,
    configure: (inout RunConfiguration) -> Void = { _ in },
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) async throws -> RunResult {
    let runner: EventStreamRunner
    if let wallClock {
        runner = try EventStreamRunner(
            plan: plan, calls: TestCalls(calls), codec: JSONLinesCodec(plan: plan), state: state, cachePersistence: state,
            environment: [:], wallClock: wallClock)
    } else {
        runner = try EventStreamRunner(
            plan: plan, calls: TestCalls(calls), codec: JSONLinesCodec(plan: plan), state: state, cachePersistence: state,
            environment: [:])
    }
    var configuration = workspace.configuration()
    configure(&configuration)
    let finalConfiguration = configuration
    let summary = try await bounded(seconds: limit, sourceLocation: sourceLocation) {
        try await runner.run(finalConfiguration, stop: stop, progress: progress)
    }
    let outputPath: String
    if case .file(let path) = finalConfiguration.output { outputPath = path } else { outputPath = workspace.output }
    return RunResult(summary: summary, output: try workspace.lines(outputPath), deadLetter: try workspace.lines(finalConfiguration.deadLetterPath))
}

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
        Issue.record("the run \(error)", sourceLocation: sourceLocation)
    }
    return try result.get()
}

extension JSONValue {
    func string(_ path: String...) -> String? {
        if case .string(let text)? = self[path: path] { return text }
        return nil
    }

    func int(_ path: String...) -> Int64? {
        if case .int(let number)? = self[path: path] { return number }
        return nil
    }

    func value(_ path: String...) -> JSONValue? { self[path: path] }

    /// The object without `key` (unchanged if not an object).
    func removing(_ key: String) -> JSONValue {
        guard case .object(let object) = self else { return self }
        return .object(JSONObject(object.pairs.filter { $0.0 != key }.map { ($0.0, $0.1) }))
    }

    /// Keys of an object, in order.
    var keys: [String] {
        if case .object(let object) = self { return object.keys }
        return []
    }
}

/// Events as JSON Lines: `{"id":"e1","type":...}`.
func eventLines(_ count: Int, prefix: String = "e", extra: (Int) -> String = { _ in "" }) -> [String] {
    (1...count).map { index in
        let more = extra(index)
        return "{\"id\":\"\(prefix)\(index)\",\"user_id\":\"u\(index)\"\(more.isEmpty ? "" : "," + more)}"
    }
}

/// A deterministic generator (SplitMix64), for seeded property tests.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Every runtime suite, one test at a time: many assertions measure time, and on a
/// two-core machine a CPU-heavy test beside them (the property test, the 20,000-event
/// process runs) would starve the cooperative thread pool they are measured on.
@Suite(.serialized) enum RuntimeBehaviour {}
