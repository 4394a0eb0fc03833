import EventJSON
import Foundation
import Planner

/// What one agent did for one event: the outputs it produced (nil: none) and its report.
///
/// The interpreter and generated pipelines both get one from the same calls
/// (``RuntimeAgent/attemptInline(_:request:key:wallClock:)`` and
/// ``RuntimeAgent/invoke(request:key:deadlineLeft:attemptsUsed:lastFailure:wallClock:)``),
/// so cache, retry, timeout and fallback behave identically in both.
public struct AgentCallOutcome: Sendable {
    /// What the agent produced: nothing, a result whose output fields are picked on demand
    /// (the interpreter stores them straight into its per-event array), or output values.
    enum Produced: Sendable {
        case nothing
        case result(JSONValue)
        case values([JSONValue?])
    }

    var produced: Produced
    public var report: AgentReport
    /// Set when `fallback: fail` failed the event.
    public var failure: String?
    let agent: RuntimeAgent
    /// The agent's index in the plan (reports are kept in plan order).
    var index: Int { agent.index }

    /// The outputs to read by position, without copying them into an array first; nil when
    /// the agent produced nothing.
    public var producedOutputs: ProducedOutputs? {
        if case .nothing = produced { return nil }
        return ProducedOutputs(produced: produced, agent: agent)
    }

    /// Stores the outputs into the agent's slots of the interpreter's per-event array.
    func storeOutputs(into outputs: inout [JSONValue?]) {
        switch produced {
        case .nothing: break
        case .result(let value): agent.storeOutputs(from: value, into: &outputs)
        case .values(let values): for (position, value) in values.enumerated() { outputs[agent.outputStart + position] = value }
        }
    }
}

/// The result of calling an in-process agent without suspending.
enum InlineAttempt: Sendable {
    case outcome(AgentCallOutcome)
    /// The first attempt failed in a way worth retrying; the retry needs a pause, so
    /// it is left to the awaiting path.
    case retry(reason: String)
}

extension RuntimeAgent {
    /// A skipped outcome because input `name` evaluated to nothing.
    func missingInput(_ name: String) -> AgentCallOutcome {
        AgentCallOutcome(
            produced: .nothing,
            report: AgentReport(agent: self.name, agentIndex: index, outcome: .skipped, attempts: 0, latencyMicroseconds: 0, reason: "input `\(name)` is missing"),
            agent: self)
    }

    /// The outcome of an `expr` agent whose outputs were evaluated in place.
    func expressionOutcome(_ outputs: [JSONValue?]) -> AgentCallOutcome {
        AgentCallOutcome(produced: .values(outputs), report: AgentReport(agent: name, agentIndex: index, outcome: .ok, attempts: 1, latencyMicroseconds: 0), agent: self)
    }

    /// One inline attempt: a fresh cached value, or the call; a failure goes to the
    /// fallback unless a retry is allowed.
    func attemptInline(
        _ function: @Sendable (AgentRequest) throws(AgentCallFailure) -> JSONValue, request: AgentRequest, key: String?,
        wallClock: @Sendable () -> Int64
    ) -> InlineAttempt {
        if let key, let cached = cache?.lookup(key), cached.expiresAtMicroseconds > wallClock() {
            return .outcome(AgentCallOutcome(
                produced: .result(cached.value), report: AgentReport(agent: name, agentIndex: index, outcome: .cached, attempts: 0, latencyMicroseconds: 0),
                agent: self))
        }
        let began = DispatchTime.now().uptimeNanoseconds
        do throws(AgentCallFailure) {
            let result = try function(request)
            let latency = Int64((DispatchTime.now().uptimeNanoseconds &- began) / 1000)
            if let key { cache?.store(key, value: result, now: wallClock()) }
            return .outcome(AgentCallOutcome(
                produced: .result(result), report: AgentReport(agent: name, agentIndex: index, outcome: .ok, attempts: 1, latencyMicroseconds: latency),
                agent: self))
        } catch {
            // A retry needs a pause: leave that to the awaiting path.
            if error.isRetryable, retry.attempts > 1 { return .retry(reason: error.reason) }
            let latency = Int64((DispatchTime.now().uptimeNanoseconds &- began) / 1000)
            return .outcome(fallback(reason: error.reason, attempts: 1, latency: latency, key: key))
        }
    }

    /// The outcome when no call is needed (a fresh cached value, or the fallback while the
    /// circuit is open), exactly as ``invoke(request:key:deadlineLeft:attemptsUsed:lastFailure:wallClock:)``
    /// would settle it before its first attempt; nil when a call must be made.
    ///
    /// Lets the scheduler finish a cached or refused agent without a task per call.
    func settledWithoutCall(key: String?, wallClock: @Sendable () -> Int64) -> AgentCallOutcome? {
        if let key, let cached = cache?.lookup(key), cached.expiresAtMicroseconds > wallClock() {
            return AgentCallOutcome(
                produced: .result(cached.value), report: AgentReport(agent: name, agentIndex: index, outcome: .cached, attempts: 0, latencyMicroseconds: 0),
                agent: self)
        }
        if let breaker, breaker.refuses(now: DispatchTime.now().uptimeNanoseconds) {
            return fallback(reason: CircuitBreaker.openReason, attempts: 0, latency: 0, key: key)
        }
        return nil
    }

    /// What happens when every attempt failed, per the agent's `fallback`.
    func fallback(reason: String, attempts: Int, latency: Int64, key: String?) -> AgentCallOutcome {
        var outcome = AgentCallOutcome(
            produced: .nothing, report: AgentReport(agent: name, agentIndex: index, outcome: .skipped, attempts: attempts, latencyMicroseconds: latency, reason: reason),
            agent: self)
        switch plan.fallback {
        case .cache:
            if let key, let stale = cache?.lookup(key) {
                outcome.produced = .result(stale.value)
                outcome.report.outcome = .staleCache
            } else {
                outcome.report.reason = reason + "; nothing cached to fall back on"
            }
        case .skip:
            break
        case .fail:
            outcome.report.outcome = .failed
            outcome.failure = "agent `\(name)` failed: \(reason)"
        case .defaults(let values):
            outcome.produced = .values(outputNames.map { name in values[name].map(ExpressionEvaluator.value(of:)) })
            outcome.report.outcome = .defaulted
        }
        return outcome
    }

    /// The agent with cache, attempts, timeouts capped by the deadline, backoff, and its
    /// fallback once every attempt failed.
    ///
    /// `attemptsUsed` and `lastFailure` carry on after a failed inline attempt.
    func invoke(
        request: AgentRequest, key: String?, deadlineLeft: Int64?, attemptsUsed: Int = 0, lastFailure resumedFailure: String? = nil,
        wallClock: @Sendable () -> Int64
    ) async -> AgentCallOutcome {
        let began = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Int64 { Int64((DispatchTime.now().uptimeNanoseconds &- began) / 1000) }
        func success(_ value: JSONValue, _ outcome: AgentOutcome, attempts: Int) -> AgentCallOutcome {
            AgentCallOutcome(
                produced: .result(value), report: AgentReport(agent: name, agentIndex: index, outcome: outcome, attempts: attempts, latencyMicroseconds: elapsed()),
                agent: self)
        }
        var random = SystemRandomNumberGenerator()
        var lastFailure = resumedFailure ?? "not called"
        var attempts = attemptsUsed
        if attemptsUsed == 0, let key, let cached = cache?.lookup(key), cached.expiresAtMicroseconds > wallClock() {
            return success(cached.value, .cached, attempts: 0)
        }
        if attemptsUsed > 0 {
            // Carrying on after an inline attempt failed: pause before the retry first.
            let pause = retry.pause(beforeRetry: attemptsUsed, random: &random)
            if let deadlineLeft, elapsed() + pause >= deadlineLeft {
                return fallback(reason: lastFailure + "; no time left for another attempt", attempts: attempts, latency: elapsed(), key: key)
            }
            try? await Task.sleep(nanoseconds: UInt64(pause) * 1000)
        }
        guard attemptsUsed < retry.attempts else {
            return fallback(reason: lastFailure, attempts: attempts, latency: elapsed(), key: key)
        }
        for attempt in (attemptsUsed + 1)...retry.attempts {
            var timeout = plan.timeoutMicroseconds
            if let deadlineLeft {
                let left = deadlineLeft - elapsed()
                if left <= 0 {
                    lastFailure = attempt == 1 ? "the event's deadline had passed before the call" : lastFailure + "; no time left for another attempt"
                    break
                }
                timeout = min(timeout, left)
            }
            // An open circuit fails fast, before waiting for a slot or a token; it may
            // also have opened while this call waited, so it is asked again after.
            if breaker?.refuses(now: DispatchTime.now().uptimeNanoseconds) == true {
                lastFailure = attempts == 0 ? CircuitBreaker.openReason : lastFailure + "; " + CircuitBreaker.openReason
                break
            }
            let result: Result<JSONValue, AgentCallFailure>
            if case .failure(let refusal) = await limits.acquire(maxWaitMicroseconds: deadlineLeft.map { $0 - elapsed() }) {
                lastFailure = switch refusal {
                case .rateLimit: "rate limit of `\(name)`: no call possible before the event's deadline"
                case .concurrency: "the event's deadline passed while waiting for one of `\(name)`'s \(plan.concurrency) concurrent calls to finish"
                }
                break
            }
            if let deadlineLeft {
                // Waiting for a slot or a rate-limit token may have used the time left.
                let left = deadlineLeft - elapsed()
                if left <= 0 {
                    limits.release()
                    lastFailure = "the event's deadline passed while waiting for `\(name)`'s concurrency or rate limit"
                    break
                }
                timeout = min(timeout, left)
            }
            let permission = breaker?.permit(now: DispatchTime.now().uptimeNanoseconds) ?? .call
            if permission == .refused {
                limits.release()
                lastFailure = attempts == 0 ? CircuitBreaker.openReason : lastFailure + "; " + CircuitBreaker.openReason
                break
            }
            let probe = permission == .probe
            attempts = attempt
            var request = request
            request.attempt = attempt
            switch call {
            case .inline(let function)?:
                do throws(AgentCallFailure) { result = .success(try function(request)) } catch { result = .failure(error) }
            case .awaited(let function)?:
                result = await TimeoutRace.call(function, request: request, timeoutMicroseconds: timeout)
            case nil:
                limits.release()
                breaker?.abandon(probe: probe)
                return fallback(reason: "agent has nothing to call", attempts: 0, latency: 0, key: key)
            }
            limits.release()
            if let breaker {
                // Only "the service did not answer usefully" counts against the circuit.
                let failed = if case .failure(let failure) = result { failure.isRetryable } else { false }
                breaker.record(failed: failed, probe: probe, now: DispatchTime.now().uptimeNanoseconds)
            }
            switch result {
            case .success(let value):
                if let key { cache?.store(key, value: value, now: wallClock()) }
                return success(value, .ok, attempts: attempt)
            case .failure(let failure):
                lastFailure = failure.reason
                guard failure.isRetryable, attempt < retry.attempts else { break }
                if breaker?.refuses(now: DispatchTime.now().uptimeNanoseconds) == true {
                    lastFailure += "; " + CircuitBreaker.openReason
                    break
                }
                // The service's Retry-After, when longer than the backoff, is the pause.
                var pause = retry.pause(beforeRetry: attempt, random: &random)
                if let asked = failure.retryAfterMicroseconds, asked > pause {
                    pause = asked
                    if deadlineLeft == nil, asked > RetryPolicy.longestRetryAfterMicroseconds {
                        lastFailure += "; Retry-After is longer than the \(RetryPolicy.longestRetryAfterMicroseconds / 1_000_000)s a retry waits"
                        break
                    }
                }
                if let deadlineLeft, elapsed() + pause >= deadlineLeft {
                    lastFailure += "; no time left for another attempt"
                    break
                }
                try? await Task.sleep(nanoseconds: UInt64(pause) * 1000)
                continue
            }
            break
        }
        if attempts > 1 { lastFailure = "\(attempts) attempts failed; last: \(lastFailure)" }
        return fallback(reason: lastFailure, attempts: attempts, latency: elapsed(), key: key)
    }
}
