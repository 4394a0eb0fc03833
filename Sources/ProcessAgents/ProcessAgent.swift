import EventJSON
import Runtime
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `process` agent: one long-running child that answers JSON-line requests by id.
///
/// Many requests are in flight at once and answers may come in any order. A call that
/// is cancelled (the runtime's timeout abandons it) is forgotten at once, and the late
/// answer, if it comes, is dropped. When the child dies or breaks the protocol, every
/// request in flight fails as retryable and the child is started again after a backoff
/// that doubles per crash in a row (capped); meanwhile calls fail at once. Call
/// ``start()`` once before the first call and ``shutdown()`` once at the end.
public final class ProcessAgent: Sendable {
    public let settings: ProcessAgentSettings
    let state = Mutex(State())
    let standardErrorTail = StandardErrorTail()

    public init(settings: ProcessAgentSettings) {
        self.settings = settings
    }

    /// Starts the child and waits for its ready line; throws if it cannot start, exits
    /// first, breaks the protocol or takes longer than the startup timeout.
    public func start() async throws(ProcessAgentError) {
        Self.ignoreBrokenPipes
        let result = await withCheckedContinuation { (waiter: CheckedContinuation<Result<Void, ProcessAgentError>, Never>) in
            let refusal: ProcessAgentError? = state.withLock { state in
                guard case .notStarted = state.phase, !state.shuttingDown else {
                    return ProcessAgentError(agent: settings.name, "the process agent was already started")
                }
                state.phase = .starting
                state.startWaiter = waiter
                state.supervisor = Task { await self.supervise() }
                return nil
            }
            if let refusal { waiter.resume(returning: .failure(refusal)) }
        }
        try result.get()
    }

    /// Sends `inputs` to the child and waits for its answer (the `output` value).
    public func call(_ inputs: JSONObject) async throws(AgentCallFailure) -> JSONValue {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        var line = Array(#"{"id":"#.utf8)
        JSONWriter.writeInt(id, into: &line)
        line.append(contentsOf: #","inputs":"#.utf8)
        JSONWriter.write(.object(inputs), into: &line)
        line.append(contentsOf: "}\n".utf8)
        let request = QueuedRequest(id: id, line: line)

        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                if let refusal = enqueue(request, waiter: waiter) {
                    waiter.resume(returning: .failure(refusal))
                } else if Task.isCancelled {
                    abandon(id)
                }
            }
        } onCancel: {
            abandon(id)
        }
        return try result.get()
    }

    /// Stops the child: closes its standard input, waits ``ProcessAgentSettings/exitGrace``,
    /// sends SIGTERM, waits ``ProcessAgentSettings/terminateGrace``, then SIGKILL; returns
    /// once it has exited and been reaped.
    public func shutdown() async {
        let (supervisor, waiters) = state.withLock { state in
            state.shuttingDown = true
            state.childQueue?.finish()
            state.teardown?.yield(.graceful)
            state.backoff?.cancel()
            let waiters = Array(state.pending.values)
            state.pending.removeAll()
            return (state.supervisor, waiters)
        }
        let failure = AgentCallFailure("process agent `\(settings.name)` is shutting down", retryable: false)
        for waiter in waiters { waiter.resume(returning: .failure(failure)) }
        await supervisor?.value
    }

    /// What the agent is doing now, for tests, metrics and messages.
    public var status: ProcessAgentStatus {
        state.withLock { state in
            ProcessAgentStatus(
                phase: state.phase.name, processID: state.processID, inFlight: state.pending.count,
                restarts: state.restarts, lateResponses: state.lateResponses)
        }
    }

    // MARK: - Requests

    typealias Waiter = CheckedContinuation<Result<JSONValue, AgentCallFailure>, Never>

    /// Registers `request` and queues it for the child, or says why it cannot be.
    private func enqueue(_ request: QueuedRequest, waiter: Waiter) -> AgentCallFailure? {
        state.withLock { state -> AgentCallFailure? in
            guard case .ready(let queue) = state.phase else { return unavailable(state) }
            guard state.pending.count < settings.maxInFlight else {
                return AgentCallFailure("process agent `\(settings.name)` has \(settings.maxInFlight) requests in flight already", retryable: true)
            }
            state.pending[request.id] = waiter
            switch queue.yield(request) {
            case .enqueued:
                return nil
            case .dropped, .terminated:
                state.pending[request.id] = nil
                return AgentCallFailure("process agent `\(settings.name)` cannot take more requests now", retryable: true)
            @unknown default:
                state.pending[request.id] = nil
                return AgentCallFailure("process agent `\(settings.name)` cannot take more requests now", retryable: true)
            }
        }
    }

    private func unavailable(_ state: State) -> AgentCallFailure {
        let name = settings.name
        switch state.phase {
        case .notStarted:
            return AgentCallFailure("process agent `\(name)` was not started", retryable: false)
        case .starting where state.restarts > 0:
            return AgentCallFailure("process agent `\(name)` is restarting (the new process has not written its ready line yet)", retryable: true)
        case .starting:
            return AgentCallFailure("process agent `\(name)` is starting (its ready line has not come yet)", retryable: true)
        case .restarting(let until, let reason):
            let wait = max(.zero, until - ContinuousClock.now)
            return AgentCallFailure("process agent `\(name)` is restarting in \(Self.format(wait)) after \(reason)", retryable: true)
        case .stopped(let reason):
            return AgentCallFailure("process agent `\(name)` has stopped: \(reason)", retryable: false)
        case .ready:
            return AgentCallFailure("process agent `\(name)` cannot take requests now", retryable: true)
        }
    }

    /// Forgets a request whose caller gave up; its answer, if it comes, is dropped.
    private func abandon(_ id: Int64) {
        let waiter = state.withLock { $0.pending.removeValue(forKey: id) }
        waiter?.resume(returning: .failure(AgentCallFailure("cancelled before process agent `\(settings.name)` answered", retryable: true)))
    }

    /// Hands the child's answer to the caller waiting for `id`, or drops it if none is.
    func resolve(_ id: Int64, _ result: Result<JSONValue, AgentCallFailure>) {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.pending.removeValue(forKey: id) else {
                state.lateResponses += 1
                return nil
            }
            if case .success = result { state.consecutiveCrashes = 0 }
            return waiter
        }
        waiter?.resume(returning: result)
    }

    func isPending(_ id: Int64) -> Bool {
        state.withLock { $0.pending[id] != nil }
    }

    /// Fails every request in flight with `failure`.
    func failAll(_ failure: AgentCallFailure) {
        let waiters = state.withLock { state in
            let waiters = Array(state.pending.values)
            state.pending.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: .failure(failure)) }
    }

    // MARK: - Supervision

    /// Runs children one after another until shutdown, or until the first one fails to start.
    private func supervise() async {
        var isFirst = true
        while true {
            let exit = await runChild()
            enum Next { case stop, restart(Task<Void, Never>) }
            let (next, startWaiter, failure) = state.withLock { state -> (Next, CheckedContinuation<Result<Void, ProcessAgentError>, Never>?, AgentCallFailure) in
                state.processID = nil
                state.teardown = nil
                state.childQueue = nil
                if state.shuttingDown || (isFirst && !exit.becameReady) {
                    state.phase = .stopped(exit.reason)
                    let waiter = state.startWaiter
                    state.startWaiter = nil
                    let failure = AgentCallFailure("process agent `\(settings.name)` stopped: \(exit.reason)", retryable: false)
                    return (.stop, waiter, failure)
                }
                state.consecutiveCrashes += 1
                state.restarts += 1
                let delay = Self.backoff(after: state.consecutiveCrashes, base: settings.restartBackoff, cap: settings.maxRestartBackoff)
                state.phase = .restarting(until: ContinuousClock.now + delay, reason: exit.reason)
                let sleep = Task<Void, Never> { try? await Task.sleep(for: delay) }
                state.backoff = sleep
                let failure = AgentCallFailure("process agent `\(settings.name)`: \(exit.reason); restarting it in \(Self.format(delay))", retryable: true)
                return (.restart(sleep), nil, failure)
            }
            failAll(failure)
            if let startWaiter {
                let outcome: Result<Void, ProcessAgentError> =
                    exit.becameReady ? .success(()) : .failure(ProcessAgentError(agent: settings.name, exit.reason))
                startWaiter.resume(returning: outcome)
            }
            guard case .restart(let sleep) = next else { return }
            await sleep.value
            let goOn = state.withLock { state -> Bool in
                state.backoff = nil
                if state.shuttingDown {
                    state.phase = .stopped("shut down")
                    return false
                }
                state.phase = .starting
                return true
            }
            if !goOn { return }
            isFirst = false
        }
    }

    /// `base` doubled per crash in a row after the first, at most `cap`.
    static func backoff(after crashes: Int, base: Duration, cap: Duration) -> Duration {
        var delay = base
        for _ in 1..<max(1, crashes) {
            delay *= 2
            if delay >= cap { return cap }
        }
        return min(delay, cap)
    }

    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds < 1000 ? "\(milliseconds)ms" : "\(Double(milliseconds) / 1000)s"
    }

    /// Writing to a child that has exited must fail with EPIPE, not kill enrich.
    private static let ignoreBrokenPipes: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()
}

/// A snapshot of a ``ProcessAgent``.
public struct ProcessAgentStatus: Sendable, Equatable {
    /// `not started`, `starting`, `ready`, `restarting` or `stopped`.
    public var phase: String
    /// The running child's process id, if one runs.
    public var processID: Int32?
    /// Requests sent or queued and not yet answered, failed or abandoned.
    public var inFlight: Int
    /// Restarts after a crash since ``ProcessAgent/start()``.
    public var restarts: Int
    /// Answers that came for requests no longer waited for (abandoned after a timeout).
    public var lateResponses: Int
}

/// A request line waiting for the child's standard input.
struct QueuedRequest: Sendable {
    let id: Int64
    let line: [UInt8]
}

/// How to stop a child: after the exit grace (standard input closed first), or at once.
enum Teardown: Sendable {
    case graceful
    case now
}

extension ProcessAgent {
    struct State {
        enum Phase {
            case notStarted
            case starting
            case ready(AsyncStream<QueuedRequest>.Continuation)
            case restarting(until: ContinuousClock.Instant, reason: String)
            case stopped(String)

            var name: String {
                switch self {
                case .notStarted: "not started"
                case .starting: "starting"
                case .ready: "ready"
                case .restarting: "restarting"
                case .stopped: "stopped"
                }
            }
        }

        var phase = Phase.notStarted
        var nextID: Int64 = 0
        var pending: [Int64: Waiter] = [:]
        var processID: Int32?
        var consecutiveCrashes = 0
        var restarts = 0
        var lateResponses = 0
        var shuttingDown = false
        var startWaiter: CheckedContinuation<Result<Void, ProcessAgentError>, Never>?
        var supervisor: Task<Void, Never>?
        var backoff: Task<Void, Never>?
        /// The running child's request queue and teardown trigger.
        var childQueue: AsyncStream<QueuedRequest>.Continuation?
        var teardown: AsyncStream<Teardown>.Continuation?
    }
}
