import Foundation

/// Writes processed batches, in input order unless asked otherwise, and checkpoints them.
///
/// A checkpoint is committed only for a contiguous prefix of batches whose output is
/// written, together with their audit rows: after a crash the run resumes right after
/// that prefix and the outputs are cut back to it, so no event is lost or written twice.
actor BatchWriter {
    private let output: OutputFile
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

    init(output: OutputFile, deadLetter: OutputFile, state: (any RunStateStore)?, source: String?, ordered: Bool,
         startOffset: Int64, startLine: Int64, releasePermit: @escaping @Sendable () -> Void) {
        self.output = output
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
        if !result.output.isEmpty { try output.write(result.output) }
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
            outputLength: output.path == nil ? nil : output.length, deadLetterLength: deadLetter.length)
        do {
            try state.commit(StateCommit(checkpoint: checkpoint, audit: batches.flatMap(\.audit)))
        } catch {
            throw RunError.stateFailed("committing the checkpoint failed: \(error)")
        }
    }

    var written: Int { eventsWritten }
}
