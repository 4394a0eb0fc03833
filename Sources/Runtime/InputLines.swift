import Foundation
import RuntimeState

/// Where the run's reader thread takes its batches of lines from. Used by that thread only.
protocol InputLines: AnyObject, Sendable {
    /// Up to `limit` lines; nil at end of input or once `stop` is set.
    func next(limit: Int, stop: StopFlag) throws -> [InputLine]?
}

/// JSON Lines from a file or standard input.
final class DescriptorInputLines: InputLines, @unchecked Sendable {
    private let descriptor: Int32
    private let reader: InputLineReader

    init(descriptor: Int32, reader: InputLineReader) {
        self.descriptor = descriptor
        self.reader = reader
    }

    func next(limit: Int, stop: StopFlag) throws -> [InputLine]? {
        guard Self.waitReadable(descriptor, stop: stop) else { return nil }
        let lines = try reader.nextLines(limit: limit)
        return lines.isEmpty ? nil : lines
    }

    /// Waits until the input has data (or ends), checking for a stop request meanwhile.
    private static func waitReadable(_ descriptor: Int32, stop: StopFlag) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            if stop.isSet { return false }
            let ready = poll(&poller, 1, 100)
            if ready != 0 { return true }
        }
    }
}

/// Events from the ingest queue: each is one line numbered by its queue id (so the
/// checkpoint's offset and line are both the last committed id).
///
/// Every few hundred milliseconds it removes from the queue the events the run's
/// checkpoint has passed; the queue never ends, only `stop` ends it.
final class QueuedInputLines: InputLines, @unchecked Sendable {
    private let queue: EventQueue
    private let state: any RunStateStore
    private var lastID: Int64
    /// When committed events were last removed (0: never, so the first call removes them).
    private var releasedAt: UInt64 = 0

    init(queue: EventQueue, state: any RunStateStore, after id: Int64) {
        self.queue = queue
        self.state = state
        self.lastID = id
    }

    func next(limit: Int, stop: StopFlag) throws -> [InputLine]? {
        while true {
            try releaseCommitted(force: false)
            let events: [QueuedEvent]
            do {
                events = try queue.events(after: lastID, limit: limit)
            } catch {
                throw RunError.inputFailed("reading the ingest queue failed: \(error)")
            }
            if let last = events.last {
                lastID = last.id
                return events.map { InputLine(bytes: $0.bytes, number: $0.id, endOffset: $0.id) }
            }
            if stop.isSet { return nil }
            queue.waitForAppend(milliseconds: 50)
        }
    }

    private func releaseCommitted(force: Bool) throws {
        let now = DispatchTime.now().uptimeNanoseconds
        guard force || now &- releasedAt > 200_000_000 else { return }
        releasedAt = now
        do {
            guard let checkpoint = try state.checkpoint(for: EventQueue.checkpointSource) else { return }
            try queue.release(through: checkpoint.inputOffset)
        } catch {
            throw RunError.stateFailed("removing processed events from the ingest queue failed: \(error)")
        }
    }
}
