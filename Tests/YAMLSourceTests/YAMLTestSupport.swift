import Diagnostics
import Foundation
import Testing
@testable import YAMLSource

/// The outcome of parsing one in-memory file.
struct Parsed {
    var file: SourceFile
    var root: YAMLNode?
    var diagnostics: [Diagnostic]

    var codes: [DiagnosticCode] { diagnostics.map(\.code) }

    /// The only diagnostic, failing the test when there is not exactly one.
    func single(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Diagnostic {
        #expect(diagnostics.count == 1, "expected one diagnostic, got \(codes.map(\.rawValue))", sourceLocation: sourceLocation)
        return try #require(diagnostics.first, sourceLocation: sourceLocation)
    }

    /// The source text a range covers.
    func text(_ range: SourceRange) -> String { file.text(of: range) }
}

func parse(_ text: String, limits: YAMLLimits = .default, path: String = "test.yaml") -> Parsed {
    parse(bytes: Array(text.utf8), limits: limits, path: path)
}

func parse(bytes: [UInt8], limits: YAMLLimits = .default, path: String = "test.yaml") -> Parsed {
    let file = SourceFile(path: path, bytes: bytes)
    var collector = DiagnosticCollector()
    let root = YAMLParser.parse(file, limits: limits, diagnostics: &collector)
    return Parsed(file: file, root: root, diagnostics: collector.sorted)
}

extension YAMLNode {
    /// The value under `key` in a mapping.
    subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.keyText == key }?.value
    }

    /// Item `index` of a sequence.
    subscript(index: Int) -> YAMLNode? {
        guard let items = sequence, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// The scalar's text.
    var text: String? { scalar?.value }

    /// The keys of a mapping in order.
    var keys: [String] { mapping?.map(\.keyText) ?? [] }

    /// This node and every node below it, keys included (iteratively: trees may be deep).
    var allNodes: [YAMLNode] {
        var result: [YAMLNode] = []
        var stack = [self]
        while let node = stack.popLast() {
            result.append(node)
            switch node.content {
            case .scalar: break
            case .sequence(let items): stack.append(contentsOf: items)
            case .mapping(let pairs):
                for pair in pairs {
                    stack.append(pair.key)
                    stack.append(pair.value)
                }
            }
        }
        return result
    }
}

/// A location written as it is checked: byte offset, 1-based line and column.
struct Position: Equatable, CustomStringConvertible {
    var offset: Int
    var line: Int
    var column: Int

    init(_ offset: Int, _ line: Int, _ column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    init(_ location: Diagnostics.SourceLocation) {
        self.init(location.offset, location.line, location.column)
    }

    var description: String { "offset \(offset) (\(line):\(column))" }
}

extension SourceRange {
    var startPosition: Position { Position(start) }
    var endPosition: Position { Position(end) }
}

/// A directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("YAMLSourceTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
