/// The bytes of one input file with a line table, so byte offsets map to line and column.
///
/// Lines and columns are 1-based; columns count Unicode scalars on the line (what an
/// editor shows), while offsets are UTF-8 byte offsets into ``bytes``.
public final class SourceFile: Sendable {
    /// The path as the user gave it; used verbatim in rendered diagnostics.
    public let path: String
    /// ``path`` interned, for building ranges without copying the string.
    public let sourcePath: SourcePath
    /// The raw file contents.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.sourcePath = SourcePath(path)
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(index + 1)
        }
        self.lineStarts = starts
    }

    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The 1-based line that holds `offset` (offsets past the end map to the last line).
    public func line(ofOffset offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// The 1-based column of `offset`, counted in Unicode scalars from the line start.
    public func column(ofOffset offset: Int) -> Int {
        let line = line(ofOffset: offset)
        let start = lineStarts[line - 1]
        let end = min(offset, bytes.count)
        var column = 1
        var index = start
        while index < end {
            // Count only scalar-leading bytes so multi-byte characters are one column.
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return column
    }

    /// The position of `offset` as line and column.
    public func location(ofOffset offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        return SourceLocation(offset: clamped, line: line(ofOffset: clamped), column: column(ofOffset: clamped))
    }

    /// The text of a 1-based line without its line terminator; invalid UTF-8 is repaired.
    public func text(ofLine line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text covered by `range`.
    public func text(of range: SourceRange) -> String {
        let start = max(0, min(range.start.offset, bytes.count))
        let end = max(start, min(range.end.offset, bytes.count))
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// A range between two byte offsets of this file.
    public func range(from start: Int, to end: Int) -> SourceRange {
        SourceRange(path: sourcePath, start: location(ofOffset: start), end: location(ofOffset: max(start, end)))
    }
}
