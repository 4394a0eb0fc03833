import Testing

@testable import Planner

@Suite("constant folding")
struct ConstantFoldingTests {
    @Test func foldedInputsAreReported() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: tagger
              type: expr
              input:
                prefix: lower("VIP-")
              output:
                tag: concat(input.prefix, event.tier)
            """, passes: [EdgeInference(), ConstantFolding()])
        #expect(plan.agents[0].inputs[0].value == .literal(.string("vip-")))
        #expect(plan.passes[1].changes == ["folded input `prefix` of `tagger`: `lower(\"VIP-\")` → `\"vip-\"`"])
    }

    @Test func guardThatFoldsToTrueIsDropped() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: always
              type: expr
              when: lower("A") == "a"
              output:
                x: event.x
            """, passes: [EdgeInference(), ConstantFolding()])
        #expect(plan.agents[0].when == nil)
        #expect(plan.passes[1].changes == ["dropped the guard of `always`: `lower(\"A\") == \"a\"` is always true"])
    }

    @Test func guardThatFoldsToFalseRemovesTheAgentAndItsReadersSeeNull() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: never
              type: expr
              when: len("abc") > 5
              emit: false
              output:
                x: upper(event.x)
            - name: reader
              type: expr
              output:
                y: never.x ?? "none"
            """, passes: [EdgeInference(), ConstantFolding()])
        #expect(PlannerFixture.names(plan) == ["reader"])
        #expect(plan.agents[0].outputs[0].expression == .literal(.string("none")))
        #expect(plan.agents[0].dependencies.isEmpty)
        #expect(
            plan.passes[1].changes == [
                "removed `never`: its guard `len(\"abc\") > 5` is never true",
                "output `y` of `reader` reads `never.x` as null: `never` never runs",
                "folded output `y` of `reader`: `null ?? \"none\"` → `\"none\"`",
            ])
    }

    @Test func waitingForARemovedAgentBecomesWaitingForWhatItWaitedFor() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: first
              type: expr
              output:
                f: event.f
            - name: never
              type: expr
              when: "false"
              after: [first]
              output:
                n: event.n
            - name: last
              type: expr
              after: [never]
              output:
                l: event.l
            """, passes: [EdgeInference(), ConstantFolding()])
        #expect(PlannerFixture.names(plan) == ["first", "last"])
        #expect(plan.agents[1].after == ["first"])
        #expect(PlannerFixture.edges(plan)["last"] == ["first"])
    }

    @Test func compileSweepsAgentsFoldingLeftWithoutReaders() throws {
        let plan = try PlannerFixture.compiled(
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
                u: "false && helper.h == 'x'"
            """)
        #expect(PlannerFixture.names(plan) == ["user"])
        #expect(plan.agents[0].outputs[0].expression == .literal(.bool(false)))
    }
}
