import Diagnostics
import YAMLSource

/// The text of an expression and how its characters map back to file offsets.
///
/// Plain and simply quoted YAML scalars map one to one; when escapes or folding make
/// that impossible, every position maps to the whole scalar's range instead.
public struct ExpressionSource: Sendable {
    public let text: String
    let bytes: [UInt8]
    let file: SourceFile
    let base: Int?
    let fallback: SourceRange
    /// The location of `base` when the text is on a single line: ranges are then computed
    /// from it directly instead of searching the file's line table for every token.
    let baseLocation: SourceLocation?
    let isASCII: Bool

    public init(node: YAMLNode, file: SourceFile) {
        let value = node.scalar?.value ?? ""
        self.text = value
        self.bytes = Array(value.utf8)
        self.file = file
        self.fallback = node.range
        let start = node.range.start.offset
        let end = node.range.end.offset
        let rawStart = max(0, start)
        let rawEnd = min(end, file.bytes.count)
        switch node.scalar?.style {
        case .plain? where Self.bytes(of: file, from: rawStart, to: rawEnd, equal: bytes):
            base = start
        case .singleQuoted?, .doubleQuoted?:
            base = Self.bytes(of: file, from: rawStart + 1, to: rawEnd - 1, equal: bytes) ? start + 1 : nil
        default:
            base = nil
        }
        isASCII = bytes.allSatisfy { $0 < 0x80 }
        if let base, !bytes.contains(UInt8(ascii: "\n")) {
            // The opening quote, if any, is one ASCII column on the scalar's first line.
            let start = node.range.start
            baseLocation = SourceLocation(offset: base, line: start.line, column: start.column + (base - start.offset))
        } else {
            baseLocation = nil
        }
    }

    /// Whether the file's bytes `[start, end)` are exactly `text` (false for an empty or
    /// inverted span unless `text` is empty too).
    private static func bytes(of file: SourceFile, from start: Int, to end: Int, equal text: [UInt8]) -> Bool {
        guard end - start == text.count else { return text.isEmpty && end <= start }
        return file.bytes.withUnsafeBufferPointer { source in
            text.withUnsafeBufferPointer { text in
                for index in 0..<text.count where source[start + index] != text[index] { return false }
                return true
            }
        }
    }

    /// Source for text that does not come from a file position (tests, generated input).
    public init(text: String, file: SourceFile) {
        self.text = text
        self.bytes = Array(text.utf8)
        self.file = file
        self.base = text.utf8.elementsEqual(file.bytes) ? 0 : nil
        self.fallback = file.range(from: 0, to: file.bytes.count)
        self.baseLocation = nil
        self.isASCII = false
    }

    /// The file range of bytes `[start, end)` of the expression text.
    public func range(_ start: Int, _ end: Int) -> SourceRange {
        guard let base else { return fallback }
        let end = max(start, end)
        if baseLocation != nil, start >= 0, end <= bytes.count {
            return SourceRange(path: file.sourcePath, start: location(start), end: location(end))
        }
        return file.range(from: base + start, to: base + end)
    }

    /// The location of byte `index` of a single-line text (`0...bytes.count`).
    private func location(_ index: Int) -> SourceLocation {
        let origin = baseLocation!
        var column = origin.column + index
        if !isASCII {
            column = origin.column
            for byte in bytes[0..<index] where byte & 0xC0 != 0x80 { column += 1 }
        }
        return SourceLocation(offset: origin.offset + index, line: origin.line, column: column)
    }
}
