import Testing

@testable import Planner

@Suite("graph and explain rendering")
struct PlanRenderingTests {
    @Test func dotDrawsStagesEdgesAndTheCriticalPathInRed() throws {
        let dot = PlanGraph.dot(try SlackAnalysisTests.martech())
        #expect(dot.hasPrefix("digraph \"martech_enrichment\" {\n  rankdir=LR;\n"))
        #expect(dot.contains("  subgraph \"stage_0\" {\n    rank=same;\n"))
        #expect(dot.contains("    \"crm_lookup\" [label=\"crm_lookup\\nhttp · 250ms × 2\", color=red, penwidth=2];"))
        #expect(dot.contains("    \"geocode\" [label=\"geocode\\ngeoip · 20ms\"];"))
        #expect(dot.contains("  \"crm_lookup\" -> \"priority\" [color=red, penwidth=2];"))
        #expect(dot.contains("  \"geocode\" -> \"ad_attribution\";"))
        // Transitive reduction removed geocode → priority, so it is not drawn.
        #expect(!dot.contains("\"geocode\" -> \"priority\""))
        #expect(dot.hasSuffix("}\n"))
    }

    @Test func mermaidUsesSubgraphsClassDefAndLinkStyle() throws {
        let mermaid = PlanGraph.mermaid(try SlackAnalysisTests.martech())
        #expect(mermaid.hasPrefix("flowchart LR\n  subgraph stage_0 [\"stage 0\"]\n"))
        #expect(mermaid.contains("    crm_lookup[\"crm_lookup<br/>http · 250ms × 2\"]"))
        #expect(mermaid.contains("  crm_lookup --> priority\n"))
        #expect(mermaid.contains("  classDef critical stroke:#d00,stroke-width:3px,color:#d00\n"))
        #expect(mermaid.contains("  class crm_lookup,priority critical\n"))
        // Edges are numbered in drawing order: geocode → ad_attribution is 0, crm_lookup → priority is 1.
        #expect(mermaid.hasSuffix("  linkStyle 1 stroke:#d00,stroke-width:3px\n"))
    }

    @Test func mermaidKeywordsAreNotUsedAsNodeIDs() throws {
        let plan = try PlannerFixture.compiled(
            """
            agents:
            - name: end
              type: expr
              output:
                e: lower(event.e)
            """)
        #expect(PlanGraph.mermaid(plan).contains("    end_[\"end<br/>expr · 0ms\"]"))
    }

    @Test func explainShowsStagesCriticalPathTableAndPasses() throws {
        let text = PlanExplanation.render(try SlackAnalysisTests.martech())
        #expect(text.hasPrefix("plan for `martech_enrichment` (pipeline.yaml): 5 agents in 3 stages\n"))
        #expect(text.contains("stages\n  0  crm_lookup, geocode, sentiment\n  1  ad_attribution\n  2  priority\n"))
        #expect(text.contains("critical path\n  crm_lookup → priority = 545ms (deadline 900ms, 355ms to spare)\n"))
        #expect(text.contains("agent           kind       stage  worst case  earliest  latest start  slack\n"))
        #expect(text.contains("crm_lookup      http           0       540ms       0ms         355ms  355ms  critical\n"))
        #expect(text.contains("  transitive reduction\n    - dropped `geocode` → `priority`: `priority` already waits for `geocode` through `ad_attribution`\n"))
        #expect(text.contains("  dead-agent elimination\n    nothing to change\n"))
    }

    @Test func expressionsPrintAsTheyAreWritten() {
        let expression = PlanExpression.binary(
            .equal,
            .binary(.coalesce, .agent("geocode", ["country"]), .literal(.string("unknown"))),
            .literal(.string("US")))
        #expect(expression.description == "(geocode.country ?? \"unknown\") == \"US\"")
        let nested = PlanExpression.binary(.subtract, .event(["a"]), .binary(.subtract, .event(["b"]), .literal(.int(1))))
        #expect(nested.description == "event.a - (event.b - 1)")
        #expect(PlanExpression.not(.binary(.and, .env("X"), .input(["y"]))).description == "!(env.X && input.y)")
        #expect(PlanExpression.literal(.durationMicroseconds(90_000_000)).description == "1m30s")
    }
}
