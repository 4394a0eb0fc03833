import EventJSON
import Runtime
import Subprocess
import Synchronization

/// How one child ended, as the supervisor needs to know it.
struct ChildExit: Sendable {
    /// A sentence fragment: `the process exited with status 3 (last error output: ...)`.
    var reason: String
    var becameReady: Bool
}

/// What one child's readers found out while it ran.
final class ChildSession: Sendable {
    private let flags = Mutex<(ready: Bool, problem: String?)>((false, nil))

    var isReady: Bool { flags.withLock { $0.ready } }
    var problem: String? { flags.withLock { $0.problem } }

    func markReady() { flags.withLock { $0.ready = true } }

    /// Records the first protocol problem; later ones are consequences.
    func fail(_ problem: String) {
        flags.withLock { flags in
            if flags.problem == nil { flags.problem = problem }
        }
    }
}

extension ProcessAgent {
    typealias ChildExecution = Execution<CustomWriteInput, SequenceOutput, SequenceOutput>

    /// Spawns one child and serves requests through it until it exits.
    func runChild() async -> ChildExit {
        standardErrorTail.clear()
        guard let program = settings.command.first else {
            return ChildExit(reason: "`command` is empty", becameReady: false)
        }
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in settings.environment { overrides[Environment.Key(stringLiteral: name)] = value }
        let executable: Executable
        if program.contains("/") {
            let absolute = program.hasPrefix("/") || settings.workingDirectory == nil ? program : settings.workingDirectory! + "/" + program
            executable = .path(.init(absolute))
        } else {
            executable = .name(program)
        }
        // Its own process group: a Ctrl-C on the terminal reaches enrich, which finishes
        // the events in flight (still served by the child) and then stops the child.
        var options = PlatformOptions()
        options.processGroupID = 0
        let configuration = Configuration(
            executable: executable,
            arguments: Arguments(Array(settings.command.dropFirst())),
            environment: .inherit.updating(overrides),
            workingDirectory: settings.workingDirectory.map { .init($0) },
            platformOptions: options)

        let session = ChildSession()
        do {
            let result = try await run(configuration, input: .inputWriter, output: .sequence, error: .sequence) { execution in
                await self.serve(execution, session: session)
            }
            return ChildExit(reason: exitReason(result.terminationStatus, session: session), becameReady: session.isReady)
        } catch {
            // The child could not be spawned (no such executable, not executable...).
            state.withLock { $0.childQueue = nil }
            return ChildExit(reason: "cannot start `\(settings.command.joined(separator: " "))`: \(error)", becameReady: false)
        }
    }

    private func exitReason(_ status: TerminationStatus, session: ChildSession) -> String {
        let how: String
        switch status {
        case .exited(let code): how = "exit status \(code)"
        #if !os(Windows)
        case .signaled(let signal): how = "killed by signal \(signal)"
        #endif
        }
        var reason: String
        if let problem = session.problem {
            reason = "\(problem) (the process was stopped: \(how))"
        } else if !session.isReady {
            reason = "the process exited before writing its ready line (\(how))"
        } else {
            reason = "the process exited (\(how))"
        }
        if let tail = standardErrorTail.summary() { reason += "; its last error output: \(tail)" }
        return reason
    }

    /// The body of one child's life: writer, readers and watchdog side by side.
    private func serve(_ execution: ChildExecution, session: ChildSession) async {
        let (queue, queueInput) = AsyncStream<QueuedRequest>.makeStream(bufferingPolicy: .bufferingOldest(settings.maxInFlight))
        let (teardowns, teardownInput) = AsyncStream<Teardown>.makeStream(bufferingPolicy: .bufferingOldest(4))
        let stopping = state.withLock { state -> Bool in
            state.processID = execution.processIdentifier.value
            state.childQueue = queueInput
            state.teardown = teardownInput
            return state.shuttingDown
        }
        if stopping {
            queueInput.finish()
            teardownInput.yield(.graceful)
        }
        enum Part { case writer, standardError, watchdog, startupTimer }
        await withTaskGroup(of: Part.self) { group in
            group.addTask {
                await self.writeRequests(queue, to: execution.standardInputWriter, teardown: teardownInput)
                return .writer
            }
            group.addTask {
                await self.forwardStandardError(execution.standardError)
                return .standardError
            }
            group.addTask {
                for await how in teardowns {
                    await execution.teardown(using: how == .graceful ? self.gracefulSteps : [])
                    break
                }
                return .watchdog
            }
            group.addTask {
                try? await Task.sleep(for: self.settings.startupTimeout)
                if !Task.isCancelled, !session.isReady {
                    session.fail("the process did not write its ready line within \(Self.format(self.settings.startupTimeout))")
                    teardownInput.yield(.now)
                }
                return .startupTimer
            }
            await readResponses(execution.standardOutput, session: session, queue: queueInput, teardown: teardownInput)
            // Standard output is closed: the child is exiting (or must be made to).
            await execution.teardown(using: gracefulSteps)
            state.withLock { state in
                if case .ready = state.phase { state.phase = .starting }
                state.childQueue = nil
                state.teardown = nil
            }
            queueInput.finish()
            teardownInput.finish()
            group.cancelAll()
            await group.waitForAll()
        }
    }

    /// Wait for the child to exit by itself, then SIGTERM, then SIGKILL.
    private var gracefulSteps: [TeardownStep] {
        // Signal 0 only checks the process exists: a wait without a nudge.
        [.send(signal: Signal(rawValue: 0), allowedDurationToNextStep: settings.exitGrace),
         .gracefulShutDown(allowedDurationToNextStep: settings.terminateGrace)]
    }

    /// Copies queued requests to the child's standard input, skipping abandoned ones;
    /// closes it when the queue ends.
    private func writeRequests(_ queue: AsyncStream<QueuedRequest>, to writer: StandardInputWriter, teardown: AsyncStream<Teardown>.Continuation) async {
        for await request in queue {
            guard isPending(request.id) else { continue }
            do {
                _ = try await writer.write(request.line)
            } catch {
                resolve(request.id, .failure(AgentCallFailure("process agent `\(settings.name)`: cannot send the request: \(error)", retryable: true)))
                teardown.yield(.graceful)
                break
            }
        }
        try? await writer.finish()
    }

    /// Splits standard output into lines and handles each; after a protocol error,
    /// drains the rest until the child (being stopped) closes it.
    private func readResponses(
        _ output: SubprocessOutputSequence, session: ChildSession,
        queue: AsyncStream<QueuedRequest>.Continuation, teardown: AsyncStream<Teardown>.Continuation
    ) async {
        var line: [UInt8] = []
        var broken = false
        let newline = UInt8(ascii: "\n")
        func breakProtocol(_ problem: String) {
            session.fail(problem)
            broken = true
            line = []
            teardown.yield(.now)
        }
        do {
            for try await buffer in output where !broken {
                buffer.withUnsafeBytes { raw in
                    var start = 0
                    while start < raw.count, !broken {
                        let rest = UnsafeRawBufferPointer(rebasing: raw[start...])
                        let end = rest.firstIndex(of: newline).map { start + $0 }
                        let piece = UnsafeRawBufferPointer(rebasing: raw[start..<(end ?? raw.count)])
                        if line.count + piece.count > settings.maxLineBytes {
                            breakProtocol("the process wrote a line longer than \(settings.maxLineBytes) bytes on standard output")
                            return
                        }
                        line.append(contentsOf: piece)
                        guard let end else { return }
                        if !handle(line, session: session, queue: queue) {
                            breakProtocol(session.problem ?? "protocol error")
                        }
                        line.removeAll(keepingCapacity: true)
                        start = end + 1
                    }
                }
            }
        } catch {
            session.fail("reading the process's standard output failed: \(error)")
        }
        if !broken, !line.isEmpty, !handle(line, session: session, queue: queue) {
            teardown.yield(.now)
        }
    }

    /// Handles one output line; false when it breaks the protocol (the problem is recorded).
    private func handle(_ rawLine: [UInt8], session: ChildSession, queue: AsyncStream<QueuedRequest>.Continuation) -> Bool {
        var line = rawLine
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return true }
        let response = ProcessResponse.parse(line)
        guard session.isReady else {
            guard response == .ready else {
                session.fail("the process wrote \(ProcessResponse.quote(line)) before its ready line `{\"ready\": true}`")
                return false
            }
            session.markReady()
            let waiter = state.withLock { state -> CheckedContinuation<Result<Void, ProcessAgentError>, Never>? in
                if !state.shuttingDown { state.phase = .ready(queue) }
                let waiter = state.startWaiter
                state.startWaiter = nil
                return waiter
            }
            waiter?.resume(returning: .success(()))
            return true
        }
        switch response {
        case .ready:
            return true
        case .output(let id, let value):
            resolve(id, .success(value))
        case .error(let id, let message, let retryable):
            resolve(id, .failure(AgentCallFailure(message, retryable: retryable)))
        case .malformed(let id, let reason):
            resolve(id, .failure(AgentCallFailure(
                "process agent `\(settings.name)` answered request \(id) with \(reason): \(ProcessResponse.quote(line))", retryable: false)))
        case .notAResponse(let reason):
            session.fail("the process wrote a line that is not a response (\(reason)): \(ProcessResponse.quote(line))")
            return false
        }
        return true
    }

    /// Forwards the child's standard error, line by line (each cut to a bounded length),
    /// to the log, and keeps the last lines for messages.
    private func forwardStandardError(_ errors: SubprocessOutputSequence) async {
        var line: [UInt8] = []
        var dropped = 0
        let limit = StandardErrorTail.maxLineBytes
        let prefix = "[\(settings.name)] "
        func emit() {
            var text = String(decoding: line, as: UTF8.self)
            if dropped > 0 { text += "… (\(line.count + dropped) bytes)" }
            standardErrorTail.append(text)
            settings.log(prefix + text)
            line.removeAll(keepingCapacity: true)
            dropped = 0
        }
        do {
            for try await buffer in errors {
                buffer.withUnsafeBytes { raw in
                    for byte in raw {
                        if byte == UInt8(ascii: "\n") {
                            emit()
                        } else if line.count < limit {
                            line.append(byte)
                        } else {
                            dropped += 1
                        }
                    }
                }
            }
        } catch {}
        if !line.isEmpty { emit() }
    }
}
