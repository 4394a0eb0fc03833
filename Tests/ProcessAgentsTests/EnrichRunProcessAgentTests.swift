import Foundation
import Testing

/// `enrich run` over pipelines with `process` and `local_llm` agents, as a user runs it.
@Suite("enrich run with process agents", .timeLimit(.minutes(2)))
struct EnrichRunProcessAgentTests {
    static let events = """
        {"user_id": "u-1", "description": "Great service, I love it", "ticket_id": "t-1", "body": "Great service, I love it"}
        {"user_id": "u-2", "description": "slow and broken, I want a refund", "ticket_id": "t-2", "body": "slow and broken, I want a refund"}
        {"user_id": "u-3", "description": "where is my parcel", "ticket_id": "t-3", "body": "where is my parcel"}

        """

    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func theSeedFileRunsWithTheStandInInPlaceOfTheModelServer() throws {
        let outcome = try BoundedEnrich.run(
            ["run", "samples/seed-agents.yaml", "--state", ":memory:", "--progress", "never",
             "--process-command", "sentiment=python3 samples/sidecars/standin_sentiment.py"],
            stdin: Self.events)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let events = try Self.lines(outcome.stdout)
        #expect(events.map { $0["sentiment"] as? String } == ["positive", "negative", "neutral"])
        #expect(events.allSatisfy { $0["crm_segment"] is String })
        #expect(events.allSatisfy { ($0["_enrichment"] as? [String: Any])?["status"] as? String == "complete" })
    }

    @Test func aProcessAgentWithEnvAndALocalLLMWithItsOwnCommandEnrichEvents() throws {
        let outcome = try BoundedEnrich.run(
            ["run", "samples/ticket-tone.yaml", "--state", ":memory:", "--progress", "never"], stdin: Self.events)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let events = try Self.lines(outcome.stdout)
        #expect(events.map { $0["tone"] as? String } == ["positive", "negative", "neutral"])
        #expect(events.map { $0["model_label"] as? String } == ["positive", "negative", "neutral"])
        #expect(events.allSatisfy { $0["tone_source"] as? String == "word-list" })
        #expect((events.first?["tone_score"] as? Double) == 1.0)
        // `env:` is kept in the plan, as written.
        let plan = try BoundedEnrich.run(["compile", "samples/ticket-tone.yaml", "-o", "-"])
        #expect(plan.stdout.contains("\"TONE_SOURCE\": \"word-list\""))
    }

    @Test func aRequestThatTimesOutFallsBackAndTheRunStillEndsCleanly() throws {
        let pipeline = try BoundedEnrich.temporaryFile("""
            agents:
            - name: tone
              type: process
              command: [python3, \(StandIn.script)]
              timeout: 1s
              fallback: skip
              input:
                text: event.body
                hang: event.hang ?? false
              output:
                tone: label
                tone_pid: pid
            """)
        let input = """
            {"body": "great", "hang": false}
            {"body": "never answered", "hang": true}
            {"body": "awful", "hang": false}

            """
        let started = Date()
        let outcome = try BoundedEnrich.run(["run", pipeline, "--state", ":memory:", "--progress", "never"], stdin: input)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        let events = try Self.lines(outcome.stdout)
        #expect(events.map { $0["tone"] as? String } == ["positive", nil, "negative"])
        let metadata = try #require(events[1]["_enrichment"] as? [String: Any])
        #expect(metadata["status"] as? String == "partial")
        #expect("\(metadata)".contains("timed out after 1000ms"))
        let pid = try #require(events[0]["tone_pid"] as? Int)
        #expect(!processExists(Int32(pid)), "the child must be gone once enrich has exited")
    }

    @Test func envValuesReadEnrichsVariablesAtStartAndPlansKeepOnlyTheReference() throws {
        let pipeline = try BoundedEnrich.temporaryFile("""
            agents:
            - name: tone
              type: process
              command: [python3, \(StandIn.script), --echo-env, TONE_GREETING]
              env:
                TONE_GREETING: "hello {env.ENRICH_TEST_SECRET}"
              input:
                text: event.body
              output:
                greeting: env
            """)
        let secret = "s3cr3t-value-never-in-plans"
        let outcome = try BoundedEnrich.run(
            ["run", pipeline, "--state", ":memory:", "--progress", "never"], stdin: Self.events, environment: ["ENRICH_TEST_SECRET": secret])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try Self.lines(outcome.stdout).map { $0["greeting"] as? String } == Array(repeating: "hello \(secret)", count: 3))
        let plan = try BoundedEnrich.run(["compile", pipeline, "-o", "-"], environment: ["ENRICH_TEST_SECRET": secret])
        #expect(plan.stdout.contains("\"TONE_GREETING\": \"hello {env.ENRICH_TEST_SECRET}\""))
        #expect(!plan.stdout.contains(secret))
        // A plan file keeps `env:` too: running it gives the same greeting.
        let planFile = pipeline + ".plan"
        #expect(try BoundedEnrich.run(["compile", pipeline, "-o", planFile]).status == 0)
        let fromPlan = try BoundedEnrich.run(
            ["run", planFile, "--state", ":memory:", "--progress", "never"], stdin: Self.events, environment: ["ENRICH_TEST_SECRET": secret])
        #expect(fromPlan.status == 0, "\(fromPlan.stderr)")
        #expect(try Self.lines(fromPlan.stdout).map { $0["greeting"] as? String } == Array(repeating: "hello \(secret)", count: 3))

        let unset = try BoundedEnrich.run(["run", pipeline, "--state", ":memory:"], stdin: Self.events)
        #expect(unset.status == 2)
        #expect(unset.stderr.contains("agent `tone`: env TONE_GREETING: the environment variable ENRICH_TEST_SECRET (`{env.ENRICH_TEST_SECRET}` in `env:`) is not set"))
    }

    @Test func aClosedStandardOutputIsAnErrorNotACrashOrADeathBySIGPIPE() throws {
        // Process agents make enrich ignore SIGPIPE (a dead child's pipe must not kill it),
        // so a reader that goes away is reported like any failed write.
        let input = String(repeating: #"{"ticket_id": "t", "body": "great"}"# + "\n", count: 3000)
        let outcome = try BoundedEnrich.run(
            ["run", "samples/ticket-tone.yaml", "--state", ":memory:", "--progress", "never"], stdin: input, closedOutput: true)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("enrich: error: output: writing standard output failed: Broken pipe"))
    }

    @Test func aModelServerThatCannotLoadStopsTheRunWithItsMessage() throws {
        let pipeline = try BoundedEnrich.temporaryFile("""
            agents:
            - name: sentiment
              type: local_llm
              model: /nonexistent/enrich-test-model
              input:
                text: event.body
              output:
                sentiment: label
            """)
        let outcome = try BoundedEnrich.run(
            ["run", pipeline, "--state", ":memory:", "--sidecar-dir", "samples/sidecars"], stdin: Self.events)
        #expect(outcome.status == 2)
        #expect(outcome.stdout.isEmpty)
        // Without transformers it says so; with it, the model directory is missing.
        #expect(outcome.stderr.contains("agent `sentiment`: the process exited before writing its ready line (exit status 2); its last error output: hf_sentiment: "))
        #expect(outcome.stderr.contains("`transformers` package cannot be imported") || outcome.stderr.contains("cannot load the model `/nonexistent/enrich-test-model`"))
    }

    @Test func aMissingModelServerOrExecutableIsReportedBeforeAnyEvent() throws {
        let missingServer = try BoundedEnrich.run(
            ["run", "samples/seed-agents.yaml", "--state", ":memory:", "--sidecar-dir", "/nonexistent/sidecars"], stdin: Self.events)
        #expect(missingServer.status == 2)
        #expect(missingServer.stderr.contains("agent `sentiment`: it has no `command:` and the bundled model server /nonexistent/sidecars/hf_sentiment.py is not there"))

        let missingProgram = try BoundedEnrich.run(
            ["run", "samples/seed-agents.yaml", "--state", ":memory:", "--process-command", "sentiment=enrich-no-such-program --serve"],
            stdin: Self.events)
        #expect(missingProgram.status == 2)
        #expect(missingProgram.stderr.contains("agent `sentiment`: cannot start `enrich-no-such-program --serve`"))

        let notAProcess = try BoundedEnrich.run(
            ["run", "samples/seed-agents.yaml", "--state", ":memory:", "--process-command", "crm_lookup=python3 x.py"], stdin: Self.events)
        #expect(notAProcess.status == 2)
        #expect(notAProcess.stderr.contains("--process-command names `crm_lookup`, which is not a process or local_llm agent of this pipeline"))
    }
}

/// Runs the built `enrich` from the package root, killing it if it outlives `timeout`.
enum BoundedEnrich {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent("enrich")
    }

    /// With `closedOutput`, the read end of enrich's standard output is closed at once
    /// (as `| head` does), so its writes fail with EPIPE.
    static func run(
        _ arguments: [String], stdin: String = "", environment: [String: String] = [:], closedOutput: Bool = false, timeout: TimeInterval = 60
    ) throws -> Outcome {
        let process = Process()
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = StandIn.packageRoot
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if closedOutput { try out.fileHandleForReading.close() }
        let collected = CollectedOutput()
        let readers = DispatchGroup()
        for (pipe, isError) in closedOutput ? [(err, true)] : [(out, false), (err, true)] {
            DispatchQueue.global().async(group: readers) {
                collected.set(pipe.fileHandleForReading.readDataToEndOfFile(), isError: isError)
            }
        }
        // enrich may stop reading early (a failed run): that must not kill the test.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: Data(stdin.utf8))
        try? input.fileHandleForWriting.close()
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = exited.wait(timeout: .now() + 5)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            Issue.record("enrich \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        _ = readers.wait(timeout: .now() + 10)
        return Outcome(status: process.terminationStatus, stdout: collected.text(isError: false), stderr: collected.text(isError: true))
    }

    static func temporaryFile(_ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("pipeline.yaml")
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var output = Data()
    private var error = Data()

    func set(_ data: Data, isError: Bool) {
        lock.lock()
        if isError { error = data } else { output = data }
        lock.unlock()
    }

    func text(isError: Bool) -> String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: isError ? error : output, as: UTF8.self)
    }
}
