import Diagnostics
import PipelineChecks
import Testing

@Suite("Dependency cycles (E030)")
struct CycleTests {
    @Test("a three-agent cycle prints the whole path, naming every agent and closing the loop")
    func threeAgentCyclePrintsWholePath() throws {
        let result = lint("""
            agents:
            - name: a
              type: expr
              output:
                x: c.z ?? 1
            - name: b
              type: expr
              output:
                y: a.x + 1
            - name: c
              type: expr
              output:
                z: b.y * 2
            """)
        let cycles = result.diagnostics(.dependencyCycle)
        try #require(cycles.count == 1)
        #expect(cycles[0].message == "dependency cycle: `a` → `c` → `b` → `a`")
        // One note per edge of the loop, each pointing at the reference that makes it.
        #expect(cycles[0].notes.map(\.message) == [
            "`a` depends on `c` here",
            "`c` depends on `b` here",
            "`b` depends on `a` here",
        ])
        #expect(cycles[0].notes.map { $0.range.map { result.file.text(of: $0) } } == ["c.z", "b.y", "a.x"])
        #expect(cycles[0].text(in: result.file) == "c.z")
        #expect(result.pipeline?.topologicalOrder == nil)
        #expect(result.pipeline?.criticalPath == nil)
    }

    @Test("a cycle through an `after` entry is reported with the entry as the edge")
    func cycleThroughAfter() throws {
        let result = lint("""
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              after: [score]
              output:
                segment: data.segment
            - name: score
              type: expr
              output:
                band: crm.segment ?? "none"
            """)
        let cycle = try #require(result.diagnostics(.dependencyCycle).first)
        #expect(cycle.message == "dependency cycle: `crm` → `score` → `crm`")
        #expect(cycle.text(in: result.file) == "score")
        #expect(cycle.notes.compactMap { $0.range.map { result.file.text(of: $0) } } == ["score", "crm.segment"])
    }

    @Test("an agent reading its own output depends on itself")
    func selfReference() throws {
        let result = lint("""
            agents:
            - name: counter
              type: expr
              output:
                next: counter.next + 1
            """)
        let cycle = try #require(result.diagnostics(.dependencyCycle).first)
        #expect(cycle.message == "agent `counter` depends on itself")
        #expect(cycle.text(in: result.file) == "counter.next")
        #expect(result.codes == [.dependencyCycle])
    }

    @Test("two separate cycles are reported once each, and agents merely behind a cycle are not named")
    func separateCyclesReportedOnceEach() {
        let result = lint("""
            agents:
            - name: a
              type: expr
              output:
                x: b.y ?? 0
            - name: b
              type: expr
              output:
                y: a.x ?? 0
            - name: downstream
              type: expr
              output:
                total: a.x ?? 0
            - name: c
              type: expr
              after: [d]
              output:
                u: "'c'"
            - name: d
              type: expr
              after: [c]
              output:
                v: "'d'"
            """)
        let messages = result.diagnostics(.dependencyCycle).map(\.message)
        #expect(messages == ["dependency cycle: `a` → `b` → `a`", "dependency cycle: `c` → `d` → `c`"])
        #expect(!messages.joined().contains("downstream"))
    }

    @Test("a cycle does not stop the other checks: unknown names inside it are still reported")
    func cycleDoesNotHideOtherErrors() {
        let result = lint("""
            agents:
            - name: a
              type: expr
              output:
                x: concat(b.y ?? "", geocod.country)
            - name: b
              type: expr
              output:
                y: lowr(a.x ?? "")
            """)
        #expect(result.codes.contains(.dependencyCycle))
        #expect(result.codes.contains(.unknownAgent))
        #expect(result.codes.contains(.unknownFunction))
    }

    @Test("an acyclic graph reports no cycle and has a topological order")
    func acyclicGraphHasOrder() {
        let result = lint("""
            agents:
            - name: second
              type: expr
              output:
                y: first.x + 1
            - name: first
              type: expr
              output:
                x: 1
            """)
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
        #expect(result.pipeline?.topologicalOrder == [1, 0])
    }
}
