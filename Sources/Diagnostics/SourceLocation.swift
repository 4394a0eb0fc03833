/// A point in a source file: byte offset plus the 1-based line and column it falls on.
///
/// Stored as three `UInt32`s (12 bytes): every node of every tree carries two of these,
/// so their size shows in lint time. Pipeline files are far below 4 GiB
/// (``YAMLLimits/maxFileBytes``); a larger value is clamped.
public struct SourceLocation: Hashable, Sendable, Codable, Comparable {
    // Inlinable (with these stored fields visible to the inlined code): ranges are built
    // and read in every other module's hot loops, where a call per field showed up.
    @usableFromInline var storedOffset: UInt32
    @usableFromInline var storedLine: UInt32
    @usableFromInline var storedColumn: UInt32

    @inlinable
    public var offset: Int {
        get { Int(storedOffset) }
        set { storedOffset = UInt32(clamping: newValue) }
    }

    @inlinable
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    @inlinable
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    @inlinable
    public init(offset: Int, line: Int, column: Int) {
        storedOffset = UInt32(clamping: offset)
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    @inlinable
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        lhs.storedOffset < rhs.storedOffset
    }

    private enum CodingKeys: String, CodingKey {
        case offset, line, column
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            offset: try container.decode(Int.self, forKey: .offset),
            line: try container.decode(Int.self, forKey: .line),
            column: try container.decode(Int.self, forKey: .column))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(offset, forKey: .offset)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
    }
}

/// A half-open span `[start, end)` of one file.
///
/// The file is held as a ``SourcePath`` (a 4-byte handle on an interned path), not as a
/// `String`: ranges are copied into every node and expression, and a `String` would make
/// each copy a reference-count operation and double the range's size. ``file`` gives the
/// path back.
public struct SourceRange: Hashable, Sendable, Codable {
    public var path: SourcePath
    public var start: SourceLocation
    public var end: SourceLocation

    /// The file's path as the user gave it.
    public var file: String {
        get { path.text }
        set { path = SourcePath(newValue) }
    }

    public init(file: String, start: SourceLocation, end: SourceLocation) {
        self.init(path: SourcePath(file), start: start, end: end)
    }

    @inlinable
    public init(path: SourcePath, start: SourceLocation, end: SourceLocation) {
        self.path = path
        self.start = start
        self.end = end
    }

    /// A zero-width range at the very start of `file`, for problems with the whole file.
    public static func startOf(file: String) -> SourceRange {
        let origin = SourceLocation(offset: 0, line: 1, column: 1)
        return SourceRange(file: file, start: origin, end: origin)
    }

    /// The smallest range covering both `self` and `other` (same file assumed).
    @inlinable
    public func extended(to other: SourceRange) -> SourceRange {
        SourceRange(path: path, start: Swift.min(start, other.start), end: Swift.max(end, other.end))
    }

    private enum CodingKeys: String, CodingKey {
        case file, start, end
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            file: try container.decode(String.self, forKey: .file),
            start: try container.decode(SourceLocation.self, forKey: .start),
            end: try container.decode(SourceLocation.self, forKey: .end))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
    }
}
