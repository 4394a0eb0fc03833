import Diagnostics
import PipelineChecks
import PipelineSyntax
import Testing

/// Outputs of an agent that may produce nothing are optional to consumers, who must say
/// what happens when they are missing (E025): a default, a guard, or `fallback: skip`.
@Suite("Optional values (E025)")
struct OptionalTests {
    /// `geocode` (may be skipped: no fallback means `skip`) and a consumer `market`.
    static func pipeline(producer: String = "", consumer: String) -> String {
        """
        agents:
        - name: geocode
          type: geoip
          database: geo.csv
          input:
            ip: event.ip
        \(producer.isEmpty ? "" : "  " + producer + "\n")  output:
            country: country
            city: city
        - name: market
          type: expr
        \(consumer)
        """
    }

    @Test("an unhandled optional reference is reported at the reference, with the producer's reason")
    func unhandledOptionalIsReported() throws {
        let result = lint(Self.pipeline(consumer: """
              output:
                market: lower(geocode.country)
            """))
        #expect(result.codes == [.unhandledOptional], "\(result.rendered)")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.text(in: result.file) == "geocode.country")
        #expect(diagnostic.message == "`geocode.country` may be missing, and output `market` of `market` does not say what to do then")
        #expect(diagnostic.notes.map(\.message) == ["`geocode` has no `fallback`, so it is skipped when it fails"])
        #expect(diagnostic.fixIts.map(\.replacement) == ["(geocode.country ?? \"unknown\")"])
    }

    @Test("each way of handling the missing case silences E025", arguments: [
        // A default with `??`.
        "  output:\n    market: lower(geocode.country ?? \"unknown\")",
        // A default with coalesce.
        "  output:\n    market: lower(coalesce(geocode.country, \"unknown\"))",
        // A guard that mentions the path.
        "  when: geocode.country != null\n  output:\n    market: lower(geocode.country)",
        // A guard that mentions the path in any condition.
        "  when: geocode.country == \"FR\" || geocode.country == \"BE\"\n  output:\n    market: lower(geocode.country)",
        // An explicit `fallback: skip` on the consumer.
        "  fallback: skip\n  output:\n    market: lower(geocode.country)",
        // A comparison with null handles the missing case itself.
        "  output:\n    has_country: geocode.country != null",
    ])
    func handledOptionalIsNotReported(consumer: String) {
        let result = lint(Self.pipeline(consumer: consumer))
        #expect(!result.codes.contains(.unhandledOptional), "\(result.rendered)")
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
    }

    @Test("a guard on one path does not cover another path of the same agent")
    func guardCoversOnlyItsPath() throws {
        let result = lint(Self.pipeline(consumer: """
              when: geocode.country != null
              output:
                place: concat(geocode.country, geocode.city)
            """))
        let diagnostics = result.diagnostics(.unhandledOptional)
        #expect(diagnostics.map { $0.text(in: result.file) } == ["geocode.city"])
    }

    @Test("`fallback: skip` silences E025 only when written on the consumer, not by default")
    func onlyExplicitSkipOnConsumerCounts() {
        let defaulted = lint(Self.pipeline(consumer: "  output:\n    market: lower(geocode.country)"))
        #expect(defaulted.codes == [.unhandledOptional])
        let cacheFallback = lint(Self.pipeline(consumer: "  fallback: cache\n  output:\n    market: lower(geocode.country)"))
        #expect(cacheFallback.codes == [.unhandledOptional])
    }

    @Test("`fallback: {default: ...}` makes the covered field non-optional, and only that field")
    func defaultFallbackCoversItsFields() throws {
        let producer = "fallback: {default: {country: \"unknown\"}}"
        let covered = lint(Self.pipeline(producer: producer, consumer: "  output:\n    market: lower(geocode.country)"))
        #expect(covered.diagnostics.isEmpty, "\(covered.rendered)")
        let types = try #require(covered.pipeline?.agents.first?.outputTypes)
        #expect(types["country"] == .string)
        #expect(types["city"] == ValueType(.string, optional: true))

        let uncovered = lint(Self.pipeline(producer: producer, consumer: "  output:\n    market: lower(geocode.city)"))
        #expect(uncovered.codes == [.unhandledOptional])
        #expect(uncovered.diagnostics.first?.notes.first?.message == "`geocode`'s `fallback: default` does not cover this field")
    }

    @Test("`fallback: fail` makes every output non-optional")
    func failFallbackMakesOutputsNonOptional() throws {
        let result = lint(Self.pipeline(producer: "fallback: fail", consumer: "  output:\n    place: concat(geocode.country, geocode.city)"))
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
        let types = try #require(result.pipeline?.agents.first?.outputTypes)
        #expect(types == ["country": .string, "city": .string])
    }

    @Test("a `when` guard on the producer makes its outputs optional even with `fallback: fail`")
    func producerGuardWinsOverFail() throws {
        let result = lint(Self.pipeline(
            producer: "when: event.ip != null\n  fallback: fail",
            consumer: "  output:\n    market: lower(geocode.country)"))
        #expect(result.codes == [.unhandledOptional])
        #expect(result.diagnostics.first?.notes.first?.message == "`geocode` runs only when its `when` guard holds")
        #expect(result.pipeline?.agents.first?.outputTypes["country"] == ValueType(.string, optional: true))
    }

    @Test("a missing value in the consumer's own `when` guard just makes the guard false")
    func optionalInGuardIsFine() {
        let result = lint(Self.pipeline(consumer: "  when: geocode.country == \"FR\"\n  output:\n    label: \"'french'\""))
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
    }

    @Test("E025 is reported in every place an expression can read another agent")
    func reportedInUrlHeaderAndInput() {
        let result = lint("""
            agents:
            - name: geocode
              type: geoip
              database: geo.csv
              input:
                ip: event.ip
              output:
                country: country
            - name: offers
              type: http
              url: "https://offers.example/{geocode.country}"
              headers:
                X-Country: "{geocode.country}"
              input:
                country: geocode.country
              output:
                offer: data.offer
            """)
        let texts = result.diagnostics(.unhandledOptional).map { result.file.text(of: $0.range) }
        #expect(texts == ["geocode.country", "geocode.country", "geocode.country"])
        #expect(result.diagnostics(.unhandledOptional).map(\.range.start.line) == [11, 13, 15])
    }
    @Test("a value that is optional in itself is reported with that reason, not a fallback it does not have")
    func optionalValueOfASureProducer() throws {
        let result = lint("""
            agents:
            - name: parse
              type: expr
              output:
                seats: to_int(event.seats)
            - name: crm
              type: http
              url: "https://crm.example/users/{event.user_id}"
              fallback: fail
              output:
                nickname: {path: data.nickname, type: string?}
            - name: label
              type: expr
              output:
                seats_plus_one: parse.seats + 1
                nick: upper(crm.nickname)
            """)
        #expect(result.codes == [.unhandledOptional, .unhandledOptional], "\(result.rendered)")
        #expect(result.diagnostics.map { $0.notes.first?.message } == [
            "the value of `parse.seats` is itself optional (`int?`)",
            "the value of `crm.nickname` is itself optional (`string?`)",
        ])
        #expect(result.diagnostics.map { $0.notes.first?.range?.start.line } == [5, 11])
    }
}
