import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// An awaited agent whose answer is cached, or whose circuit is open, needs no call:
    /// the event finishes on the inline path, with the same outcome the awaiting path gives.
    @Suite struct SettledWithoutCallTests {
        static let pipeline = """
            pipeline: settled
            agents:
              - name: crm
                type: function
                timeout: 1s
                cache: {key: event.user_id, ttl: 5m}
                circuit_breaker: {failures: 2, cooldown: 1m}
                input:
                  user_id: event.user_id
                output:
                  segment: segment
              - name: tag
                type: expr
                output:
                  vip: (crm.segment ?? "none") == "vip"
            """

        static func executor(_ call: AgentCall) throws -> PlanExecutor {
            let plan = try Pipelines.plan(Self.pipeline)
            return try PreparedPipeline(
                plan: plan, calls: TestCalls(["crm": call]), cachePersistence: nil, environment: [:],
                wallClock: { Int64(Date().timeIntervalSince1970 * 1e6) }
            ).makeInterpreter()
        }

        static func event(_ user: String) throws -> JSONValue { try JSONReader.parse(Array("{\"id\":\"e\",\"user_id\":\"\(user)\"}".utf8)) }

        @Test func aCachedAnswerOfAnAwaitedAgentFinishesInline() async throws {
            let log = CallLog()
            let executor = try Self.executor(Behaviour.slow("crm", milliseconds: 1, log: log) { _ in .object(JSONObject([("segment", .string("vip"))])) })
            let firstStep: PlanExecutor.InlineOutcome = executor.processInline(try Self.event("u1"))
            guard case .needsAwait(let progress) = firstStep else {
                Issue.record("the first event must await the call")
                return
            }
            let first = await executor.process(try Self.event("u1"), resuming: progress)
            #expect(first.reports.first?.outcome == .ok)
            let secondStep: PlanExecutor.InlineOutcome = executor.processInline(try Self.event("u1"))
            guard case .finished(let second) = secondStep else {
                Issue.record("a cached answer must not need the awaiting path")
                return
            }
            #expect(log.count("crm") == 1)
            #expect(second.reports.map(\.outcome) == [AgentOutcome.cached, .ok])
            #expect(second.fields.contains { $0.0 == "segment" && $0.1 == JSONValue.string("vip") })
            #expect(second.fields.contains { $0.0 == "vip" && $0.1 == JSONValue.bool(true) }, "agents after the settled one still run")
            // Another user is not cached: that event still awaits.
            let otherStep: PlanExecutor.InlineOutcome = executor.processInline(try Self.event("u2"))
            guard case .needsAwait = otherStep else {
                Issue.record("an uncached user must await the call")
                return
            }
        }

        @Test func anOpenCircuitFallsBackInlineWithoutCalling() async throws {
            let log = CallLog()
            let executor = try Self.executor(Behaviour.broken("crm", retryable: true, log: log))
            for user in ["u1", "u2"] {
                let result: EventResult = await executor.process(try Self.event(user), resuming: nil as PlanExecutor.InlineProgress?)
                #expect(result.reports.first?.outcome == .skipped)
            }
            #expect(log.count("crm") == 2)
            let refusedStep: PlanExecutor.InlineOutcome = executor.processInline(try Self.event("u3"))
            guard case .finished(let refused) = refusedStep else {
                Issue.record("an open circuit must not need the awaiting path")
                return
            }
            #expect(log.count("crm") == 2, "an open circuit calls nothing")
            #expect(refused.reports.first?.outcome == .skipped)
            #expect(refused.reports.first?.attempts == 0)
            #expect(refused.reports.first?.reason?.hasPrefix("circuit open") == true)
            // The awaiting path settles it the same way.
            let awaited: EventResult = await executor.process(try Self.event("u4"), resuming: nil as PlanExecutor.InlineProgress?)
            #expect(awaited.reports.first?.reason == refused.reports.first?.reason)
            #expect(awaited.reports.first?.outcome == refused.reports.first?.outcome)
            #expect(log.count("crm") == 2)
        }
    }
}
