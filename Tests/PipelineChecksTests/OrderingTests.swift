import Diagnostics
import PipelineChecks
import Testing

/// One run reports every independent problem, in a deterministic order sorted by position.
@Suite("Recovery and order of diagnostics")
struct OrderingTests {
    /// A file with many independent problems, from every stage of the checker.
    static let manyProblems = """
        pipeline: signup_enrichment
        deadline: 300ms
        agents:
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
          timout: 2s
          method: POST
          retry: 2
          headers:
            Authorization: "Bearer sk_live_abc123def456ghi789"
          output:
            segment: data.segment
        - name: market
          type: expr
          after: [geocode]
          output:
            market: lower(geocod.country)
            tier: crm.segment
            label: upper(geocode.country ?? "unknown")
        - name: scoring
          type: proces
          command: [python3, score.py]
        - name: window
          type: http
          url: "https://x.example/{event.id}"
          timeout: 1.5s
          output:
            country: data.country
        """

    @Test("independent errors across all stages are reported in one run")
    func recoversAndReportsEveryProblem() {
        let result = lint(Self.manyProblems)
        let codes = Set(result.codes)
        // Structure: unknown key, unknown agent type, bad duration.
        #expect(codes.isSuperset(of: [.unknownKey, .unknownAgentType, .badDuration]))
        // References and optionals: unknown agent, unhandled optional.
        #expect(codes.isSuperset(of: [.unknownAgent, .unhandledOptional]))
        // Graph and timing: the default timeout of `crm` × 3 attempts is over 300ms; output collision.
        #expect(codes.isSuperset(of: [.criticalPathOverDeadline, .outputCollision]))
        // Warnings come in the same run.
        #expect(codes.isSuperset(of: [.retryNonIdempotent, .literalSecret]))
        #expect(result.diagnostics.count >= 9, "\(result.rendered)")
    }

    @Test("linting the same file twice gives identical diagnostics and renderings")
    func lintingIsDeterministic() {
        let first = lint(Self.manyProblems)
        let second = lint(Self.manyProblems)
        #expect(first.diagnostics == second.diagnostics)
        #expect(first.rendered == second.rendered)
        for golden in GoldenTests.pipelineNames {
            let a = try? GoldenTests.lintGolden(golden)
            let b = try? GoldenTests.lintGolden(golden)
            #expect(a?.diagnostics == b?.diagnostics, "\(golden)")
        }
    }

    @Test("diagnostics are sorted by position, then code, whatever stage reported them")
    func diagnosticsAreSortedByPosition() {
        let result = lint(Self.manyProblems)
        let diagnostics = result.diagnostics
        for (earlier, later) in zip(diagnostics, diagnostics.dropFirst()) {
            #expect(!Diagnostic.reportingOrder(later, earlier), "\(earlier.code) at \(earlier.range.start.offset) before \(later.code) at \(later.range.start.offset)")
            #expect(earlier.range.start.offset <= later.range.start.offset)
        }
        // The E032 at the deadline (line 2) comes before the parser's and builder's findings.
        #expect(diagnostics.first?.code == .criticalPathOverDeadline)
        #expect(result.diagnostics.map(\.range.start.line) == result.diagnostics.map(\.range.start.line).sorted())
    }

    @Test("diagnostics follow the file, not the dependency order the checker types agents in")
    func orderFollowsTheFileNotTheTypingOrder() {
        // `a` reads `b`, so `b` is typed first; `a`'s error still comes first.
        let result = lint("""
            agents:
            - name: a
              type: expr
              output:
                a_value: lowr(b.b_value)
            - name: b
              type: expr
              output:
                b_value: uper(event.y)
            """)
        #expect(result.diagnostics.map(\.message) == ["unknown function `lowr`", "unknown function `uper`"])
        #expect(result.pipeline?.topologicalOrder == [1, 0])
    }

    @Test("a YAML syntax error stops the file; nothing after it is guessed at")
    func yamlErrorStopsTheFile() {
        let result = lint("agents:\n- name: a\n  type: exprr\n  output: {x: [1, 2}\n")
        #expect(result.codes == [.yamlSyntax])
        #expect(result.pipeline == nil)
    }
}
