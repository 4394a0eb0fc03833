import AsyncHTTPClient
import Connectors
import EventJSON
import Foundation
import Runtime
import RuntimeState
import Synchronization
import Testing

/// A real outbox (SQLite file) delivered by the real sink to a real receiver on 127.0.0.1.
final class SinkHarness: Sendable {
    let scratch: Scratch
    let store: StateStore
    let outbox: SinkOutbox
    let sink: WebhookSink
    let stop = StopFlag()
    let finished = Atomic<Bool>(false)
    let task = Mutex<Task<Void, any Error>?>(nil)

    init(receiver: WebhookReceiver, configure: (inout WebhookOptions) -> Void = { _ in }) throws {
        scratch = try Scratch()
        store = try StateStore(path: scratch.path("state.sqlite"))
        outbox = SinkOutbox(keyPrefix: "test-", limit: 10_000, pending: 0)
        var options = WebhookOptions(url: receiver.url, deadLetterPath: scratch.path("webhook-dead.jsonl"))
        options.backoffMilliseconds = 10
        options.maxBackoffMilliseconds = 50
        options.lingerMilliseconds = 20
        options.timeoutMilliseconds = 2000
        configure(&options)
        sink = WebhookSink(store: store, outbox: outbox, options: options, client: HTTPClient.shared)
    }

    /// Commits events `range` to the outbox as the run would (keys `test-N`).
    func add(_ range: ClosedRange<Int>) throws {
        let entries = range.map { OutboxEntry(key: "test-\($0)", bytes: Array(#"{"n":\#($0),"_idempotency_key":"test-\#($0)"}"#.utf8)) }
        try store.commitBatch(checkpoint: nil, outbox: entries)
        outbox.added(entries.count)
    }

    func start() {
        let started = Task { try await self.sink.run(stop: self.stop) { self.finished.load(ordering: .acquiring) } }
        task.withLock { $0 = started }
    }

    /// Lets the sink finish (the input ended) and waits at most `seconds` for it.
    func finish(seconds: Double = 20) async throws -> Bool {
        finished.store(true, ordering: .releasing)
        let done = await eventually(seconds: seconds) { (try? store.outboxCount()) == 0 }
        stop.set()
        if let running = task.withLock({ $0 }) { try await running.value }
        return done
    }

    var deadLetters: [JSONValue] { scratch.lines("webhook-dead.jsonl").compactMap { try? JSONReader.parse($0) } }
}

@Suite(.timeLimit(.minutes(2))) struct WebhookSinkTests {
    @Test func batchesAreCutBySize() async throws {
        let receiver = try await WebhookReceiver.start()
        let harness = try SinkHarness(receiver: receiver) {
            $0.batchSize = 5
            $0.lingerMilliseconds = 60_000
        }
        try harness.add(1...12)
        harness.start()
        let twoFull = await receiver.wait(seconds: 10) { $0.requests.count == 2 }
        #expect(twoFull)
        // The last two wait for more events (linger is a minute) ...
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(receiver.requests.map(\.events.count) == [5, 5])
        // ... until the input ends.
        #expect(try await harness.finish())
        #expect(receiver.requests.map(\.events.count) == [5, 5, 2])
        #expect(receiver.deliveredByKey.count == 12)
        #expect(try harness.store.outboxCount() == 0)
        await receiver.stop()
        harness.scratch.remove()
    }

    @Test func partialBatchIsSentAfterTheLinger() async throws {
        let receiver = try await WebhookReceiver.start()
        let harness = try SinkHarness(receiver: receiver) {
            $0.batchSize = 100
            $0.lingerMilliseconds = 300
        }
        harness.start()
        let added = DispatchTime.now().uptimeNanoseconds
        try harness.add(1...3)
        let sent = await receiver.wait(seconds: 10) { $0.requests.count == 1 }
        #expect(sent)
        let waited = Double((receiver.requests.first?.at ?? added) &- added) / 1e6
        #expect(waited >= 250, "a partial batch was sent after \(waited) ms, before the 300 ms linger")
        #expect(receiver.requests.first?.events.count == 3)
        #expect(try await harness.finish())
        await receiver.stop()
        harness.scratch.remove()
    }

    @Test func idempotencyKeysAreInTheHeaderAndInEachEvent() async throws {
        let receiver = try await WebhookReceiver.start()
        let harness = try SinkHarness(receiver: receiver) { $0.batchSize = 4 }
        try harness.add(1...4)
        harness.start()
        #expect(try await harness.finish())
        let request = try #require(receiver.requests.first)
        #expect(request.headerKeys == ["test-1", "test-2", "test-3", "test-4"])
        #expect(request.events.compactMap { $0.string("_idempotency_key") } == request.headerKeys)
        await receiver.stop()
        harness.scratch.remove()
    }

    @Test func failuresAreRetriedUntilA2xx() async throws {
        // 503, 429, a hang past the client's timeout, 500, then 200.
        let receiver = try await WebhookReceiver.start { index in
            switch index {
            case 0: .status(503)
            case 1: .status(429)
            case 2: .delay(milliseconds: 1500, status: 200)
            case 3: .status(500)
            default: .status(200)
            }
        }
        let harness = try SinkHarness(receiver: receiver) {
            $0.batchSize = 10
            $0.timeoutMilliseconds = 300
        }
        try harness.add(1...6)
        harness.start()
        #expect(try await harness.finish())
        // The hung request is recorded when its handler wakes up, after the client gave up on it.
        let all = await receiver.wait(seconds: 5) { $0.requests.count == 5 }
        #expect(all, "\(receiver.requests.count) requests, expected 5")
        let requests = receiver.requests
        // Every attempt carried the same events and keys.
        #expect(Set(requests.map(\.headerKeys)).count == 1)
        #expect(receiver.deliveredByKey.count == 6)
        #expect(harness.deadLetters.isEmpty)
        #expect(harness.sink.stats.delivered == 6)
        await receiver.stop()
        harness.scratch.remove()
    }

    @Test func clientErrorGoesToDeadLetterAtOnce() async throws {
        let receiver = try await WebhookReceiver.start { _ in .status(422) }
        let harness = try SinkHarness(receiver: receiver) { $0.batchSize = 10 }
        try harness.add(1...3)
        harness.start()
        #expect(try await harness.finish())
        #expect(receiver.requests.count == 1)
        let dead = harness.deadLetters
        #expect(dead.count == 3)
        #expect(dead.allSatisfy { $0.string("reason")?.hasPrefix("HTTP 422") == true && $0.int("attempts") == 1 })
        #expect(dead.compactMap { $0.string("idempotency_key") } == ["test-1", "test-2", "test-3"])
        #expect(dead.compactMap { $0[path: ["event", "n"]] } == [.int(1), .int(2), .int(3)])
        #expect(try harness.store.outboxCount() == 0)
        await receiver.stop()
        harness.scratch.remove()
    }

    @Test func batchGoesToDeadLetterAfterMaxAttempts() async throws {
        let receiver = try await WebhookReceiver.start { _ in .status(500) }
        let harness = try SinkHarness(receiver: receiver) {
            $0.batchSize = 10
            $0.maxAttempts = 3
        }
        try harness.add(1...2)
        harness.start()
        #expect(try await harness.finish())
        #expect(receiver.requests.count == 3)
        let dead = harness.deadLetters
        #expect(dead.count == 2)
        #expect(dead.allSatisfy { $0.string("reason")?.hasPrefix("gave up after 3 attempts: HTTP 500") == true })
        #expect(harness.sink.stats.deadLettered == 2)
        await receiver.stop()
        harness.scratch.remove()
    }

    @Test func attemptsCarryOverARestart() async throws {
        let receiver = try await WebhookReceiver.start { _ in .status(503) }
        let first = try SinkHarness(receiver: receiver) {
            $0.maxAttempts = 4
            $0.backoffMilliseconds = 5_000
        }
        try first.add(1...1)
        first.start()
        // Two attempts fail, then the sink is stopped during its backoff (as on SIGTERM).
        _ = await receiver.wait(seconds: 10) { $0.requests.count >= 1 }
        first.stop.set()
        if let running = first.task.withLock({ $0 }) { try await running.value }
        #expect(try first.store.outboxEvents(limit: 10).map(\.attempts) == [1], "the failed attempt is recorded in the outbox")
        // A new sink on the same state continues the count: three more attempts, then dead letter.
        let options = first.sink.options
        var reopened = options
        reopened.backoffMilliseconds = 10
        let sink = WebhookSink(store: first.store, outbox: first.outbox, options: reopened, client: HTTPClient.shared)
        let stop = StopFlag()
        try await sink.run(stop: stop) { true }
        #expect(receiver.requests.count == 4)
        #expect(first.deadLetters.first?.string("reason")?.hasPrefix("gave up after 4 attempts") == true)
        await receiver.stop()
        first.scratch.remove()
    }
}
