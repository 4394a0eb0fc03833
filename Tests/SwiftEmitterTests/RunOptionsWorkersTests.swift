import EnrichRunDriver
import Foundation
import Planner
import Testing

/// How many batches `enrich run` (and a generated binary, which shares its options) works
/// on at once when `--workers` is not given.
@Suite struct RunOptionsWorkersTests {
    static func plan(agentType: String) throws -> Plan {
        let agent = agentType == "http"
            ? "type: http\n    url: \"http://127.0.0.1:9/users/{event.user_id}\"\n    timeout: 100ms"
            : "type: expr"
        let yaml = """
            pipeline: workers
            event:
              user_id: string
            agents:
              - name: crm
                \(agent)
                output:
                  segment: \(agentType == "http" ? "segment" : "event.user_id")
            """
        let fixture = EmitterFixtures.Fixture(name: "workers", path: "workers.yaml", yaml: Array(yaml.utf8))
        return try EmitterFixtures.plan(fixture)
    }

    /// Served or not, an in-process plan awaits nothing: one worker per core.
    @Test func inProcessPlansGetOneWorkerPerCore() throws {
        let plan = try Self.plan(agentType: "expr")
        #expect(try RunOptions.parse([]).workers(for: plan) == ProcessInfo.processInfo.activeProcessorCount)
        #expect(try RunOptions.parse(["--serve", "127.0.0.1:8080"]).workers(for: plan) == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test func servedPlansThatAwaitCallsGetEnoughWorkersToCoverSlowBatches() throws {
        let plan = try Self.plan(agentType: "http")
        let serve = ["--serve", "127.0.0.1:8080"]
        #expect(try RunOptions.parse(serve).workers(for: plan) == max(ProcessInfo.processInfo.activeProcessorCount, 8192 / 32))
        #expect(try RunOptions.parse(serve + ["--max-in-flight", "1024"]).workers(for: plan) == max(ProcessInfo.processInfo.activeProcessorCount, 32))
    }

    /// A file is read as fast as batches are taken: more workers than cores only queue events.
    @Test func fileRunsOfPlansThatAwaitCallsGetOneWorkerPerCore() throws {
        let plan = try Self.plan(agentType: "http")
        #expect(try RunOptions.parse(["--input", "events.jsonl"]).workers(for: plan) == ProcessInfo.processInfo.activeProcessorCount)
        #expect(try RunOptions.parse([]).workers(for: plan) == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test func anExplicitWorkerCountWins() throws {
        #expect(try RunOptions.parse(["--workers", "3"]).workers(for: try Self.plan(agentType: "http")) == 3)
        #expect(throws: (any Error).self) { try RunOptions.parse(["--workers", "0"]) }
    }
}
