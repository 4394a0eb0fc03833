/// A point in a source file: byte offset plus the 1-based line and column it falls on.
public struct SourceLocation: Hashable, Sendable, Codable, Comparable {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        lhs.offset < rhs.offset
    }
}

/// A half-open span `[start, end)` of one file.
public struct SourceRange: Hashable, Sendable, Codable {
    public var file: String
    public var start: SourceLocation
    public var end: SourceLocation

    public init(file: String, start: SourceLocation, end: SourceLocation) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// A zero-width range at the very start of `file`, for problems with the whole file.
    public static func startOf(file: String) -> SourceRange {
        let origin = SourceLocation(offset: 0, line: 1, column: 1)
        return SourceRange(file: file, start: origin, end: origin)
    }

    /// The smallest range covering both `self` and `other` (same file assumed).
    public func extended(to other: SourceRange) -> SourceRange {
        SourceRange(file: file, start: Swift.min(start, other.start), end: Swift.max(end, other.end))
    }
}
