import EventJSON
import Foundation
import Planner

/// A batch of input lines on its way through the pipeline.
struct InputBatch: Sendable {
    let sequence: Int
    let lines: [InputLine]
}

/// What a processed batch hands to the writer.
struct BatchResult: Sendable {
    let sequence: Int
    var output: [UInt8] = []
    var deadLetter: [UInt8] = []
    var audit: [AuditEntry] = []
    /// The input line (or queue id) of each line in `output`, for idempotency keys.
    var outputLines: [Int64] = []
    let endOffset: Int64
    let endLine: Int64
    let eventCount: Int
}

/// Runs batches through the plan on one worker: decode, dedup, execute, encode.
///
/// Events that only need in-process agents run inline one after another; those that
/// need awaited calls are gathered and run concurrently, so one slow call does not
/// hold up the events beside it.
struct BatchWorker {
    let executor: any EventProcessor
    let codec: any EventCodec
    let state: (any RunStateStore)?
    let dedup: PlanDedup?
    /// Names the input in dedup origins, so line 7 of one file is not line 7 of another.
    let source: String
    /// Makes batches check dedup keys in input order, whichever worker holds them.
    let dedupTurns: DedupTurns?
    var lineCodec: any EventLineCodec
    /// Where this worker records its events' figures.
    let board: MetricsBoard
    let slot: Int

    /// `agentNames`: the plan's agents in order (reports carry their index); the worker
    /// records into `board`'s `slot`.
    init(
        executor: any EventProcessor, agentNames: [String], dedup: PlanDedup?, codec: any EventCodec, state: (any RunStateStore)?,
        source: String, dedupTurns: DedupTurns?, board: MetricsBoard, slot: Int
    ) {
        self.executor = executor
        self.codec = codec
        self.state = state
        self.dedup = dedup
        self.source = source
        self.dedupTurns = dedupTurns
        self.lineCodec = codec.makeLineCodec()
        self.board = board
        self.slot = slot
        self.agentKeys = PackedByteStrings(agentNames.map { EventResult.agentKeyBytes($0) })
    }

    private enum Slot {
        case malformed(String)
        case duplicate(DecodedEvent)
        case done(DecodedEvent, EventResult)
        case pending(DecodedEvent)
        case awaiting(DecodedEvent, PendingEvent)
    }

    /// Reused buffer for one event's `_enrichment` bytes.
    var metadataBytes: [UInt8] = []
    /// Per agent index, the start of its `_enrichment` entry.
    let agentKeys: PackedByteStrings

    mutating func process(_ batch: InputBatch) async throws -> BatchResult {
        var result = BatchResult(
            sequence: batch.sequence, endOffset: batch.lines.last?.endOffset ?? 0, endLine: batch.lines.last?.number ?? 0,
            eventCount: batch.lines.count)
        var slots: [Slot] = []
        slots.reserveCapacity(batch.lines.count)
        for line in batch.lines {
            if let total = line.truncatedFrom {
                slots.append(.malformed("line is \(total) bytes, over the limit; its first \(line.bytes.count) bytes are kept here"))
                continue
            }
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                slots.append(.malformed("empty line"))
                continue
            }
            switch lineCodec.decode(line.bytes) {
            case .success(let event): slots.append(.pending(event))
            case .failure(let failure): slots.append(.malformed(failure.reason))
            }
        }
        if let dedupTurns {
            // The first occurrence of a key must win: take turns in input order.
            await dedupTurns.waitFor(batch.sequence)
            defer { dedupTurns.finished(batch.sequence) }
            try markDuplicates(&slots, lines: batch.lines)
        } else {
            try markDuplicates(&slots, lines: batch.lines)
        }
        var awaiting: [Int] = []
        for index in slots.indices {
            guard case .pending(let event) = slots[index] else { continue }
            switch executor.processInline(event.value) {
            case .finished(let outcome): slots[index] = .done(event, outcome)
            case .needsAwait(let progress):
                slots[index] = .awaiting(event, progress)
                awaiting.append(index)
            }
        }
        if !awaiting.isEmpty {
            let executor = self.executor
            let finished = await withTaskGroup(of: (Int, EventResult).self) { group in
                for index in awaiting {
                    guard case .awaiting(let event, let progress) = slots[index] else { continue }
                    group.addTask { (index, await executor.process(event.value, resuming: progress)) }
                }
                var collected: [(Int, EventResult)] = []
                for await item in group { collected.append(item) }
                return collected
            }
            for (index, outcome) in finished {
                guard case .awaiting(let event, _) = slots[index] else { continue }
                slots[index] = .done(event, outcome)
            }
        }
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        board.record(slot: self.slot) { counters in
            encode(batch, slots, at: now, into: &result, counters: &counters)
        }
        return result
    }

    /// Writes each event's output, dead letter and audit row, and records its figures.
    private mutating func encode(_ batch: InputBatch, _ slots: [Slot], at now: Int64, into result: inout BatchResult, counters: inout WorkerMetrics) {
        for (line, slot) in zip(batch.lines, slots) {
            switch slot {
            case .malformed(let reason):
                DeadLetter.appendMalformed(line: line, reason: reason, to: &result.deadLetter)
                counters.recordMalformed()
                result.audit.append(AuditEntry(eventID: "", line: line.number, status: "malformed", agentsJSON: "{}", latencyMicroseconds: 0, timestampMicroseconds: now))
            case .duplicate(let event):
                counters.recordDuplicate()
                result.audit.append(AuditEntry(eventID: Self.eventID(event.value), line: line.number, status: "duplicate", agentsJSON: "{}", latencyMicroseconds: 0, timestampMicroseconds: now))
            case .done(let event, let outcome):
                counters.record(outcome)
                metadataBytes.removeAll(keepingCapacity: true)
                let agentsRange = outcome.writeMetadata(into: &metadataBytes, agentKeys: agentKeys)
                if outcome.status == .failed {
                    DeadLetter.appendFailed(line: line, reason: outcome.failure ?? "failed", metadata: metadataBytes, to: &result.deadLetter)
                } else {
                    lineCodec.appendEnriched(line: line.bytes, event: event, fields: outcome.fields, metadata: metadataBytes, to: &result.output)
                    result.outputLines.append(line.number)
                }
                // The audit row needs the outcomes as text; without state there is no audit.
                if state != nil {
                    let agentsJSON = String(decoding: metadataBytes[agentsRange], as: UTF8.self)
                    result.audit.append(AuditEntry(eventID: Self.eventID(event.value), line: line.number, status: outcome.status.rawValue, agentsJSON: agentsJSON, latencyMicroseconds: outcome.latencyMicroseconds, timestampMicroseconds: now))
                }
            case .pending, .awaiting:
                break
            }
        }
    }

    /// Drops events whose dedup key was seen within the window (one state call per batch).
    private func markDuplicates(_ slots: inout [Slot], lines: [InputLine]) throws {
        guard let dedup, let state else { return }
        var keys: [String] = []
        var origins: [String] = []
        var positions: [Int] = []
        for (index, slot) in slots.enumerated() {
            guard case .pending(let event) = slot else { continue }
            guard let key = executor.dedupKey(for: event.value) else { continue }
            keys.append(key)
            origins.append(source + ":" + String(lines[index].number))
            positions.append(index)
        }
        guard !keys.isEmpty else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let seen = try state.checkDedup(keys: keys, origins: origins, windowMicroseconds: dedup.windowMicroseconds, nowMicroseconds: now)
        // A key repeated inside the same batch is a duplicate too.
        var firstInBatch = Set<String>()
        for (offset, position) in positions.enumerated() {
            guard case .pending(let event) = slots[position] else { continue }
            if seen[offset] || !firstInBatch.insert(keys[offset]).inserted { slots[position] = .duplicate(event) }
        }
    }

    static func eventID(_ event: JSONValue) -> String {
        guard case .object(let object) = event else { return "" }
        switch object.member("id") {
        case .string(let id)?: return id
        case .int(let id)?: return String(id)
        default: return ""
        }
    }
}
