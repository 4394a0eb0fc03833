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

    public init(node: YAMLNode, file: SourceFile) {
        let value = node.scalar?.value ?? ""
        self.text = value
        self.bytes = Array(value.utf8)
        self.file = file
        self.fallback = node.range
        let start = node.range.start.offset
        let end = node.range.end.offset
        let raw = file.bytes[max(0, start)..<min(end, file.bytes.count)]
        switch node.scalar?.style {
        case .plain? where raw.elementsEqual(bytes):
            base = start
        case .singleQuoted?, .doubleQuoted?:
            base = raw.dropFirst().dropLast().elementsEqual(bytes) ? start + 1 : nil
        default:
            base = nil
        }
    }

    /// Source for text that does not come from a file position (tests, generated input).
    public init(text: String, file: SourceFile) {
        self.text = text
        self.bytes = Array(text.utf8)
        self.file = file
        self.base = text.utf8.elementsEqual(file.bytes) ? 0 : nil
        self.fallback = file.range(from: 0, to: file.bytes.count)
    }

    /// The file range of bytes `[start, end)` of the expression text.
    public func range(_ start: Int, _ end: Int) -> SourceRange {
        guard let base else { return fallback }
        return file.range(from: base + start, to: base + max(start, end))
    }
}
