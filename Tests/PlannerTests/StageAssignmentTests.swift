import Testing

@testable import Planner

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
