import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// Waiting for one of an agent's `concurrency` slots is bounded by what is left of the
    /// event's deadline, like every other wait: a queue of events that started later (so
    /// their deadlines are later) must not keep this event waiting past its own.
    @Suite struct ConcurrencyWaitDeadlineTests {
        static let pipeline = """
            pipeline: slot_wait
            deadline: 600ms
            agents:
              - name: pre
                type: function
                timeout: 350ms
                input:
                  id: event.id
                output:
                  ready: value
              - name: crm
                type: function
                timeout: 250ms
                concurrency: 1
                input:
                  ready: pre.ready ?? "none"
                output:
                  segment: value
            """

        static func event(_ id: String) throws -> JSONValue { try JSONReader.parse(Array("{\"id\":\"\(id)\"}".utf8)) }

        @Test func anEventWaitingForASlotGivesUpAtItsDeadline() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let log = CallLog()
            // `late` spends 350 ms in `pre` (its timeout). Three events started 200 ms after it
            // ask for crm's only slot first; each call times out after 250 ms or at its event's
            // deadline, so the slot is held until ~800 ms, past `late`'s deadline at 600 ms.
            let pre = AgentCall.awaited { request in
                if request.inputs["id"] == .string("late") { try? await Task.sleep(nanoseconds: 1_000_000_000) }
                return .object(JSONObject([("value", .string("ok"))]))
            }
            let executor = try PreparedPipeline(
                plan: plan, calls: TestCalls(["pre": pre, "crm": Behaviour.slow("crm", milliseconds: 5_000, log: log)]),
                cachePersistence: nil, environment: [:], wallClock: { Int64(Date().timeIntervalSince1970 * 1e6) }
            ).makeInterpreter()
            let events = try ["late", "e1", "e2", "e3"].map(Self.event)
            let late = try await bounded(seconds: 10) { () async -> EventResult in
                async let late: EventResult = executor.process(events[0], resuming: nil as PlanExecutor.InlineProgress?)
                try? await Task.sleep(nanoseconds: 200_000_000)
                await withTaskGroup(of: Void.self) { group in
                    for event in events.dropFirst() {
                        group.addTask { _ = await executor.process(event, resuming: nil as PlanExecutor.InlineProgress?) }
                    }
                }
                return await late
            }
            #expect(log.count("crm") == 3, "the three later events hold the slot in turn; `late` never gets it")
            let crm = try #require(late.reports.first { $0.agent == "crm" })
            #expect(crm.attempts == 0)
            #expect(crm.reason?.contains("deadline passed while waiting for one of `crm`'s 1 concurrent calls") == true, "\(crm.reason ?? "no reason")")
            // Before the bound, the wait lasted until the third event let go, ~800 ms.
            #expect(late.latencyMicroseconds < 700_000, "the event took \(late.latencyMicroseconds) µs against a 600 ms deadline")
            #expect(late.latencyMicroseconds >= 590_000, "the event gave up \(late.latencyMicroseconds) µs in, before its deadline")
        }
    }
}
