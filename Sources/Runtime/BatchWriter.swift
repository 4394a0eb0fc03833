import Foundation

/// Writes processed batches, in input order unless asked otherwise, and checkpoints them.
///
/// A checkpoint is committed only for a contiguous prefix of batches whose output is
/// written, together with their audit rows: after a crash the run resumes right after
/// that prefix and the outputs are cut back to it, so no event is lost or written twice.
///
/// With a webhook sink (``SinkOutbox``) there is no output file: the batch's enriched events
/// go into the outbox in the same transaction as its checkpoint.
actor BatchWriter {
    private let output: OutputFile?
    private let outbox: SinkOutbox?
    private let deadLetter: OutputFile
    private let state: (any RunStateStore)?
    private let source: String?
    private let ordered: Bool
    private let releasePermit: @Sendable () -> Void
    private var pending: [Int: BatchResult] = [:]
    private var nextToWrite = 0
    /// Unordered mode: batches written ahead of the contiguous prefix.
    private var writtenAhead: [Int: BatchResult] = [:]
    private var nextToCommit = 0
    private var heldPrefix: [BatchResult] = []
    private var committedLine: Int64
    private var committedOffset: Int64
    private(set) var eventsWritten = 0

    init(output: OutputFile?, outbox: SinkOutbox? = nil, deadLetter: OutputFile, state: (any RunStateStore)?, source: String?, ordered: Bool,
         startOffset: Int64, startLine: Int64, releasePermit: @escaping @Sendable () -> Void) {
        self.output = output
        self.outbox = outbox
        self.deadLetter = deadLetter
        self.state = state
        self.source = source
        self.ordered = ordered
        self.committedOffset = startOffset
        self.committedLine = startLine
        self.releasePermit = releasePermit
    }

    func accept(_ result: BatchResult) throws {
        if ordered {
            pending[result.sequence] = result
            while let next = pending.removeValue(forKey: nextToWrite) {
                try write(next)
                try commit([next])
                nextToWrite += 1
            }
        } else {
            try write(result)
            writtenAhead[result.sequence] = result
            while let next = writtenAhead.removeValue(forKey: nextToCommit) {
                heldPrefix.append(next)
                nextToCommit += 1
            }
            // With later batches already in the output, committing the prefix now would make
            // a restart write them again: wait until the prefix is all that was written.
            if writtenAhead.isEmpty, !heldPrefix.isEmpty {
                try commit(heldPrefix)
                heldPrefix.removeAll()
            }
        }
    }

    private func write(_ result: BatchResult) throws {
        if let output, !result.output.isEmpty { try output.write(result.output) }
        if !result.deadLetter.isEmpty { try deadLetter.write(result.deadLetter) }
        eventsWritten += result.eventCount
        releasePermit()
    }

    private func commit(_ batches: [BatchResult]) throws {
        guard let last = batches.last else { return }
        committedOffset = last.endOffset
        committedLine = last.endLine
        guard let state else { return }
        let checkpoint = RunCheckpoint(
            source: source ?? "-", inputOffset: committedOffset, inputLine: committedLine,
            outputLength: output?.path == nil ? nil : output?.length, deadLetterLength: deadLetter.length)
        var sinkEvents: [SinkEvent] = []
        if let outbox {
            for batch in batches { Self.appendSinkEvents(of: batch, keyPrefix: outbox.keyPrefix, to: &sinkEvents) }
        }
        do {
            try state.commit(StateCommit(checkpoint: checkpoint, audit: batches.flatMap(\.audit), outbox: sinkEvents))
        } catch {
            throw RunError.stateFailed("committing the checkpoint failed: \(error)")
        }
        outbox?.added(sinkEvents.count)
    }

    /// Splits a batch's output into events, each keyed by its input line.
    private static func appendSinkEvents(of batch: BatchResult, keyPrefix: String, to events: inout [SinkEvent]) {
        var start = batch.output.startIndex
        var index = 0
        while start < batch.output.endIndex, index < batch.outputLines.count {
            let end = batch.output[start...].firstIndex(of: UInt8(ascii: "\n")) ?? batch.output.endIndex
            let key = keyPrefix + String(batch.outputLines[index])
            events.append(SinkEvent(key: key, bytes: SinkOutbox.keyed(batch.output[start..<end], key: key)))
            index += 1
            start = end + 1
        }
    }

    var written: Int { eventsWritten }
}
