import Diagnostics
import PipelineChecks
import Testing

/// `circuit_breaker:`: the forms the language accepts and the mistakes it reports.
@Suite("circuit_breaker")
struct CircuitBreakerTests {
    static func agent(_ breaker: String, type: String = "http") -> String {
        let specific =
            switch type {
            case "http": "  url: \"https://crm.example/users/{event.user_id}\"\n"
            case "expr": ""
            default: "  function: score\n"
            }
        return """
            agents:
            - name: crm
              type: \(type)
            \(specific)  circuit_breaker: \(breaker)
              fallback: skip
              output:
                segment: \(type == "expr" ? "lower(event.user_id)" : "data.segment")
            """
    }

    @Test("accepted forms lint without errors", arguments: [
        "{failures: 3, cooldown: 2s}",
        "{failures: 1, ratio: 0.5, window: 10, cooldown: 500ms}",
        "{ratio: 1}",
        "{}",
        "off",
        "false",
    ])
    func acceptedForms(breaker: String) {
        let result = lint(Self.agent(breaker))
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
    }

    @Test func acceptedOnAFunctionAgent() {
        #expect(!lint(Self.agent("{failures: 2, cooldown: 1s}", type: "function")).hasErrors)
    }

    @Test("bad values are reported where they are", arguments: [
        ("{failures: 0, cooldown: 1s}", DiagnosticCode.invalidValue, "`failures` must be at least 1, found 0", "0"),
        ("{failures: many}", .wrongValueType, "`failures`", "many"),
        ("{window: 1}", .invalidValue, "`window` must be at least 2, found 1", "1"),
        ("{ratio: 1.5}", .invalidValue, "`ratio` must be more than 0 and at most 1, found 1.5", "1.5"),
        ("{ratio: 0}", .invalidValue, "`ratio` must be more than 0 and at most 1, found 0", "0"),
        ("{ratio: half}", .wrongValueType, "`ratio`", "half"),
        ("{cooldown: 0s}", .invalidValue, "`cooldown` must be longer than 0", "0s"),
        ("{cooldown: 10}", .badDuration, "has no unit", "10"),
        ("{failure: 5}", .unknownKey, "failure", "failure"),
        ("on", .wrongValueType, "`circuit_breaker` must be a mapping", "on"),
    ])
    func badValues(breaker: String, code: DiagnosticCode, message: String, pointsAt: String) {
        let result = lint(Self.agent(breaker))
        let found = result.diagnostics(code)
        #expect(found.count == 1, "\(result.rendered)")
        #expect(found.first?.message.contains(message) == true, "\(found.first?.message ?? "none")")
        #expect(found.first.map { $0.text(in: result.file) } == pointsAt)
    }

    @Test func exprAgentsHaveNoCallsToGuard() {
        let result = lint(Self.agent("{failures: 2}", type: "expr"))
        let found = result.diagnostics(.invalidValue)
        #expect(found.count == 1)
        #expect(found.first?.message == "`expr` agents make no calls, so `circuit_breaker` has nothing to guard")
        #expect(found.first.map { $0.text(in: result.file) } == "circuit_breaker")
    }
}
