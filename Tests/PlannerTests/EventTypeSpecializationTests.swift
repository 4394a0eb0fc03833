import Testing

@testable import Planner

@Suite("specialization per event type")
struct EventTypeSpecializationTests {
    static let pipeline = """
        agents:
        - name: base
          type: expr
          output:
            b: lower(event.user)
        - name: review_score
          type: sentiment
          when: event.type == "review"
          input:
            text: event.text
          output:
            score: compound
        - name: purchase_vip
          type: expr
          when: event.type in ["purchase", "refund"] && event.tier == "vip"
          output:
            vip: "true"
        - name: summary
          type: expr
          output:
            s: concat(base.b, to_string(review_score.score ?? 0))
        """

    @Test func eachComparedTypeAndTheRestGetTheirOwnAgentList() throws {
        let plan = try PlannerFixture.compiled(Self.pipeline)
        #expect(plan.specializations.map(\.eventType) == ["purchase", "refund", "review", nil])
        let names = { (type: String?) in
            (plan.specialization(forEventType: type)?.agents ?? []).map { plan.agents[$0].name }
        }
        #expect(names("review") == ["base", "review_score", "summary"])
        #expect(names("purchase") == ["base", "purchase_vip", "summary"])
        #expect(names("signup") == ["base", "summary"])
        #expect(names(nil) == ["base", "summary"])
    }

    @Test func residualGuardsAreKeptPerAgent() throws {
        let plan = try PlannerFixture.compiled(Self.pipeline)
        let purchase = try #require(plan.specialization(forEventType: "purchase"))
        let vip = try #require(plan.agentIndex(named: "purchase_vip"))
        #expect(purchase.guards == [vip: .binary(.equal, .event(["tier"]), .literal(.string("vip")))])
        let review = try #require(plan.specialization(forEventType: "review"))
        #expect(review.guards.isEmpty)
    }

    @Test func agentsAfterADroppedOneWaitForWhatItWaitedFor() throws {
        let plan = try PlannerFixture.compiled(Self.pipeline)
        let other = try #require(plan.specialization(forEventType: nil))
        let summary = try #require(plan.agentIndex(named: "summary"))
        let base = try #require(plan.agentIndex(named: "base"))
        #expect(plan.agents[summary].dependencies.map { plan.agents[$0].name } == ["base", "review_score"])
        #expect(other.dependencies(of: summary, in: plan) == [base])
        let review = try #require(plan.specialization(forEventType: "review"))
        #expect(review.rewiredDependencies.isEmpty)
    }

    @Test func chainsThroughDroppedAgentsKeepTheirOrder() throws {
        let plan = try PlannerFixture.compiled(
            """
            agents:
            - name: a
              type: expr
              output:
                x: lower(event.x)
            - name: b
              type: expr
              when: event.type == "special"
              emit: false
              output:
                y: a.x
            - name: c
              type: expr
              output:
                z: b.y ?? "none"
            """)
        let other = try #require(plan.specialization(forEventType: nil))
        #expect(other.agents.map { plan.agents[$0].name } == ["a", "c"])
        #expect(other.dependencies(of: 2, in: plan) == [0])
    }

    @Test func withoutTypeGuardsThereIsOneCatchAll() throws {
        let plan = try PlannerFixture.compiled(
            """
            agents:
            - name: a
              type: expr
              when: event.tier == "vip"
              output:
                x: "1"
            """)
        #expect(plan.specializations.count == 1)
        #expect(plan.specializations[0].eventType == nil)
        #expect(plan.specializations[0].guards == [0: .binary(.equal, .event(["tier"]), .literal(.string("vip")))])
        #expect(plan.passes.last?.changes == ["every event: 1 of 1 agents, 1 guard left to check"])
    }
}
