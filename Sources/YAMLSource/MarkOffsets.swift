import CYAML
import Diagnostics

/// Converts libyaml's character indices into source locations (byte offset, line, column).
///
/// libyaml counts characters, while ranges are UTF-8 byte offsets. Marks arrive almost in
/// order, so a cursor walked forward (or back) from the last answer keeps this linear, and
/// it tracks the line and column on the way so no location needs a line-table search.
///
/// Lines and columns follow ``SourceFile``'s rules, not libyaml's: lines break at `\n`
/// only, and a column counts Unicode scalars from the start of the line (so a byte-order
/// mark, which libyaml is not given, still counts as a column on line 1, as in
/// ``SourceFile/column(ofOffset:)``).
///
/// The bytes must be valid UTF-8 (``YAMLParser`` checks that first).
struct MarkOffsets {
    private let bytes: [UInt8]
    private let lineStarts: [Int]
    private var characterIndex = 0
    private var byteOffset = 0
    private var line = 1
    private var column = 1

    /// The byte offset of libyaml's character 0: past a UTF-8 byte-order mark, which the
    /// parser does not pass to libyaml.
    let firstCharacterOffset: Int
    /// True when libyaml's own marks are already right: every character is one byte (all
    /// ASCII, so no byte-order mark either) and lines end in `\n` only (libyaml also
    /// breaks lines at `\r`). Then a mark's index is the byte offset and its line and
    /// column are ours minus one, and no walk over the bytes is needed.
    let marksAreExact: Bool

    init(file: SourceFile) {
        self.bytes = file.bytes
        self.lineStarts = file.lineStarts
        firstCharacterOffset = file.bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        byteOffset = firstCharacterOffset
        column = firstCharacterOffset == 0 ? 1 : 2
        marksAreExact = Self.isASCIIWithoutCarriageReturn(file.bytes)
    }

    /// The location of libyaml's `mark` (clamped to the end of the file).
    mutating func location(of mark: yaml_mark_t) -> SourceLocation {
        let index = Int(mark.index)
        if marksAreExact, index <= bytes.count {
            return SourceLocation(offset: index, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }
        return location(ofCharacter: index)
    }

    /// Whether every byte is ASCII and none is `\r`, eight bytes at a time.
    static func isASCIIWithoutCarriageReturn(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            let count = raw.count
            var index = 0
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let returns: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
            while index + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & highs != 0 { return false }
                // A zero byte in `word ^ returns` is a `\r` in `word` (exact: no high bits).
                let spread = word ^ returns
                if (spread &- ones) & ~spread & highs != 0 { return false }
                index += 8
            }
            while index < count {
                let byte = raw[index]
                if byte >= 0x80 || byte == UInt8(ascii: "\r") { return false }
                index += 1
            }
            return true
        }
    }

    /// The byte offset of character `target` (clamped to the end of the file).
    mutating func byteOffset(ofCharacter target: Int) -> Int {
        location(ofCharacter: target).offset
    }

    /// The location of character `target` (clamped to the end of the file).
    mutating func location(ofCharacter target: Int) -> SourceLocation {
        if target < characterIndex {
            moveBack(to: target)
        } else if target > characterIndex {
            moveForward(to: target)
        }
        return SourceLocation(offset: byteOffset, line: line, column: column)
    }

    private mutating func moveForward(to target: Int) {
        var characterIndex = characterIndex
        var byteOffset = byteOffset
        var line = line
        var column = column
        bytes.withUnsafeBufferPointer { bytes in
            let count = bytes.count
            while characterIndex < target, byteOffset < count {
                let lead = bytes[byteOffset]
                byteOffset += 1
                if lead >= 0x80 {
                    while byteOffset < count, bytes[byteOffset] & 0xC0 == 0x80 { byteOffset += 1 }
                }
                characterIndex += 1
                if lead == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
        }
        self.characterIndex = characterIndex
        self.byteOffset = byteOffset
        self.line = line
        self.column = column
    }

    private mutating func moveBack(to target: Int) {
        while characterIndex > target, byteOffset > firstCharacterOffset {
            byteOffset -= 1
            while byteOffset > firstCharacterOffset, bytes[byteOffset] & 0xC0 == 0x80 { byteOffset -= 1 }
            characterIndex -= 1
            if bytes[byteOffset] == UInt8(ascii: "\n") { line -= 1 }
        }
        // Recount the column from the start of the line (rare: marks seldom go back).
        var index = lineStarts[line - 1]
        column = 1
        while index < byteOffset {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
    }
}
