import EventJSON
import Foundation
@testable import NetworkAgents
import Planner
import StandInServers
import Testing

@testable import Runtime

extension NetworkAgentBehaviour {
    /// What an `http` agent sends (method, headers, JSON body, URL) and what it takes from
    /// the answer, against a real HTTP server.
    @Suite struct HTTPAgentRequestTests {
        @Test func postsTheInputsAsJSONAndMapsNestedResponsePaths() async throws {
            let body = "{\"data\":{\"segment\":\"gold\",\"scores\":{\"churn\":0.25}},\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"ok\":true}"
            try await withStandIn({ _ in .json(body) }) { server in
                let plan = try compilePlan(
                    """
                    agents:
                    - name: crm
                      type: http
                      method: POST
                      url: "\(server.baseURL)/v1/users/{event.user_id}/score"
                      headers:
                        Authorization: "Bearer {env.CRM_TOKEN}"
                        X-Event-Type: "{event.type}"
                      fallback: skip
                      input:
                        user_id: event.user_id
                        plan: event.plan
                        seats: event.seats
                      output:
                        segment: data.segment
                        churn: {path: data.scores.churn, type: float}
                        second_item: items.1.id
                        ok: {path: ok, type: bool}
                    """)
                let live = try LiveExecutor(plan, environment: ["CRM_TOKEN": "t0ken-value"])
                let result = try await live.process("{\"user_id\":\"u 1/2\",\"type\":\"signup\",\"plan\":\"pro\",\"seats\":3}")
                let request = try #require(server.requests.first)
                #expect(request.method == "POST")
                #expect(request.uri == "/v1/users/u%201%2F2/score")
                #expect(request.header("Authorization") == "Bearer t0ken-value")
                #expect(request.header("X-Event-Type") == "signup")
                #expect(request.header("Content-Type") == "application/json")
                #expect(try JSONReader.parse(request.body) == JSONReader.parse(Array("{\"user_id\":\"u 1/2\",\"plan\":\"pro\",\"seats\":3}".utf8)))
                #expect(result.field("segment") == .string("gold"))
                #expect(result.field("churn") == .double(0.25))
                #expect(result.field("second_item") == .string("b"))
                #expect(result.field("ok") == .bool(true))
                #expect(result.status == .complete)
                await live.shutdown()
            }
        }

        @Test func getSendsNoBodyAndBodyNoneSendsNone() async throws {
            try await withStandIn({ _ in .json("{}") }) { server in
                let plan = try compilePlan(
                    """
                    agents:
                    - name: fetch
                      type: http
                      url: "\(server.baseURL)/a/{input.id}"
                      fallback: skip
                      input:
                        id: event.id
                      output:
                        x: x
                    - name: ping
                      type: http
                      method: PUT
                      body: none
                      url: "\(server.baseURL)/b/{event.id}"
                      fallback: skip
                      input:
                        id: event.id
                      output:
                        y: y
                    """)
                let live = try LiveExecutor(plan)
                _ = try await live.process("{\"id\":\"7\"}")
                let byPath = Dictionary(uniqueKeysWithValues: server.requests.map { ($0.path, $0) })
                #expect(byPath["/a/7"]?.method == "GET")
                #expect(byPath["/a/7"]?.body == [])
                #expect(byPath["/b/7"]?.method == "PUT")
                #expect(byPath["/b/7"]?.body == [])
                await live.shutdown()
            }
        }

        @Test func aResponseThatIsNotJSONIsNotRetried() async throws {
            try await withStandIn({ _ in .respond(status: 200, headers: [], body: Array("<html>".utf8), delay: .zero) }) { server in
                let plan = try compilePlan(
                    """
                    agents:
                    - name: crm
                      type: http
                      url: "\(server.baseURL)/x"
                      retry: 3
                      fallback: skip
                      output:
                        x: x
                    """)
                let live = try LiveExecutor(plan)
                let result = try await live.process("{}")
                #expect(server.requestCount == 1)
                #expect(live.report("crm", in: result)?.reason == "response from 127.0.0.1 is not JSON")
                await live.shutdown()
            }
        }

        @Test func theAllowlistBlocksAHostSteeredByEventData() async throws {
            try await withStandIn({ _ in .json("{\"owner\":\"good\"}") }) { good in
                try await withStandIn({ _ in .json("{\"owner\":\"evil\"}") }) { evil in
                    let plan = try compilePlan(
                        """
                        agents:
                        - name: crm
                          type: http
                          url: "http://{event.host}:{event.port}/users/{event.user_id}"
                          allow_hosts: ["127.0.0.1:\(good.port)"]
                          fallback: skip
                          output:
                            owner: owner
                        """)
                    let live = try LiveExecutor(plan)
                    func event(host: String, port: Int, user: String = "u1") -> String {
                        "{\"host\":\"\(host)\",\"port\":\(port),\"user_id\":\"\(user)\"}"
                    }
                    let allowed = try await live.process(event(host: "127.0.0.1", port: good.port))
                    #expect(allowed.field("owner") == .string("good"))
                    for (host, port) in [("127.0.0.1", evil.port), ("localhost", evil.port), ("localhost", good.port)] {
                        let result = try await live.process(event(host: host, port: port))
                        #expect(result.field("owner") == nil)
                        let reason = live.report("crm", in: result)?.reason
                        #expect(reason == "host `\(host)` is not in `allow_hosts`", "\(reason ?? "no reason")")
                    }
                    // Event data cannot add a host part either: it is percent-encoded.
                    let smuggled = try await live.process(event(host: "127.0.0.1:\(evil.port)@127.0.0.1", port: good.port))
                    #expect(smuggled.field("owner") == nil)
                    let sneaky = try await live.process(event(host: "127.0.0.1", port: good.port, user: "x@127.0.0.1:\(evil.port)/?a=1#"))
                    #expect(sneaky.field("owner") == .string("good"))
                    #expect(good.requests.last?.uri == "/users/x%40127.0.0.1%3A\(evil.port)%2F%3Fa%3D1%23")
                    #expect(evil.requestCount == 0)
                    #expect(good.requestCount == 2)
                    await live.shutdown()
                }
            }
        }

        @Test func allowHostsWithoutAPortAllowsTheHostOnAnyPort() {
            #expect(HTTPAgent.isAllowed(host: "API.example.com", port: 443, by: ["api.example.com"]))
            #expect(HTTPAgent.isAllowed(host: "api.example.com", port: 8443, by: ["api.example.com:8443"]))
            #expect(!HTTPAgent.isAllowed(host: "api.example.com", port: 443, by: ["api.example.com:8443"]))
            #expect(!HTTPAgent.isAllowed(host: "api.example.com.evil.net", port: 443, by: ["api.example.com"]))
        }

        @Test func theConnectionPoolNeverExceedsTheAgentsConcurrency() async throws {
            try await withStandIn({ _ in .json("{\"v\":1}", after: .milliseconds(150)) }) { server in
                let plan = try compilePlan(
                    """
                    agents:
                    - name: crm
                      type: http
                      url: "\(server.baseURL)/u/{event.id}"
                      concurrency: 2
                      timeout: 5s
                      fallback: skip
                      output:
                        v: v
                    """)
                // Straight to the agent's call, past the runtime's own concurrency bound:
                // the client's pool alone must keep to two connections.
                let network = NetworkAgentProvider(plan: plan)
                guard case .awaited(let call)? = network.makeCall(for: plan.agents[0]) else {
                    Issue.record("an http agent's call is awaited")
                    return
                }
                let outcomes = try await bounded(seconds: 10) {
                    await withTaskGroup(of: Bool.self) { group in
                        for index in 0..<8 {
                            group.addTask {
                                let request = AgentRequest(inputs: JSONObject(), url: server.baseURL + "/u/\(index)")
                                do throws(AgentCallFailure) {
                                    return try await call(request) == .object(JSONObject([("v", .int(1))]))
                                } catch {
                                    return false
                                }
                            }
                        }
                        var successes = 0
                        for await ok in group where ok { successes += 1 }
                        return successes
                    }
                }
                #expect(outcomes == 8)
                #expect(server.seen.maxOpenConnections <= 2)
                #expect(server.seen.maxRequestsInFlight == 2)
                #expect(server.seen.connectionsAccepted <= 2)
                await network.shutdown()
            }
        }

        @Test func theRuntimeKeepsCallsInFlightToTheConcurrency() async throws {
            try await withStandIn({ _ in .json("{\"v\":1}", after: .milliseconds(100)) }) { server in
                let plan = try compilePlan(
                    """
                    agents:
                    - name: crm
                      type: http
                      url: "\(server.baseURL)/u/{event.id}"
                      concurrency: 3
                      timeout: 5s
                      fallback: skip
                      output:
                        v: v
                    """)
                let live = try LiveExecutor(plan)
                let results = try await withThrowingTaskGroup(of: EventResult.self) { group in
                    for index in 0..<12 { group.addTask { try await live.process("{\"id\":\"\(index)\"}") } }
                    var all: [EventResult] = []
                    for try await result in group { all.append(result) }
                    return all
                }
                #expect(results.allSatisfy { $0.field("v") == .int(1) })
                #expect(server.seen.maxRequestsInFlight == 3)
                #expect(server.seen.maxOpenConnections <= 3)
                await live.shutdown()
            }
        }

        @Test func theRateLimitSpacesRequestsToTheService() async throws {
            try await withStandIn({ _ in .json("{\"v\":1}") }) { server in
                let plan = try compilePlan(
                    """
                    agents:
                    - name: crm
                      type: http
                      url: "\(server.baseURL)/u/{event.id}"
                      rate_limit: 20/s
                      timeout: 5s
                      fallback: skip
                      output:
                        v: v
                    """)
                let live = try LiveExecutor(plan)
                let results = try await withThrowingTaskGroup(of: EventResult.self) { group in
                    for index in 0..<30 { group.addTask { try await live.process("{\"id\":\"\(index)\"}") } }
                    var all: [EventResult] = []
                    for try await result in group { all.append(result) }
                    return all
                }
                #expect(results.allSatisfy { $0.field("v") == .int(1) })
                // A burst of 20, then one every 50ms: the last ten take at least 450ms more.
                let times = server.requests.map(\.receivedAt).sorted()
                #expect(times.count == 30)
                if let first = times.first, let last = times.last {
                    let span = Double(last - first) / 1e9
                    #expect(span >= 0.45, "30 requests at 20/s came within \(span)s")
                }
                await live.shutdown()
            }
        }

        @Test func eventDataCannotInjectHeaders() async throws {
            try await withStandIn({ _ in .json("{\"v\":1}") }) { server in
                let plan = try compilePlan(
                    """
                    agents:
                    - name: crm
                      type: http
                      url: "\(server.baseURL)/u"
                      headers:
                        Authorization: "Bearer {env.CRM_TOKEN}"
                        X-User: "{event.name}"
                      retry: 2
                      fallback: skip
                      output:
                        v: v
                    """)
                let live = try LiveExecutor(plan, environment: ["CRM_TOKEN": "tok-abcdef-123"])
                let result = try await live.process("{\"name\":\"ann\\r\\nX-Admin: yes\"}")
                #expect(server.requestCount == 0)
                let report = try #require(live.report("crm", in: result))
                #expect(report.attempts == 1)
                #expect(report.reason == "request to 127.0.0.1 failed: a header has characters HTTP does not allow")
                let fine = try await live.process("{\"name\":\"ann\"}")
                #expect(fine.field("v") == .int(1))
                #expect(server.requests.first?.header("X-Admin") == nil)
                await live.shutdown()
            }
        }
    }
}
