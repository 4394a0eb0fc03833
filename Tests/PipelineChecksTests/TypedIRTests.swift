import Diagnostics
import PipelineChecks
import PipelineSyntax
import Testing

/// The typed IR (`Linter.Result.pipeline`) the planner starts from.
@Suite("Typed IR")
struct TypedIRTests {
    /// A small DAG, deliberately not in dependency order in the file:
    ///
    ///     geocode ─┬──────────────► tag
    ///              └─(after)─► offers ─┘
    ///     crm ───────────────► offers
    static let dag = """
        agents:
        - name: tag
          type: expr
          output:
            label: concat(offers.offer ?? "none", "/", geocode.country ?? "??")
        - name: offers
          type: http
          url: "https://offers.example/best?segment={crm.segment ?? 'none'}"
          timeout: 200ms
          after: [geocode]
          output:
            offer: data.offer
        - name: geocode
          type: geoip
          database: geo.csv
          input:
            ip: event.ip
          output:
            country: country
        - name: crm
          type: http
          url: "https://crm.example/users/{event.user_id}"
          timeout: 300ms
          retry: {attempts: 2, backoff: 100ms, jitter: false}
          output:
            segment: data.segment
            score: {path: data.score, type: float}
        """

    static func checked() throws -> CheckedPipeline {
        let result = lint(dag)
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
        return try #require(result.pipeline)
    }

    @Test("each agent's dependencies and dependents, from references and `after`")
    func dependencies() throws {
        let pipeline = try Self.checked()
        #expect(pipeline.agents.map(\.name) == ["tag", "offers", "geocode", "crm"])
        #expect(pipeline.agents.map(\.dependencies) == [[1, 2], [2, 3], [], []])
        #expect(pipeline.agents.map(\.dependents) == [[], [0], [0, 1], [1]])
        #expect(pipeline.agentIndex(named: "crm") == 3)
        #expect(pipeline.agentIndex(named: "nobody") == nil)
    }

    @Test("the topological order puts every agent after what it depends on, ties in file order")
    func topologicalOrder() throws {
        let pipeline = try Self.checked()
        let order = try #require(pipeline.topologicalOrder)
        #expect(order == [2, 3, 1, 0])
        for (position, index) in order.enumerated() {
            for dependency in pipeline.agents[index].dependencies {
                #expect(order.firstIndex(of: dependency)! < position)
            }
        }
    }

    @Test("the critical path is the slowest chain with its worst-case total")
    func criticalPath() throws {
        // crm: 300ms × 2 + 100ms (no jitter) = 700ms; offers 200ms after it: 900ms;
        // tag (expr) and geocode (geoip) run in process: 0. Chain crm → offers → tag.
        let pipeline = try Self.checked()
        #expect(pipeline.agents.map(\.worstCase) == [.zero, .milliseconds(200), .zero, .milliseconds(700)])
        #expect(pipeline.agents.map(\.effectiveTimeout) == [.zero, .milliseconds(200), .zero, .milliseconds(300)])
        let path = try #require(pipeline.criticalPath)
        #expect(path.agents.map { pipeline.agents[$0].name } == ["crm", "offers", "tag"])
        #expect(path.total == .milliseconds(900))
    }

    @Test("output types are what consumers see: optional unless guaranteed")
    func outputTypes() throws {
        let pipeline = try Self.checked()
        // An expr agent's outputs take the expressions' types; `concat` gives a string.
        #expect(pipeline.agents[0].outputTypes == ["label": .string])
        // An http result is `json` unless declared; the default fallback (`skip`) makes it optional.
        #expect(pipeline.agents[1].outputTypes == ["offer": ValueType(.json, optional: true)])
        #expect(pipeline.agents[2].outputTypes == ["country": ValueType(.string, optional: true)])
        #expect(pipeline.agents[3].outputTypes == ["segment": ValueType(.json, optional: true), "score": ValueType(.float, optional: true)])
    }

    @Test("the IR is still built when the file has errors")
    func irDespiteErrors() throws {
        let result = lint("""
            agents:
            - name: a
              type: expr
              output:
                x: lowr(event.x)
            - name: b
              type: expr
              output:
                y: a.x
            """)
        #expect(result.hasErrors)
        let pipeline = try #require(result.pipeline)
        #expect(pipeline.agents.map(\.dependencies) == [[], [0]])
        #expect(pipeline.topologicalOrder == [0, 1])
    }
}
