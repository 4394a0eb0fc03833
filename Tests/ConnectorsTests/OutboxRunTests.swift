import EventJSON
import Foundation
import Runtime
import RuntimeState
import Testing

/// The runner's outbox output: enriched events enter the outbox with their checkpoint.
@Suite(.timeLimit(.minutes(1))) struct OutboxRunTests {
    @Test func enrichedEventsEnterTheOutboxKeyedByLineWithTheirCheckpoint() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var lines: [String] = []
        for n in 1...20 { lines.append(n == 7 || n == 13 ? "{\"n\":\(n),broken" : "{\"n\":\(n)}") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: scratch.path("in.jsonl"), atomically: true, encoding: .utf8)
        let state = try SQLiteRunState(path: scratch.path("state.sqlite"))
        let plan = try LabelPipeline.plan()

        func run() async throws -> RunSummary {
            let runner = try EventStreamRunner(
                plan: plan, calls: ExprOnlyCalls(), codec: JSONLinesCodec(plan: plan), state: state, cachePersistence: state, environment: [:])
            let outbox = SinkOutbox(keyPrefix: "k-", limit: 1000, pending: try state.store.outboxCount())
            var configuration = RunConfiguration(input: .file(scratch.path("in.jsonl")), output: .outbox(outbox), deadLetterPath: scratch.path("dead.jsonl"))
            configuration.batchSize = 4
            return try await runner.run(configuration)
        }

        let summary = try await run()
        #expect(summary.events == 20)
        let rows = try state.store.outboxEvents(limit: 100)
        let expected = (1...20).filter { $0 != 7 && $0 != 13 }
        #expect(rows.map(\.key) == expected.map { "k-\($0)" })
        for row in rows {
            let event = try JSONReader.parse(row.bytes)
            #expect(event.string("_idempotency_key") == row.key)
            #expect(event.string("label") == "n-\(event.int("n") ?? -1)")
        }
        #expect(scratch.lines("dead.jsonl").count == 2)
        let source = URL(fileURLWithPath: scratch.path("in.jsonl")).standardizedFileURL.path
        #expect(try state.checkpoint(for: source)?.inputLine == 20)
        // Run again: the checkpoint is past every line, so nothing enters the outbox twice.
        _ = try await run()
        #expect(try state.store.outboxCount() == expected.count)
    }
}
