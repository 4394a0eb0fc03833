import Testing

@testable import Planner

/// `circuit_breaker:` in the plan: defaults made explicit, `off`, and the plan file form.
@Suite("circuit breaker in the plan")
struct CircuitBreakerPlanTests {
    static func pipeline(http breaker: String?, function functionBreaker: String? = nil) -> String {
        """
        agents:
        - name: crm
          type: http
          url: "https://crm.example/users/{event.user_id}"
        \(breaker.map { "  circuit_breaker: \($0)\n" } ?? "")  fallback: skip
          output:
            segment: data.segment
        - name: score
          type: function
        \(functionBreaker.map { "  circuit_breaker: \($0)\n" } ?? "")  fallback: skip
          input:
            segment: crm.segment
          output:
            score: value
        """
    }

    @Test func httpAgentsGetTheDefaultBreakerAndOthersNone() throws {
        let plan = try PlannerFixture.lowered(Self.pipeline(http: nil))
        #expect(plan.agents[0].circuitBreaker == PlanCircuitBreaker(failures: 5, window: 20, cooldownMicroseconds: 10_000_000))
        #expect(plan.agents[1].circuitBreaker == nil)
    }

    @Test func offTurnsItOff() throws {
        #expect(try PlannerFixture.lowered(Self.pipeline(http: "off")).agents[0].circuitBreaker == nil)
        #expect(try PlannerFixture.lowered(Self.pipeline(http: "false")).agents[0].circuitBreaker == nil)
    }

    @Test func writtenValuesAreKept() throws {
        let plan = try PlannerFixture.lowered(
            Self.pipeline(http: "{failures: 2, ratio: 0.25, window: 8, cooldown: 1m}", function: "{cooldown: 250ms}"))
        #expect(plan.agents[0].circuitBreaker == PlanCircuitBreaker(failures: 2, failureRatio: 0.25, window: 8, cooldownMicroseconds: 60_000_000))
        #expect(plan.agents[1].circuitBreaker == PlanCircuitBreaker(failures: 5, window: 20, cooldownMicroseconds: 250_000))
    }

    @Test func planFileRoundTripsTheBreaker() throws {
        let plan = try PlannerFixture.compiled(Self.pipeline(http: "{failures: 2, ratio: 0.25, window: 8, cooldown: 1m}"))
        let bytes = PlanFile.encode(plan)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"circuitBreaker\""))
        #expect(text.contains("\"failureRatio\": 0.25") || text.contains("\"failureRatio\":0.25"))
        let decoded = try PlanFile.decode(bytes)
        #expect(decoded.agents.map(\.circuitBreaker) == plan.agents.map(\.circuitBreaker))
        #expect(PlanFile.encode(decoded) == bytes)
    }

    @Test func aPlanFileWithABadBreakerIsRejectedWithItsPath() throws {
        let plan = try PlannerFixture.compiled(Self.pipeline(http: "{failures: 2, cooldown: 1s}"))
        let text = String(decoding: PlanFile.encode(plan), as: UTF8.self)
        let broken = text.replacingOccurrences(of: "\"cooldownMicroseconds\": 1000000", with: "\"cooldownMicroseconds\": 0")
            .replacingOccurrences(of: "\"cooldownMicroseconds\":1000000", with: "\"cooldownMicroseconds\":0")
        #expect(broken != text)
        #expect(throws: PlanFileError.self) { try PlanFile.decode(Array(broken.utf8)) }
    }
}
