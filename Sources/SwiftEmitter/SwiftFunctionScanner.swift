/// `func` declarations found in Swift source by reading it as text (no compiler needed):
/// enough to check the signature of a function a `function` agent calls.
public struct SwiftFunctionDeclaration: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        /// The argument label; nil for `_`.
        public var label: String?
        public var type: String

        public init(label: String?, type: String) {
            self.label = label
            self.type = type
        }
    }

    public var name: String
    /// The file as given to the scanner, and the 1-based line and column of `func`.
    public var file: String
    public var line: Int
    public var column: Int
    public var parameters: [Parameter]
    /// `throws`, `throws(AgentFailure)`..., or nil.
    public var throwsClause: String?
    public var returnType: String?
    public var isAsync: Bool

    /// `file:line`, as messages name it.
    public var location: String { "\(file):\(line)" }
}

public enum SwiftFunctionScanner {
    /// Every `func` in `text` (comments and string literals are not excluded: a commented-out
    /// function of the same name could be mistaken for one; the compiler then says so).
    public static func declarations(in text: String, file: String) -> [SwiftFunctionDeclaration] {
        let pattern = /func\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*(async\s*)?(throws\s*(?:\([^)]*\))?)?\s*(?:->\s*([A-Za-z_][A-Za-z0-9_.?\[\]: ]*?))?\s*(?:\{|where|$)/
            .anchorsMatchLineEndings()
        var result: [SwiftFunctionDeclaration] = []
        for match in text.matches(of: pattern) {
            let before = text[text.startIndex..<match.range.lowerBound]
            let line = before.count { $0 == "\n" } + 1
            let column = before.distance(from: before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex, to: before.endIndex) + 1
            let parameters = match.output.2.split(separator: ",").compactMap { piece -> SwiftFunctionDeclaration.Parameter? in
                let parts = piece.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { return nil }
                let names = parts[0].split(whereSeparator: \.isWhitespace)
                guard let first = names.first else { return nil }
                let label = first == "_" ? nil : String(first)
                let type = parts[1].split(separator: "=")[0].trimmingCharacters(in: .whitespaces)
                return SwiftFunctionDeclaration.Parameter(label: label, type: type)
            }
            result.append(SwiftFunctionDeclaration(
                name: String(match.output.1), file: file, line: line, column: column, parameters: parameters,
                throwsClause: match.output.4.map { $0.replacingOccurrences(of: " ", with: "") },
                returnType: match.output.5.map { $0.trimmingCharacters(in: .whitespaces) },
                isAsync: match.output.3 != nil))
        }
        return result
    }
}

import Foundation
