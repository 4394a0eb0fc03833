import AsyncHTTPClient
import Foundation
import NIOCore
import StandInServers
import Testing

/// The stand-in server itself: what it records and the faults it injects.
@Suite(.serialized)
struct StandInServerTests {
    @Test func answersAndRecordsRequests() async throws {
        let server = try await StandInServer.start { request in .json("{\"path\":\"\(request.path)\"}") }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var request = HTTPClientRequest(url: server.baseURL + "/users/42?x=1")
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: "{\"a\":1}"))
            let response = try await client.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status.code == 200)
            #expect(String(buffer: body) == "{\"path\":\"/users/42\"}")
            let seen = server.requests
            #expect(seen.count == 1)
            #expect(seen.first?.method == "POST")
            #expect(seen.first?.uri == "/users/42?x=1")
            #expect(seen.first?.bodyText == "{\"a\":1}")
        } catch {
            Issue.record("request failed: \(error)")
        }
        try await client.shutdown()
        await server.stop()
    }

    @Test func resetClosesTheConnectionWithoutAnAnswer() async throws {
        let server = try await StandInServer.start { _ in .reset }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        await #expect(throws: (any Error).self) {
            _ = try await client.execute(HTTPClientRequest(url: server.baseURL + "/"), timeout: .seconds(5))
        }
        #expect(server.requestCount == 1)
        try await client.shutdown()
        await server.stop()
    }

    @Test func hangNeverAnswersAndStopEndsIt() async throws {
        let server = try await StandInServer.start { _ in .hang }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let began = Date()
        await #expect(throws: (any Error).self) {
            _ = try await client.execute(HTTPClientRequest(url: server.baseURL + "/"), timeout: .milliseconds(300))
        }
        #expect(Date().timeIntervalSince(began) >= 0.29)
        #expect(server.requestCount == 1)
        try await client.shutdown()
        await server.stop()
    }

    @Test func keepsOnlyTheFirstRequestsButCountsAll() async throws {
        let server = try await StandInServer.start(keepingRequests: 2) { _ in .json("{}") }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        for index in 0..<5 {
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/\(index)"), timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1 << 16)
        }
        #expect(server.requestCount == 5)
        #expect(server.requests.map(\.path) == ["/0", "/1"])
        #expect(server.seen.connectionsAccepted == 1, "keep-alive: one connection for sequential requests")
        try await client.shutdown()
        await server.stop()
    }
}
