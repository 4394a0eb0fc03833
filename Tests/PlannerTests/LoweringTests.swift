import Testing

@testable import Planner

@Suite("lowering")
struct LoweringTests {
    static let seed = """
        agents:
        - name: crm_lookup
          type: function
          timeout: 2s
          retry: 2
          fallback: cache
          input:
            user_id: event.user_id
          output:
            crm_segment: segment
        - name: sentiment
          type: local_llm
          model: "cardiffnlp/twitter-roberta-base-sentiment"
          timeout: 500ms
          input:
            text: event.description
          output:
            sentiment: label
        """

    @Test func seedFileGetsEveryDefaultMadeExplicit() throws {
        let plan = try PlannerFixture.lowered(Self.seed)
        #expect(PlannerFixture.names(plan) == ["crm_lookup", "sentiment"])
        let crm = plan.agents[0]
        #expect(crm.kind == "function")
        #expect(crm.timeoutMicroseconds == 2_000_000)
        #expect(crm.retry.attempts == 3)
        #expect(crm.fallback == .cache)
        #expect(crm.cache == PlanCache(key: nil, ttlMicroseconds: 300_000_000))
        #expect(crm.concurrency == 64)
        #expect(crm.settings["function"] == "crm_lookup")
        #expect(crm.inputs == [PlanInput(name: "user_id", value: .event(["user_id"]))])
        #expect(crm.outputs == [PlanOutput(name: "crm_segment", path: ["segment"], expression: nil, type: "json?")])

        let sentiment = plan.agents[1]
        #expect(sentiment.retry.attempts == 1)
        #expect(sentiment.fallback == .skip)
        #expect(sentiment.cache == nil)
        #expect(sentiment.settings["model"] == "cardiffnlp/twitter-roberta-base-sentiment")
        #expect(plan.pipeline == "pipeline")
        #expect(plan.source.sha256.count == 64)
    }

    @Test func pathsAreClassifiedByTheirRoot() throws {
        let plan = try PlannerFixture.lowered(
            """
            agents:
            - name: geocode
              type: expr
              output:
                country: upper(event.geo.country)
            - name: notify
              type: http
              url: "http://127.0.0.1:9/{input.user}"
              headers:
                Authorization: "Bearer {env.CRM_TOKEN}"
              input:
                user: event.user_id
                country: geocode.country
              output:
                ok: status
            """)
        let notify = try #require(plan.agents.first { $0.name == "notify" })
        #expect(notify.inputs.map(\.value) == [.event(["user_id"]), .agent("geocode", ["country"])])
        #expect(notify.http?.url == .interpolation([.text("http://127.0.0.1:9/"), .expression(.input(["user"]))]))
        #expect(notify.http?.headers.first?.value == .interpolation([.text("Bearer "), .expression(.env("CRM_TOKEN"))]))
        #expect(notify.http?.method == "GET")
        #expect(notify.http?.body == "json")
        #expect(notify.http?.idempotent == true)
        #expect(plan.agents[0].outputs[0].expression == .call("upper", [.event(["geo", "country"])]))
    }

    @Test func unaryOperatorsAndDurationsLower() throws {
        let plan = try PlannerFixture.lowered(
            """
            agents:
            - name: calc
              type: expr
              output:
                quiet: "!event.loud"
                debt: -event.balance
                budget: 1m30s
            """)
        let outputs = plan.agents[0].outputs
        #expect(outputs[0].expression == .not(.event(["loud"])))
        #expect(outputs[1].expression == .negate(.event(["balance"])))
        #expect(outputs[2].expression == .literal(.durationMicroseconds(90_000_000)))
    }

    @Test func timeoutsFollowTheCheckersEffectiveTimeout() throws {
        let plan = try PlannerFixture.lowered(
            """
            deadline: 400ms
            agents:
            - name: remote
              type: http
              url: "http://127.0.0.1:9/x"
              output:
                v: value
            - name: local
              type: expr
              output:
                w: "1"
            """)
        #expect(plan.agents[0].timeoutMicroseconds == 400_000)
        #expect(plan.agents[1].timeoutMicroseconds == 0)
        #expect(plan.deadlineMicroseconds == 400_000)
    }

    @Test func defaultTimeoutIsOneSecondWithoutDeadline() throws {
        let plan = try PlannerFixture.lowered(
            """
            agents:
            - name: remote
              type: http
              url: "http://127.0.0.1:9/x"
              retry: {attempts: 3, backoff: 10ms, max_backoff: 15ms, jitter: false}
              fallback: {default: {v: "none"}}
              rate_limit: 10/m
              concurrency: 4
              output:
                v: value
            """)
        let agent = plan.agents[0]
        #expect(agent.timeoutMicroseconds == 1_000_000)
        #expect(agent.retry == PlanRetry(attempts: 3, backoffMicroseconds: 10_000, maxBackoffMicroseconds: 15_000, jitter: false))
        #expect(agent.fallback == .defaults(["v": .string("none")]))
        #expect(agent.rateLimit == PlanRateLimit(count: 10, perSeconds: 60))
        #expect(agent.concurrency == 4)
    }

    @Test func agentsComeInTopologicalOrderWithAfterKeptByName() throws {
        let plan = try PlannerFixture.lowered(
            """
            agents:
            - name: late
              type: expr
              after: [early]
              output:
                b: b_source.x ?? 1
            - name: b_source
              type: expr
              output:
                x: "2"
            - name: early
              type: expr
              output:
                a: "1"
            """)
        #expect(PlannerFixture.names(plan) == ["b_source", "early", "late"])
        #expect(plan.agents[2].after == ["early"])
        #expect(plan.agents.allSatisfy { $0.dependencies.isEmpty })
    }
}
