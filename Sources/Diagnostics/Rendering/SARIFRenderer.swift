import Foundation

/// Renders diagnostics as a SARIF 2.1.0 log, for GitHub code scanning and other viewers.
///
/// The log has one run whose driver, `enrich`, lists a rule for every ``DiagnosticCode``
/// in `allCases` order. Each diagnostic is a result pointing at its range; its notes with
/// ranges become related locations, its fix-its fixes, and its other notes and help lines
/// are appended to the message text. Relative paths are kept relative to `%SRCROOT%`;
/// columns are 1-based Unicode scalar counts (the run's `columnKind` says so) and
/// `endColumn` is exclusive, as SARIF requires. Keys are sorted, so output is deterministic.
public struct SARIFRenderer: Sendable {
    /// The SARIF schema the log declares.
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    /// The tool's home page, reported as the driver's `informationUri`.
    public static let informationURI = "https://github.com/enrich-dev/enrich"

    /// The enrich version reported as the driver's `version`.
    public var toolVersion: String
    /// Each rule's short description; a code without one is described by its name.
    public var ruleDescriptions: [DiagnosticCode: String]

    /// Creates a renderer reporting `toolVersion`, describing rules with `ruleDescriptions`.
    public init(toolVersion: String, ruleDescriptions: [DiagnosticCode: String] = [:]) {
        self.toolVersion = toolVersion
        self.ruleDescriptions = ruleDescriptions
    }

    /// The SARIF log for `diagnostics` in the order given, ending in a newline.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        let rules = DiagnosticCode.allCases.map { code in
            Rule(
                id: code.rawValue,
                name: code.name,
                shortDescription: Message(text: ruleDescriptions[code] ?? code.name),
                defaultConfiguration: Configuration(level: Self.level(of: code.defaultSeverity))
            )
        }
        let ruleIndices = Dictionary(uniqueKeysWithValues: DiagnosticCode.allCases.enumerated().map { ($1, $0) })
        let run = Run(
            tool: Tool(driver: Driver(name: "enrich", informationUri: Self.informationURI, version: toolVersion, rules: rules)),
            results: diagnostics.map { result(for: $0, ruleIndex: ruleIndices[$0.code] ?? 0) },
            columnKind: "unicodeCodePoints"
        )
        return JSONEncoder.deterministic.reportText(Log(schema: Self.schemaURI, version: "2.1.0", runs: [run]))
    }

    /// The result object for one diagnostic.
    private func result(for diagnostic: Diagnostic, ruleIndex: Int) -> Result {
        let placedNotes = diagnostic.notes.filter { $0.range != nil }
        let related = placedNotes.enumerated().compactMap { index, note in
            note.range.map { Location(id: index, physicalLocation: PhysicalLocation($0), message: Message(text: note.message)) }
        }
        let fixes = diagnostic.fixIts.map { fixIt in
            Fix(
                description: Message(text: fixIt.message),
                artifactChanges: [
                    ArtifactChange(
                        artifactLocation: ArtifactLocation(path: fixIt.range.file),
                        replacements: [Replacement(deletedRegion: Region(fixIt.range), insertedContent: Content(text: fixIt.replacement))]
                    ),
                ]
            )
        }
        return Result(
            ruleId: diagnostic.code.rawValue,
            ruleIndex: ruleIndex,
            level: Self.level(of: diagnostic.severity),
            message: Message(text: diagnostic.messageWithDetails(notes: diagnostic.notes.filter { $0.range == nil })),
            locations: [Location(id: nil, physicalLocation: PhysicalLocation(diagnostic.range), message: nil)],
            relatedLocations: related.isEmpty ? nil : related,
            fixes: fixes.isEmpty ? nil : fixes
        )
    }

    /// The SARIF `level` for a severity.
    private static func level(of severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }
}

extension SARIFRenderer {
    private struct Log: Encodable {
        var schema: String
        var version: String
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    private struct Run: Encodable {
        var tool: Tool
        var results: [Result]
        var columnKind: String
    }

    private struct Tool: Encodable {
        var driver: Driver
    }

    private struct Driver: Encodable {
        var name: String
        var informationUri: String
        var version: String
        var rules: [Rule]
    }

    private struct Rule: Encodable {
        var id: String
        var name: String
        var shortDescription: Message
        var defaultConfiguration: Configuration
    }

    private struct Configuration: Encodable {
        var level: String
    }

    private struct Message: Encodable {
        var text: String
    }

    private struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [Location]
        var relatedLocations: [Location]?
        var fixes: [Fix]?
    }

    private struct Location: Encodable {
        var id: Int?
        var physicalLocation: PhysicalLocation
        var message: Message?
    }

    private struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region

        init(_ range: SourceRange) {
            artifactLocation = ArtifactLocation(path: range.file)
            region = Region(range)
        }
    }

    /// Where a file is: a URI relative to `%SRCROOT%`, or a `file:` URI for an absolute path.
    private struct ArtifactLocation: Encodable {
        var uri: String
        var uriBaseId: String?

        /// Characters left as they are in a path's URI: unreserved, sub-delimiters, `@` and `/`.
        ///
        /// `:` is escaped so a relative path's first segment can't read as a URI scheme.
        private static let allowed = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=@/"
        )

        init(path: String) {
            let encoded = path.addingPercentEncoding(withAllowedCharacters: Self.allowed) ?? path
            if path.hasPrefix("/") {
                uri = "file://" + encoded
                uriBaseId = nil
            } else {
                uri = encoded
                uriBaseId = "%SRCROOT%"
            }
        }
    }

    private struct Region: Encodable {
        var startLine: Int
        var startColumn: Int
        var endLine: Int
        var endColumn: Int

        init(_ range: SourceRange) {
            startLine = range.start.line
            startColumn = range.start.column
            endLine = range.end.line
            endColumn = range.end.column
        }
    }

    private struct Fix: Encodable {
        var description: Message
        var artifactChanges: [ArtifactChange]
    }

    private struct ArtifactChange: Encodable {
        var artifactLocation: ArtifactLocation
        var replacements: [Replacement]
    }

    private struct Replacement: Encodable {
        var deletedRegion: Region
        var insertedContent: Content
    }

    private struct Content: Encodable {
        var text: String
    }
}
