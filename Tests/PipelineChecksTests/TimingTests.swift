import Diagnostics
import PipelineChecks
import PipelineSyntax
import Testing

/// Worst-case timing: `timeout × attempts + Σ backoffs`, the backoff before retry k being
/// `min(backoff × 2^(k-1), max_backoff)`, doubled with jitter (on by default). Every
/// expected figure below is worked out by hand in the comment above it.
@Suite("Timing against the deadline (E031, E032)")
struct TimingTests {
    @Test("the deadline check names the slowest chain and its worst-case figure")
    func criticalPathNamesSlowestChainAndFigure() throws {
        // crm: 300ms × 3 attempts (retry: 2) + backoffs 100ms×2 + 200ms×2 (jitter) = 900ms + 600ms = 1500ms
        // offers: 200ms, after crm: chain crm → offers = 1700ms
        // geocode (in-process, 0) → tag (expr, 0) runs in parallel and is not the slowest chain.
        let result = lint("""
            deadline: 1s
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              timeout: 300ms
              retry: 2
              output:
                segment: data.segment
            - name: offers
              type: http
              url: "https://offers.example/best?segment={crm.segment ?? 'none'}"
              timeout: 200ms
              output:
                offer: data.offer
            - name: geocode
              type: geoip
              database: geo.csv
              input:
                ip: event.ip
              output:
                country: country
            """)
        #expect(result.codes == [.criticalPathOverDeadline], "\(result.rendered)")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.message == "worst-case critical path takes 1700ms, over the 1s deadline")
        #expect(diagnostic.text(in: result.file) == "1s")
        #expect(diagnostic.notes.map(\.message) == [
            "slowest chain: `crm` → `offers` = 1700ms",
            "`crm`: 300ms × 3 attempts + 600ms backoff = 1500ms",
            "`offers`: 200ms",
        ])
        let pipeline = try #require(result.pipeline)
        #expect(pipeline.criticalPath?.agents.map { pipeline.agents[$0].name } == ["crm", "offers"])
        #expect(pipeline.criticalPath?.total == .milliseconds(1700))
    }

    @Test("backoff doubles up to max_backoff, and jitter: false does not double it")
    func backoffIsCappedByMaxBackoff() throws {
        // 5 attempts of 100ms = 500ms; backoffs min(100,300) + min(200,300) + min(400,300) + min(800,300)
        // = 100 + 200 + 300 + 300 = 900ms; total 1400ms.
        let result = lint("""
            deadline: 1s
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              timeout: 100ms
              retry: {attempts: 5, backoff: 100ms, max_backoff: 300ms, jitter: false}
              output:
                segment: data.segment
            """)
        let diagnostic = try #require(result.diagnostics(.criticalPathOverDeadline).first)
        #expect(diagnostic.message == "worst-case critical path takes 1400ms, over the 1s deadline")
        #expect(diagnostic.notes.map(\.message).last == "`crm`: 100ms × 5 attempts + 900ms backoff = 1400ms")
        #expect(result.pipeline?.agents[0].worstCase == .milliseconds(1400))
    }

    @Test("worst case of one agent, by hand", arguments: [
        // No retry: just the timeout.
        ("timeout: 250ms", 250),
        // retry: 1 → 2 attempts, one backoff of 100ms doubled by jitter: 500 + 200.
        ("timeout: 250ms\n  retry: 1", 700),
        // Long form counts attempts in total; 3 × 50 + (20 + 40) × 2 = 150 + 120.
        ("timeout: 50ms\n  retry: {attempts: 3, backoff: 20ms}", 270),
        // max_backoff caps every pause; 4 × 10 + (5 + 8 + 8) = 40 + 21.
        ("timeout: 10ms\n  retry: {attempts: 4, backoff: 5ms, max_backoff: 8ms, jitter: false}", 61),
        // attempts: 1 means no retry, so no backoff.
        ("timeout: 10ms\n  retry: {attempts: 1, backoff: 5s}", 10),
        // No timeout: the default 1s.
        ("retry: 0", 1000),
    ])
    func worstCaseOfOneAgent(settings: String, milliseconds: Int64) throws {
        let result = lint("""
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              \(settings)
              output:
                segment: data.segment
            """)
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
        let agent = try #require(result.pipeline?.agents.first)
        #expect(agent.worstCase == .milliseconds(milliseconds))
    }

    @Test("an agent without a timeout uses the default 1s, capped by the deadline; in-process agents cost nothing")
    func defaultTimeouts() throws {
        let result = lint("""
            deadline: 400ms
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              output:
                segment: data.segment
            - name: tag
              type: expr
              output:
                channel: "'web'"
            """)
        let pipeline = try #require(result.pipeline)
        #expect(pipeline.agents[0].effectiveTimeout == .milliseconds(400))
        #expect(pipeline.agents[1].effectiveTimeout == .zero)
        #expect(pipeline.agents[1].worstCase == .zero)
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
    }

    @Test("the default timeout is named as such in the chain's figures")
    func defaultTimeoutIsNamedInNotes() throws {
        // Without a deadline cap below 1s: the default 1s + 1s = 2s against 1500ms.
        let result = lint("""
            deadline: 1500ms
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              output:
                segment: data.segment
            - name: offers
              type: http
              url: "https://offers.example/best?segment={crm.segment ?? 'none'}"
              output:
                offer: data.offer
            """)
        let diagnostic = try #require(result.diagnostics(.criticalPathOverDeadline).first)
        #expect(diagnostic.message == "worst-case critical path takes 2s, over the 1500ms deadline")
        #expect(diagnostic.notes.map(\.message) == [
            "slowest chain: `crm` → `offers` = 2s",
            "`crm`: 1s (default timeout)",
            "`offers`: 1s (default timeout)",
        ])
    }

    @Test("parallel agents cost only the slowest of them")
    func parallelAgentsDoNotAddUp() {
        // Three 400ms calls side by side: 400ms, within 500ms.
        let agents = ["a", "b", "c"].map { name in
            """
            - name: \(name)
              type: http
              url: "https://\(name).example/{event.id}"
              timeout: 400ms
              output:
                \(name)_value: data.value
            """
        }.joined(separator: "\n")
        let result = lint("deadline: 500ms\nagents:\n" + agents + "\n")
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
        #expect(result.pipeline?.criticalPath?.total == .milliseconds(400))
    }

    @Test("E031: a timeout over the deadline is reported at the timeout, with the deadline as a note and a fix-it")
    func timeoutOverDeadline() throws {
        let result = lint("""
            deadline: 500ms
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              timeout: 2s
              output:
                segment: data.segment
            """)
        // The chain through `crm` is over the deadline for the same reason: no E032 on top.
        #expect(result.codes == [.timeoutOverDeadline], "\(result.rendered)")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.message == "timeout of `crm` (2s) is longer than the pipeline's 500ms deadline")
        #expect(diagnostic.text(in: result.file) == "2s")
        #expect(diagnostic.notes.first?.range.map { result.file.text(of: $0) } == "500ms")
        #expect(diagnostic.fixIts.map(\.replacement) == ["500ms"])
    }

    @Test("a timeout equal to the deadline is allowed")
    func timeoutEqualToDeadline() {
        let result = lint("""
            deadline: 500ms
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              timeout: 500ms
              output:
                segment: data.segment
            """)
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
    }

    @Test("a slower chain that avoids the over-deadline agent is still reported")
    func slowerChainBesideTimeoutOverDeadline() throws {
        // slow: 2s (E031). retrying: 900ms × 3 + (100 + 200) × 2 = 2700 + 600 = 3300ms, then
        // offers 100ms: chain retrying → offers = 3400ms, slower than `slow` and not through it.
        let result = lint("""
            deadline: 1s
            agents:
            - name: slow
              type: http
              url: "https://slow.example/{event.id}"
              timeout: 2s
              output:
                slow_value: data.value
            - name: retrying
              type: http
              url: "https://retrying.example/{event.id}"
              timeout: 900ms
              retry: 2
              output:
                retried: data.value
            - name: offers
              type: http
              url: "https://offers.example/{retrying.retried ?? 'none'}"
              timeout: 100ms
              output:
                offer: data.offer
            """)
        #expect(result.codes == [.criticalPathOverDeadline, .timeoutOverDeadline], "\(result.rendered)")
        let chain = try #require(result.diagnostics(.criticalPathOverDeadline).first)
        #expect(chain.message == "worst-case critical path takes 3400ms, over the 1s deadline")
        #expect(chain.notes.first?.message == "slowest chain: `retrying` → `offers` = 3400ms")
    }

    @Test("without a deadline there are no timing errors, however slow the agents")
    func noDeadlineNoTimingErrors() throws {
        let result = lint("""
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              timeout: 1h
              retry: {attempts: 10, backoff: 1m, jitter: false}
              output:
                segment: data.segment
            """)
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
        // 10 × 1h, plus 9 pauses: min(1m × 2^(k-1), 5s) with the default max_backoff of 5s
        // is 5s each, jitter off: 45s.
        #expect(result.pipeline?.agents[0].worstCase == PipelineDuration(microseconds: (10 * 3600 + 45) * 1_000_000))
    }
}
