import PipelineSyntax
import Testing

@Suite("Durations")
struct DurationTests {
    @Test(arguments: [
        ("250ms", Int64(250_000)), ("2s", 2_000_000), ("1m30s", 90_000_000), ("1h", 3_600_000_000), ("0", 0), ("15us", 15),
    ])
    func validDurationsParse(text: String, microseconds: Int64) {
        #expect(PipelineDuration.parse(text) == .success(PipelineDuration(microseconds: microseconds)))
    }

    @Test(arguments: [
        ("500", PipelineDuration.ParseError.missingUnit(500)),
        ("1.5s", .fraction),
        ("-1s", .negative),
        ("2 seconds", .unknownUnit("seconds")),
        ("2d", .unknownUnit("d")),
        ("", .empty),
        ("ms", .malformed),
        ("99999999999999999999s", .overflow),
    ])
    func invalidDurationsSayWhy(text: String, error: PipelineDuration.ParseError) {
        #expect(PipelineDuration.parse(text) == .failure(error))
    }

    @Test func descriptionIsTheShortestExactSpelling() {
        #expect(PipelineDuration.milliseconds(1350).description == "1350ms")
        #expect(PipelineDuration(microseconds: 90_000_000).description == "1m30s")
        #expect(PipelineDuration.zero.description == "0ms")
        #expect(PipelineDuration(microseconds: 1500).description == "1500us")
    }
}
