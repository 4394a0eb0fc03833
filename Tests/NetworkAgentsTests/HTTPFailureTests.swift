import AsyncHTTPClient
import EventJSON
import Foundation
import NIOHTTP1
import Testing

@testable import NetworkAgents
@testable import Runtime

/// How HTTP answers and transport errors become failures, without a server.
@Suite struct HTTPFailureTests {
    @Test func retryAfterInSeconds() {
        #expect(RetryAfter.microseconds("120") == 120_000_000)
        #expect(RetryAfter.microseconds(" 0 ") == 0)
    }

    @Test func retryAfterAsHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // Wed, 21 Oct 2015 07:27:50 GMT
        #expect(RetryAfter.microseconds("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 10_000_000)
        #expect(RetryAfter.microseconds("Wednesday, 21-Oct-15 07:28:00 GMT", now: now) == 10_000_000)
        #expect(RetryAfter.microseconds("Wed Oct 21 07:28:00 2015", now: now) == 10_000_000)
        #expect(RetryAfter.microseconds("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == 0)
    }

    @Test func retryAfterThatIsNeitherIsIgnored() {
        #expect(RetryAfter.microseconds("soon") == nil)
        #expect(RetryAfter.microseconds("-5") == nil)
        #expect(RetryAfter.microseconds("1.5") == nil)
        #expect(RetryAfter.microseconds("") == nil)
    }

    @Test("statuses that may be retried", arguments: [408, 429, 500, 502, 503, 504])
    func retryableStatuses(status: Int) {
        #expect(HTTPAgent.failure(status: status, reason: "x", headers: [:], host: "h").isRetryable)
    }

    @Test("statuses that may not", arguments: [301, 302, 304, 400, 401, 403, 404, 409, 410, 422])
    func permanentStatuses(status: Int) {
        #expect(!HTTPAgent.failure(status: status, reason: "x", headers: [:], host: "h").isRetryable)
    }

    @Test func retryAfterTravelsWith429And503Only() {
        let headers: HTTPHeaders = ["Retry-After": "7"]
        #expect(HTTPAgent.failure(status: 429, reason: "Too Many Requests", headers: headers, host: "h").retryAfterMicroseconds == 7_000_000)
        #expect(HTTPAgent.failure(status: 503, reason: "Service Unavailable", headers: headers, host: "h").retryAfterMicroseconds == 7_000_000)
        #expect(HTTPAgent.failure(status: 500, reason: "Internal Server Error", headers: headers, host: "h").retryAfterMicroseconds == nil)
        #expect(HTTPAgent.failure(status: 429, reason: "Too Many Requests", headers: headers, host: "h").reason == "HTTP 429 Too Many Requests from h (Retry-After 7s)")
    }

    @Test func transportErrorsAreRetryableButMalformedRequestsAreNot() {
        #expect(HTTPAgent.classify(HTTPClientError.remoteConnectionClosed).1)
        #expect(HTTPAgent.classify(HTTPClientError.readTimeout).1)
        #expect(HTTPAgent.classify(HTTPClientError.connectTimeout).1)
        #expect(!HTTPAgent.classify(HTTPClientError.invalidURL).1)
        let header = HTTPAgent.classify(HTTPClientError.invalidHeaderFieldValues(["Bearer secret\r\nX: y"]))
        #expect(!header.1)
        #expect(!header.0.contains("secret"))
    }

    @Test func scrubbingRemovesHeaderValuesAndTheURLsPathAndQuery() {
        let request = AgentRequest(
            inputs: JSONObject(), url: "https://api.example/users/u-42?key=abcd1234", headers: [(name: "Authorization", value: "Bearer tok-123456")])
        let scrubbed = HTTPAgent.scrub(
            "failed: Bearer tok-123456 at https://api.example/users/u-42?key=abcd1234 and key=abcd1234 and /users/u-42", of: request)
        #expect(!scrubbed.contains("tok-123456"))
        #expect(!scrubbed.contains("abcd1234"))
        #expect(!scrubbed.contains("u-42"))
    }

    @Test func aURLThatIsNotHTTPFailsWithoutQuotingIt() async throws {
        let plan = try compilePlan(
            """
            agents:
            - name: crm
              type: http
              url: "{event.target}"
              fallback: skip
              output:
                x: x
            """)
        let live = try LiveExecutor(plan)
        let result = try await live.process("{\"target\":\"file:///etc/passwd-secret\"}")
        let reason = try #require(live.report("crm", in: result)?.reason)
        #expect(reason == "the request URL is not a valid http(s) URL with a host")
        await live.shutdown()
    }
}
