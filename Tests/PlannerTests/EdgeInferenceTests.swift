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
