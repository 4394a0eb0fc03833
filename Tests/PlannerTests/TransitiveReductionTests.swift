import Testing

@testable import Planner

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
