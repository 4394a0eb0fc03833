import Testing

@testable import Planner

@Suite("edge inference")
struct EdgeInferenceTests {
    static let chain = """
        agents:
        - name: geocode
          type: expr
          output:
            country: upper(event.country)
        - name: attribution
          type: expr
          output:
            channel: concat(geocode.country, "-ads")
        - name: audit
          type: expr
          after: [geocode]
          output:
            seen: "true"
        """

    @Test func referencesAndAfterBecomeDependencies() throws {
        let plan = try PlannerFixture.plan(Self.chain, passes: [EdgeInference()])
        #expect(PlannerFixture.edges(plan) == ["geocode": [], "attribution": ["geocode"], "audit": ["geocode"]])
    }

    @Test func reportSaysWhyEachEdgeExists() throws {
        let plan = try PlannerFixture.plan(Self.chain, passes: [EdgeInference()])
        #expect(plan.passes.map(\.pass) == ["edge inference"])
        #expect(
            plan.passes[0].changes == [
                "`attribution` waits for `geocode`: reads `geocode.country`",
                "`audit` waits for `geocode`: listed in `after`",
            ])
    }

    @Test func referencesInGuardsTemplatesAndCacheKeysCount() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: a
              type: expr
              output:
                x: "1"
            - name: b
              type: expr
              output:
                y: "2"
            - name: c
              type: expr
              output:
                z: "3"
            - name: call
              type: http
              when: a.x != null
              url: "http://127.0.0.1:9/{b.y ?? 0}"
              cache: {key: c.z, ttl: 1m}
              output:
                v: value
            """, passes: [EdgeInference()])
        #expect(PlannerFixture.edges(plan)["call"] == ["a", "b", "c"])
    }
}

@Suite("transitive reduction")
struct TransitiveReductionTests {
    static let diamond = """
        agents:
        - name: a
          type: expr
          output:
            x: "1"
        - name: b
          type: expr
          output:
            y: a.x
        - name: c
          type: expr
          output:
            z: concat(a.x, b.y)
        - name: d
          type: expr
          after: [a, b]
          output:
            w: c.z
        """

    @Test func impliedEdgesAreDropped() throws {
        let plan = try PlannerFixture.plan(Self.diamond, passes: [EdgeInference(), TransitiveReduction()])
        #expect(PlannerFixture.edges(plan) == ["a": [], "b": ["a"], "c": ["b"], "d": ["c"]])
        #expect(
            plan.passes[1].changes == [
                "dropped `a` → `c`: `c` already waits for `a` through `b`",
                "dropped `a` → `d`: `d` already waits for `a` through `b`",
                "dropped `b` → `d`: `d` already waits for `b` through `c`",
            ])
    }

    @Test func reachabilityIsUnchanged() throws {
        let before = try PlannerFixture.plan(Self.diamond, passes: [EdgeInference()])
        var after = before
        TransitiveReduction().apply(to: &after)
        #expect(before.ancestors == after.ancestors)
    }

    @Test func independentEdgesStay() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: a
              type: expr
              output:
                x: "1"
            - name: b
              type: expr
              output:
                y: "2"
            - name: c
              type: expr
              output:
                z: concat(a.x, b.y)
            """, passes: [EdgeInference(), TransitiveReduction()])
        #expect(PlannerFixture.edges(plan)["c"] == ["a", "b"])
        #expect(plan.passes[1].changes.isEmpty)
    }
}

@Suite("stage assignment")
struct StageAssignmentTests {
    @Test func stageIsOnePlusTheDeepestDependency() throws {
        let plan = try PlannerFixture.plan(
            TransitiveReductionTests.diamond, passes: [EdgeInference(), TransitiveReduction(), StageAssignment()])
        #expect(plan.agents.map(\.stage) == [0, 1, 2, 3])
        #expect(plan.passes.last?.changes == ["4 agents in 4 stages"])
    }

    @Test func independentAgentsShareStageZero() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: a
              type: expr
              output:
                x: "1"
            - name: b
              type: expr
              output:
                y: "2"
            - name: c
              type: expr
              output:
                z: b.y
            """, passes: [EdgeInference(), StageAssignment()])
        #expect(plan.agents.map(\.stage) == [0, 0, 1])
    }
}
