import Testing

@testable import Planner

@Suite("dead-agent elimination")
struct DeadAgentEliminationTests {
    @Test func internalAgentNobodyReadsIsRemovedWithItsOwnFeeders() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: raw_tag
              type: expr
              emit: false
              output:
                t: lower(event.tag)
            - name: debug_tag
              type: expr
              emit: false
              output:
                tag: raw_tag.t
            - name: kept
              type: expr
              output:
                k: event.k
            """, passes: [EdgeInference(), DeadAgentElimination()])
        #expect(PlannerFixture.names(plan) == ["kept"])
        #expect(
            plan.passes[1].changes == [
                "removed `debug_tag`: emits nothing and nothing reads it",
                "removed `raw_tag`: emits nothing and nothing reads it once `debug_tag` is gone",
            ])
    }

    @Test func sideEffectingAgentsStayEvenWhenSilent() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: webhook
              type: http
              method: POST
              url: "http://127.0.0.1:9/hook"
            - name: probe
              type: http
              url: "http://127.0.0.1:9/probe"
            - name: worker
              type: process
              command: [python3, worker.py]
            - name: model
              type: local_llm
              model: tiny
            - name: registered
              type: function
            """, passes: [EdgeInference(), DeadAgentElimination()])
        #expect(PlannerFixture.names(plan) == ["webhook", "worker", "model", "registered"])
    }

    @Test func internalAgentWithReadersStays() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: helper
              type: expr
              emit: false
              output:
                h: lower(event.h)
            - name: user
              type: expr
              output:
                u: helper.h
            """, passes: [EdgeInference(), DeadAgentElimination()])
        #expect(PlannerFixture.names(plan) == ["helper", "user"])
        #expect(PlannerFixture.edges(plan)["user"] == ["helper"])
    }

    @Test func afterEdgesToRemovedAgentsAreForgotten() throws {
        var plan = try PlannerFixture.plan(
            """
            agents:
            - name: silent
              type: expr
              emit: false
              output:
                s: "1"
            - name: loud
              type: expr
              output:
                l: "2"
            """, passes: [EdgeInference()])
        // An `after` that transitive reduction made redundant leaves no dependency behind.
        plan.agents[1].after = ["silent"]
        DeadAgentElimination().apply(to: &plan)
        #expect(PlannerFixture.names(plan) == ["loud"])
        #expect(plan.agents[0].after.isEmpty)
    }
}
