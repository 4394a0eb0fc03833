import EventJSON
import Foundation
import Runtime
import Synchronization
import Testing

@testable import ProcessAgents

@Suite("process agents: a child speaking JSON lines", .timeLimit(.minutes(1)))
struct ProcessAgentTests {
    @Test func manyRequestsInFlightAreMatchedByIDWhateverTheOrderOfAnswers() async throws {
        let agent = ProcessAgent(settings: StandIn.settings())
        try await agent.start()
        // A slow request first; twenty quick ones overtake it and are answered meanwhile.
        let slowDone = CollectedLog()
        let slow = Task {
            let result = await call(agent, StandIn.inputs("love it, thanks", delayMilliseconds: 2000))
            slowDone.append("done")
            return result
        }
        #expect(await eventually { agent.status.inFlight == 1 })
        let count = 20
        let results = await withTaskGroup(of: (Int, Result<JSONValue, AgentCallFailure>).self) { group in
            for index in 0..<count {
                group.addTask {
                    let text = index.isMultiple(of: 2) ? "great service, love it \(index)" : "slow and broken \(index)"
                    return (index, await call(agent, StandIn.inputs(text, delayMilliseconds: (count - index) * 10)))
                }
            }
            var results: [Int: Result<JSONValue, AgentCallFailure>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        #expect(slowDone.all.isEmpty, "the quick requests were answered while the slow one was still in flight")
        #expect(agent.status.inFlight == 1)
        for index in 0..<count {
            let value = try #require(results[index]?.success, "request \(index) failed: \(String(describing: results[index]?.failure))")
            #expect(StandIn.label(value) == (index.isMultiple(of: 2) ? "positive" : "negative"))
        }
        #expect(StandIn.label(try #require(await slow.value.success)) == "positive")
        #expect(agent.status.inFlight == 0)
        await agent.shutdown()
    }

    @Test func aTimedOutRequestIsForgottenAndOthersAreUndisturbed() async throws {
        let agent = ProcessAgent(settings: StandIn.settings())
        try await agent.start()
        async let hung = call(agent, StandIn.inputs("never answered", hang: true), timeout: .milliseconds(300))
        async let late = call(agent, StandIn.inputs("answered too late", delayMilliseconds: 800), timeout: .milliseconds(200))
        var others: [Result<JSONValue, AgentCallFailure>] = []
        for index in 0..<10 { others.append(await call(agent, StandIn.inputs("great \(index)", delayMilliseconds: 10))) }
        let (hungResult, lateResult) = await (hung, late)
        #expect(hungResult.failure?.isRetryable == true)
        #expect(hungResult.failure?.reason.contains("cancelled before process agent `sentiment` answered") == true)
        #expect(lateResult.failure != nil)
        #expect(others.allSatisfy { $0.success.map(StandIn.label) == "positive" })
        // Abandoned ids hold nothing; the late answer is dropped when it comes.
        #expect(agent.status.inFlight == 0)
        #expect(await eventually { agent.status.lateResponses == 1 })
        #expect(await call(agent, StandIn.inputs("still good")).success.map(StandIn.label) == "positive")
        await agent.shutdown()
    }

    @Test func aCrashFailsRequestsInFlightAsRetryableThenTheChildIsRestartedAndServes() async throws {
        let log = CollectedLog()
        var settings = StandIn.settings(["--crash-after", "3"], log: log)
        settings.restartBackoff = .milliseconds(300)
        let agent = ProcessAgent(settings: settings)
        try await agent.start()
        let firstPID = try #require(agent.status.processID)
        async let first = call(agent, StandIn.inputs("good", delayMilliseconds: 3000))
        async let second = call(agent, StandIn.inputs("good", delayMilliseconds: 3000))
        try await Task.sleep(for: .milliseconds(200))
        let third = await call(agent, StandIn.inputs("the one that crashes it"))
        let results = await [first, second, third]
        for result in results {
            let failure = try #require(result.failure)
            #expect(failure.isRetryable)
            #expect(failure.reason.contains("process agent `sentiment`: the process exited (exit status 3)"))
            #expect(failure.reason.contains("restarting it in 300ms"))
            #expect(failure.reason.contains("crashing on request 3 (--crash-after)"))
        }
        // While it waits to restart, calls fail at once.
        let during = await call(agent, StandIn.inputs("good"))
        #expect(during.failure?.isRetryable == true)
        #expect(during.failure?.reason.contains("process agent `sentiment` is restarting") == true)
        #expect(agent.status.restarts == 1)
        #expect(await eventually { agent.status.phase == "ready" })
        let secondPID = try #require(agent.status.processID)
        #expect(secondPID != firstPID)
        #expect(!processExists(firstPID), "the crashed child must be reaped")
        #expect(await call(agent, StandIn.inputs("great")).success.map(StandIn.label) == "positive")
        #expect(log.all.contains("[sentiment] standin_sentiment: crashing on request 3 (--crash-after)"))
        await agent.shutdown()
    }

    @Test func restartBackoffDoublesPerCrashInARowUpToItsCap() async throws {
        var settings = StandIn.settings(["--crash-after", "1"])
        settings.restartBackoff = .milliseconds(50)
        settings.maxRestartBackoff = .milliseconds(150)
        let agent = ProcessAgent(settings: settings)
        try await agent.start()
        var announced: [String] = []
        for _ in 0..<4 {
            #expect(await eventually { agent.status.phase == "ready" })
            let failure = try #require(await call(agent, StandIn.inputs("good")).failure)
            #expect(failure.isRetryable)
            if let range = failure.reason.range(of: "restarting it in ") { announced.append(String(failure.reason[range.upperBound...])) }
        }
        #expect(announced == ["50ms", "100ms", "150ms", "150ms"])
        #expect(agent.status.restarts == 4)
        #expect(ProcessAgent.backoff(after: 1, base: .milliseconds(100), cap: .seconds(10)) == .milliseconds(100))
        #expect(ProcessAgent.backoff(after: 4, base: .milliseconds(100), cap: .seconds(10)) == .milliseconds(800))
        #expect(ProcessAgent.backoff(after: 500, base: .milliseconds(100), cap: .seconds(10)) == .seconds(10))
        await agent.shutdown()
    }

    @Test func aLineThatIsNotAResponseFailsNamingTheAgentAndTheLineThenTheChildIsReplaced() async throws {
        var settings = StandIn.settings(["--garbage-after", "2"])
        settings.restartBackoff = .milliseconds(50)
        let agent = ProcessAgent(settings: settings)
        try await agent.start()
        #expect(await call(agent, StandIn.inputs("good")).success != nil)
        let failure = try #require(await call(agent, StandIn.inputs("good")).failure)
        #expect(failure.reason.contains("process agent `sentiment`: the process wrote a line that is not a response (not JSON"))
        #expect(failure.reason.contains("`this is not a response`"))
        #expect(failure.reason.contains("the process was stopped: killed by signal 9"))
        #expect(await eventually { agent.status.phase == "ready" })
        #expect(await call(agent, StandIn.inputs("good")).success != nil)
        await agent.shutdown()
    }

    @Test func anOverlongOutputLineBreaksTheProtocolAndIsNotBufferedWhole() async throws {
        // Ready, then one endless line for the first request.
        let script = """
            import sys
            print('{"ready": true}', flush=True)
            sys.stdin.readline()
            chunk = "x" * 65536
            for _ in range(64):
                sys.stdout.write(chunk)
            sys.stdout.flush()
            sys.stdin.read()
            """
        var settings = StandIn.settings()
        settings.command = ["python3", "-c", script]
        settings.maxLineBytes = 100_000
        settings.restartBackoff = .seconds(5)
        let agent = ProcessAgent(settings: settings)
        try await agent.start()
        let failure = try #require(await call(agent, StandIn.inputs("good")).failure)
        #expect(failure.isRetryable)
        #expect(failure.reason.hasPrefix("process agent `sentiment`: the process wrote a line longer than 100000 bytes on standard output (the process was stopped: killed by signal 9)"))
        await agent.shutdown()
    }

    @Test func anAnswerWithNeitherOutputNorErrorFailsThatRequestOnly() async throws {
        let agent = ProcessAgent(settings: StandIn.settings(["--bad-response-after", "1"]))
        try await agent.start()
        let failure = try #require(await call(agent, StandIn.inputs("good")).failure)
        #expect(!failure.isRetryable)
        #expect(failure.reason == #"process agent `sentiment` answered request 1 with neither `output` nor `error`: `{"id": 1, "result": "neither output nor error"}`"#)
        #expect(await call(agent, StandIn.inputs("good")).success != nil)
        #expect(agent.status.restarts == 0)
        await agent.shutdown()
    }

    @Test func anErrorAnswerCarriesTheChildsReasonAndRetryability() async throws {
        let agent = ProcessAgent(settings: StandIn.settings())
        try await agent.start()
        let failure = try #require(await call(agent, JSONObject([("text", .int(5))])).failure)
        #expect(failure == AgentCallFailure("input `text` must be a string", retryable: false))
        await agent.shutdown()
    }

    @Test func aMissingExecutableIsALoadErrorNamingTheCommand() async throws {
        let agent = ProcessAgent(settings: ProcessAgentSettings(name: "scorer", command: ["enrich-no-such-program", "--serve"]))
        let error = await #expect(throws: ProcessAgentError.self) { try await agent.start() }
        #expect(error?.agent == "scorer")
        #expect(error?.message.contains("cannot start `enrich-no-such-program --serve`") == true)
        #expect(agent.status.phase == "stopped")
        let refused = await call(agent, StandIn.inputs("good")).failure
        #expect(refused?.isRetryable == false)
        await agent.shutdown()
    }

    @Test func aChildThatExitsBeforeItIsReadyIsALoadErrorWithItsLastErrorLines() async throws {
        let agent = ProcessAgent(settings: StandIn.settings(["--exit-before-ready"]))
        let error = await #expect(throws: ProcessAgentError.self) { try await agent.start() }
        #expect(
            error?.description
                == "agent `sentiment`: the process exited before writing its ready line (exit status 2); its last error output: standin_sentiment: refusing to start (--exit-before-ready)")
        await agent.shutdown()
    }

    @Test func aChildThatIsNotReadyInTimeIsStoppedAndReported() async throws {
        var settings = StandIn.settings(["--startup-delay-ms", "20000"])
        settings.startupTimeout = .milliseconds(300)
        let agent = ProcessAgent(settings: settings)
        let started = ContinuousClock.now
        let error = await #expect(throws: ProcessAgentError.self) { try await agent.start() }
        #expect(error?.message.contains("the process did not write its ready line within 300ms") == true)
        #expect(ContinuousClock.now - started < .seconds(10))
        await agent.shutdown()
    }

    @Test func shutdownClosesInputAndReapsTheChild() async throws {
        var settings = StandIn.settings()
        settings.exitGrace = .seconds(6)
        let agent = ProcessAgent(settings: settings)
        try await agent.start()
        let pid = try #require(agent.status.processID)
        #expect(processExists(pid))
        #expect(getpgid(pid) == pid, "the child leads its own process group, out of reach of the terminal's Ctrl-C")
        #expect(await call(agent, StandIn.inputs("good")).success != nil)
        let started = ContinuousClock.now
        await agent.shutdown()
        // It exits on end of input, before the 6 s grace that would bring SIGTERM.
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(!processExists(pid), "no child and no zombie after shutdown")
        #expect(agent.status.phase == "stopped")
        #expect(await call(agent, StandIn.inputs("good")).failure?.isRetryable == false)
    }

    @Test func aChildIgnoringEndOfInputAndSIGTERMIsKilled() async throws {
        var settings = StandIn.settings(["--stubborn"])
        settings.exitGrace = .milliseconds(200)
        settings.terminateGrace = .milliseconds(300)
        let agent = ProcessAgent(settings: settings)
        try await agent.start()
        let pid = try #require(agent.status.processID)
        let started = ContinuousClock.now
        await agent.shutdown()
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(500), "SIGKILL comes only after both graces")
        #expect(elapsed < .seconds(10))
        #expect(!processExists(pid))
    }

    @Test func errorLinesAreCutAndOnlyTheLastOnesKeptForMessages() async throws {
        let log = CollectedLog()
        var settings = StandIn.settings(log: log)
        settings.command = ["python3", "-c", "import sys\nfor i in range(50): print(f'line {i}', file=sys.stderr)\nprint('e' * 5000, file=sys.stderr)\nsys.exit(4)"]
        let agent = ProcessAgent(settings: settings)
        let error = await #expect(throws: ProcessAgentError.self) { try await agent.start() }
        let lines = log.all
        #expect(lines.count == 51)
        #expect(lines.last == "[sentiment] " + String(repeating: "e", count: 1000) + "… (5000 bytes)")
        // The message quotes the last three lines only.
        let message = try #require(error?.message)
        #expect(message.hasPrefix("the process exited before writing its ready line (exit status 4); its last error output: line 48 | line 49 | eeee"))
        #expect(message.count < 1200)
        await agent.shutdown()
    }

    @Test func theChildGetsTheAgentsEnvironmentAndForwardedErrorLines() async throws {
        let log = CollectedLog()
        var settings = StandIn.settings(["--echo-env", "ENRICH_TEST_GREETING", "--chatter"], log: log)
        settings.environment = ["ENRICH_TEST_GREETING": "hello from env"]
        let agent = ProcessAgent(settings: settings)
        try await agent.start()
        let value = try #require(await call(agent, StandIn.inputs("good")).success)
        #expect(value[path: ["env"]] == .string("hello from env"))
        await agent.shutdown()
        #expect(log.all.contains("[sentiment] standin_sentiment: request 1"))
    }
}

@Suite("process protocol lines")
struct ProcessResponseTests {
    static func parse(_ text: String) -> ProcessResponse { ProcessResponse.parse(Array(text.utf8)) }

    @Test func answersAreClassified() {
        #expect(Self.parse(#"{"ready": true, "model": "x"}"#) == .ready)
        #expect(Self.parse(#"{"id": 7, "output": {"label": "positive"}}"#) == .output(id: 7, .object(JSONObject([("label", .string("positive"))]))))
        #expect(Self.parse(#"{"id": 7, "output": null}"#) == .output(id: 7, .null))
        #expect(Self.parse(#"{"id": 8, "error": "model failed", "retryable": true}"#) == .error(id: 8, message: "model failed", retryable: true))
        #expect(Self.parse(#"{"id": 8, "error": "bad input"}"#) == .error(id: 8, message: "bad input", retryable: false))
    }

    @Test func brokenAnswersAreTiedToTheirRequestWhenTheyHaveAnID() {
        #expect(Self.parse(#"{"id": 3}"#) == .malformed(id: 3, reason: "neither `output` nor `error`"))
        #expect(Self.parse(#"{"id": 3, "output": 1, "error": "x"}"#) == .malformed(id: 3, reason: "both `output` and `error`"))
        #expect(Self.parse(#"{"id": 3, "error": 42}"#) == .malformed(id: 3, reason: "`error` is not a string"))
        #expect(Self.parse(#"{"id": 3, "error": "x", "retryable": "yes"}"#) == .malformed(id: 3, reason: "`retryable` is not true or false"))
    }

    @Test func linesThatAreNoAnswerAtAllAreProtocolErrors() {
        #expect(Self.parse(#"{"output": 1}"#) == .notAResponse(reason: "no `id`"))
        #expect(Self.parse(#"{"id": "7", "output": 1}"#) == .notAResponse(reason: "`id` is not an integer"))
        #expect(Self.parse(#"[1, 2]"#) == .notAResponse(reason: "a JSON array, not an object"))
        guard case .notAResponse(let reason) = Self.parse("Loading model...") else {
            Issue.record("plain text must be a protocol error")
            return
        }
        #expect(reason.hasPrefix("not JSON: "))
    }

    @Test func quotedLinesAreBounded() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 5000)
        let quoted = ProcessResponse.quote(long)
        #expect(quoted.count < 260)
        #expect(quoted.hasSuffix("… (5000 bytes)"))
        #expect(ProcessResponse.quote(Array("short".utf8)) == "`short`")
    }
}

@Suite("env: values of process agents")
struct EnvironmentTemplateTests {
    @Test func environmentReferencesAreReplacedAndBracesEscaped() throws {
        let environment = ["CRM_TOKEN": "s3cr3t", "REGION": "eu"]
        #expect(try EnvironmentTemplate.resolve("plain", environment: environment) == "plain")
        #expect(try EnvironmentTemplate.resolve("Bearer {env.CRM_TOKEN}", environment: environment) == "Bearer s3cr3t")
        #expect(try EnvironmentTemplate.resolve("{ env.REGION }-{env.REGION}", environment: environment) == "eu-eu")
        #expect(try EnvironmentTemplate.resolve("{{literal}}", environment: environment) == "{literal}")
    }

    @Test func unsetVariablesOtherReferencesAndStrayBracesAreErrors() {
        #expect(throws: EnvironmentTemplateError.self) { try EnvironmentTemplate.resolve("{env.MISSING}", environment: [:]) }
        #expect(throws: EnvironmentTemplateError.self) { try EnvironmentTemplate.resolve("{event.user_id}", environment: [:]) }
        #expect(throws: EnvironmentTemplateError.self) { try EnvironmentTemplate.resolve("open { only", environment: [:]) }
        #expect(throws: EnvironmentTemplateError.self) { try EnvironmentTemplate.resolve("close } only", environment: [:]) }
        do {
            _ = try EnvironmentTemplate.resolve("{env.MISSING}", environment: [:])
        } catch {
            #expect(error.message == "the environment variable MISSING (`{env.MISSING}` in `env:`) is not set")
        }
    }
}
