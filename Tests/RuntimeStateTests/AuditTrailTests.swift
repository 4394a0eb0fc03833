import Foundation
import Testing
@testable import RuntimeState

@Suite("Audit trail")
struct AuditTrailTests {
    @Test("a batch is inserted whole, in order, and counted by status", arguments: Backend.allCases)
    func batchInsertAndCounts(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        let statuses: [AuditStatus] = [.complete, .partial, .failed, .duplicate, .deadLetter]
        // 1,001 rows: several full multi-row statements and a short last one.
        let records = (1...1_001).map { audit(Int64($0), statuses[$0 % statuses.count], at: t0.addingTimeInterval(Double($0))) }
        try store.appendAudit(records)
        try store.appendAudit([])

        #expect(try store.auditCount() == 1_001)
        #expect(try store.auditCount(status: .deadLetter) == 200)
        let counts = try store.auditCounts()
        #expect(counts == [.complete: 200, .partial: 201, .failed: 200, .duplicate: 200, .deadLetter: 200])

        let firstTwo = try store.auditRecords(limit: 2)
        #expect(firstTwo == Array(records.prefix(2)))
        let last = try store.auditRecords(limit: 10, offset: 1_000)
        #expect(last == [records[1_000]])
    }

    @Test("agent outcomes are stored as compact JSON and decode back")
    func agentOutcomeJSON() throws {
        let outcomes = [
            AgentOutcome(agent: "crm_lookup", outcome: .staleCache, attempts: 3, latencyMicros: 2_000_123),
            AgentOutcome(agent: "we\"ird\\name\n", outcome: .default, attempts: 0, latencyMicros: 0),
        ]
        let json = AgentOutcome.json(outcomes)
        #expect(json == #"[{"agent":"crm_lookup","outcome":"stale_cache","attempts":3,"latency_us":2000123},{"agent":"we\"ird\\name\n","outcome":"default","attempts":0,"latency_us":0}]"#)
        let record = AuditRecord(eventID: "e", sequence: 1, status: .partial, agents: outcomes, totalLatencyMicros: 5, timestamp: t0)
        #expect(try record.agentOutcomes() == outcomes)
        #expect(AgentOutcome.json([]) == "[]")

        let store = try StateStore(path: ":memory:")
        try store.appendAudit([record])
        #expect(try store.auditRecords(limit: 1).first?.agentOutcomes() == outcomes)
    }

    @Test("every outcome and status has the spelling of the design")
    func vocabulary() {
        #expect(AuditStatus.allCases.map(\.rawValue) == ["complete", "partial", "failed", "duplicate", "dead_letter"])
        #expect(AgentOutcomeKind.allCases.map(\.rawValue) == ["ok", "cached", "stale_cache", "default", "skipped", "failed", "timeout"])
    }
}
