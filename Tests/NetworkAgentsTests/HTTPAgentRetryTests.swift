import EventJSON
import Foundation
import Planner
import StandInServers
import Testing

@testable import Runtime

extension NetworkAgentBehaviour {
    /// Which failures of a real HTTP service are retried, and how long the retries wait.
    @Suite struct HTTPAgentRetryTests {
        static func pipeline(url: String, retry: String = "{attempts: 3, backoff: 10ms, jitter: false}", timeout: String = "500ms", deadline: String? = nil)
            -> String
        {
            """
            \(deadline.map { "deadline: \($0)\n" } ?? "")agents:
            - name: crm
              type: http
              url: "\(url)/users/{event.user_id}"
              timeout: \(timeout)
              retry: \(retry)
              circuit_breaker: off
              fallback: {default: {segment: none}}
              output:
                segment: data.segment
            """
        }

        static let ok = StandInReply.json("{\"data\":{\"segment\":\"gold\"}}")

        /// Runs one event against a stand-in that answers with `script`, then `ok`.
        static func run(
            _ script: [StandInReply], then standing: StandInReply = ok, retry: String = "{attempts: 3, backoff: 10ms, jitter: false}",
            timeout: String = "500ms", deadline: String? = nil
        ) async throws -> (result: EventResult, requests: [StandInRequest], seconds: Double) {
            let replies = ReplyScript(script, then: standing)
            return try await withStandIn(replies.handler) { server in
                let plan = try compilePlan(pipeline(url: server.baseURL, retry: retry, timeout: timeout, deadline: deadline))
                let live = try LiveExecutor(plan)
                let start = now()
                let result = try await live.process("{\"user_id\":\"u1\"}")
                let elapsed = seconds(since: start)
                await live.shutdown()
                return (result, server.requests, elapsed)
            }
        }

        @Test func serverErrorsAreRetriedUntilTheServiceAnswers() async throws {
            let (result, requests, _) = try await Self.run([.status(503), .status(500)])
            #expect(requests.count == 3)
            #expect(result.field("segment") == .string("gold"))
            #expect(result.reports.first?.outcome == .ok)
            #expect(result.reports.first?.attempts == 3)
        }

        @Test func aConnectionResetIsRetried() async throws {
            let (result, requests, _) = try await Self.run([.reset])
            #expect(requests.count == 2)
            #expect(result.field("segment") == .string("gold"))
            #expect(result.reports.first?.attempts == 2)
        }

        @Test func aTimeoutIsRetried() async throws {
            let (result, requests, elapsed) = try await Self.run([.hang], timeout: "200ms")
            #expect(requests.count == 2)
            #expect(result.field("segment") == .string("gold"))
            #expect(result.reports.first?.attempts == 2)
            #expect(elapsed >= 0.2)
        }

        @Test func tooManyFailuresFallBackWithTheLastReason() async throws {
            let (result, requests, _) = try await Self.run([], then: .status(502))
            #expect(requests.count == 3)
            #expect(result.field("segment") == .string("none"))
            let report = try #require(result.reports.first)
            #expect(report.outcome == .defaulted)
            #expect(report.reason == "3 attempts failed; last: HTTP 502 Bad Gateway from 127.0.0.1")
        }

        @Test("client errors other than 429 and 408 are not retried", arguments: [400, 401, 403, 404, 422])
        func clientErrorsAreNotRetried(status: Int) async throws {
            let (result, requests, _) = try await Self.run([], then: .status(status))
            #expect(requests.count == 1)
            #expect(result.field("segment") == .string("none"))
            #expect(result.reports.first?.attempts == 1)
            #expect(result.reports.first?.reason?.hasPrefix("HTTP \(status) ") == true)
        }

        @Test func requestTimeout408IsRetried() async throws {
            let (result, requests, _) = try await Self.run([.status(408)])
            #expect(requests.count == 2)
            #expect(result.field("segment") == .string("gold"))
        }

        @Test func aRedirectIsNotFollowed() async throws {
            let (result, requests, _) = try await Self.run([], then: .status(302, headers: [("Location", "http://127.0.0.2:1/elsewhere")]))
            #expect(requests.count == 1)
            #expect(result.reports.first?.reason?.hasPrefix("HTTP 302 ") == true)
        }

        @Test func retryAfterInSecondsIsWaitedFor() async throws {
            let (result, requests, _) = try await Self.run(
                [.status(429, headers: [("Retry-After", "1")])], retry: "{attempts: 2, backoff: 10ms, jitter: false}", deadline: "5s")
            #expect(requests.count == 2)
            #expect(result.field("segment") == .string("gold"))
            if requests.count == 2 {
                let gap = Double(requests[1].receivedAt - requests[0].receivedAt) / 1e9
                #expect(gap >= 1.0, "the retry came \(gap)s after the 429, before its Retry-After: 1")
                #expect(gap < 3.0)
            }
        }

        @Test func retryAfterAsAnHTTPDateIsWaitedFor() async throws {
            // Two seconds ahead, to the whole second HTTP-dates have: at least one second away.
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 2).rounded(.down))
            let (result, requests, _) = try await Self.run(
                [.status(503, headers: [("Retry-After", formatter.string(from: date))])], retry: "{attempts: 2, backoff: 10ms, jitter: false}",
                deadline: "6s")
            #expect(requests.count == 2)
            #expect(result.field("segment") == .string("gold"))
            if requests.count == 2 {
                let gap = Double(requests[1].receivedAt - requests[0].receivedAt) / 1e9
                #expect(gap >= 0.95, "the retry came \(gap)s after the 503, before its Retry-After date")
            }
        }

        @Test func retryAfterBeyondTheDeadlineFallsBackAtOnce() async throws {
            let (result, requests, elapsed) = try await Self.run(
                [.status(429, headers: [("Retry-After", "30")])], retry: "{attempts: 3, backoff: 10ms, jitter: false}", deadline: "2s")
            #expect(requests.count == 1)
            #expect(result.field("segment") == .string("none"))
            #expect(elapsed < 1.0, "gave up after \(elapsed)s instead of at once")
            let reason = try #require(result.reports.first?.reason)
            #expect(reason.contains("HTTP 429 Too Many Requests from 127.0.0.1 (Retry-After 30s)"))
            #expect(reason.contains("no time left for another attempt"))
        }

        @Test func aHangingServiceTimesOutToTheFallback() async throws {
            let (result, requests, elapsed) = try await Self.run([], then: .hang, retry: "0", timeout: "200ms")
            #expect(requests.count == 1)
            #expect(result.field("segment") == .string("none"))
            #expect(result.reports.first?.outcome == .defaulted)
            #expect(result.reports.first?.reason == "timed out after 200ms")
            #expect(elapsed >= 0.19 && elapsed < 2, "took \(elapsed)s")
        }

        @Test func withoutADeadlineARetryAfterOverAMinuteFallsBackAtOnce() async throws {
            let (result, requests, elapsed) = try await Self.run(
                [.status(429, headers: [("Retry-After", "120")])], retry: "{attempts: 3, backoff: 10ms, jitter: false}")
            #expect(requests.count == 1)
            #expect(result.field("segment") == .string("none"))
            #expect(elapsed < 1.0, "gave up after \(elapsed)s instead of at once")
            #expect(result.reports.first?.reason?.hasSuffix("; Retry-After is longer than the 60s a retry waits") == true)
        }

        @Test func aRefusedConnectionIsRetried() async throws {
            // A port that was just listening and no longer is: connections are refused.
            let closed = try await StandInServer.start { _ in Self.ok }
            let port = closed.port
            await closed.stop()
            let plan = try compilePlan(Self.pipeline(url: "http://127.0.0.1:\(port)"))
            let live = try LiveExecutor(plan)
            let result = try await live.process("{\"user_id\":\"u1\"}")
            let report = try #require(result.reports.first)
            #expect(report.attempts == 3)
            #expect(report.outcome == .defaulted)
            // AsyncHTTPClient keeps trying to connect until the attempt's time is up.
            #expect(report.reason == "3 attempts failed; last: timed out after 500ms")
            await live.shutdown()
        }
    }
}
