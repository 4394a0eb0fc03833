import Foundation

/// One input line with where it sits in the input.
public struct InputLine: Sendable {
    public var bytes: [UInt8]
    /// 1-based line number.
    public var number: Int64
    /// Byte offset just past this line's terminator.
    public var endOffset: Int64
    /// Set when the line was longer than the limit and was cut there.
    public var truncatedFrom: Int64?
}

/// Reads JSON Lines from a file descriptor in large chunks, keeping exact byte offsets.
///
/// Lines end at `\n` (a `\r` before it is dropped); a last line without a terminator
/// counts at end of input. Reads return as soon as some complete lines are available,
/// so a slow stdin producer gets low latency, and a fast file fills whole batches.
/// Not thread-safe: it is handed to the reader thread and used only there.
final class InputLineReader: @unchecked Sendable {
    private let descriptor: Int32
    private let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var offset: Int64
    private var lineNumber: Int64
    private var atEnd = false
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    /// Bytes of an over-long line being skipped after its first `maxLineBytes`.
    private var skipping: (line: InputLine, total: Int64)?

    init(descriptor: Int32, startOffset: Int64 = 0, startLine: Int64 = 0, maxLineBytes: Int = 16 << 20) {
        self.descriptor = descriptor
        self.offset = startOffset
        self.lineNumber = startLine
        self.maxLineBytes = maxLineBytes
    }

    /// Up to `limit` complete lines; empty only at end of input.
    func nextLines(limit: Int) throws -> [InputLine] {
        var lines: [InputLine] = []
        while lines.isEmpty {
            collectLines(into: &lines, limit: limit)
            if !lines.isEmpty || atEnd { break }
            try fill()
        }
        if lines.isEmpty, atEnd { flushLastLine(into: &lines) }
        return lines
    }

    private func collectLines(into lines: inout [InputLine], limit: Int) {
        while lines.count < limit {
            guard let newline = Self.newline(in: buffer, from: bufferStart) else {
                // An over-long line without its end yet: keep only the first part.
                if buffer.count - bufferStart > maxLineBytes { startSkipping() }
                break
            }
            var end = newline
            if end > bufferStart, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let length = newline + 1 - bufferStart
            offset += Int64(length)
            if skipping == nil, end - bufferStart > maxLineBytes {
                // Over the limit but complete in the buffer: keep its first part only.
                lineNumber += 1
                lines.append(InputLine(
                    bytes: Array(buffer[bufferStart..<(bufferStart + maxLineBytes)]), number: lineNumber, endOffset: offset,
                    truncatedFrom: Int64(end - bufferStart)))
                bufferStart = newline + 1
                continue
            }
            if var skipped = skipping {
                skipped.line.endOffset = offset
                skipped.line.truncatedFrom = skipped.total + Int64(length)
                lines.append(skipped.line)
                skipping = nil
            } else {
                lineNumber += 1
                lines.append(InputLine(bytes: Array(buffer[bufferStart..<end]), number: lineNumber, endOffset: offset))
            }
            bufferStart = newline + 1
        }
        if bufferStart > 1 << 20 || bufferStart == buffer.count {
            buffer.removeFirst(bufferStart)
            bufferStart = 0
        }
    }

    /// The index of the first `\n` at or after `start` (memchr: the generic search was a
    /// few percent of a run).
    private static func newline(in buffer: [UInt8], from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { bytes in
            guard start < bytes.count, let base = bytes.baseAddress,
                let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start)
            else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func startSkipping() {
        let kept = Array(buffer[bufferStart..<(bufferStart + maxLineBytes)])
        let dropped = Int64(buffer.count - bufferStart)
        if var skipped = skipping {
            skipped.total += dropped
            skipping = skipped
        } else {
            lineNumber += 1
            skipping = (InputLine(bytes: kept, number: lineNumber, endOffset: offset), dropped)
        }
        offset += dropped
        buffer.removeAll(keepingCapacity: true)
        bufferStart = 0
    }

    private func flushLastLine(into lines: inout [InputLine]) {
        if var skipped = skipping {
            skipped.line.endOffset = offset
            skipped.line.truncatedFrom = skipped.total
            lines.append(skipped.line)
            skipping = nil
        }
        let rest = buffer[bufferStart...]
        if !rest.isEmpty {
            offset += Int64(rest.count)
            lineNumber += 1
            var bytes = Array(rest)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            lines.append(InputLine(bytes: bytes, number: lineNumber, endOffset: offset))
            buffer.removeAll()
            bufferStart = 0
        }
    }

    private func fill() throws {
        let count = chunk.withUnsafeMutableBytes { raw in
            read(descriptor, raw.baseAddress, raw.count)
        }
        if count < 0 {
            if errno == EINTR { return }
            throw RunError.inputFailed("read failed: \(String(cString: strerror(errno)))")
        }
        if count == 0 {
            atEnd = true
            return
        }
        buffer.append(contentsOf: chunk[0..<count])
    }
}
