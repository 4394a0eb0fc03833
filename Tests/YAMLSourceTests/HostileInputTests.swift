import Diagnostics
import Foundation
import Testing
@testable import YAMLSource

// The 50 MB test goes through the same entry point as `enrich lint`.
import PipelineChecks

/// Inputs meant to crash, hang or exhaust the parser. Each must end with one precise
/// diagnostic at the right place. These check correctness, not speed: the time limit is
/// only there so that a hang fails the test instead of blocking the run.
@Suite("Hostile input", .timeLimit(.minutes(2)))
struct HostileInputTests {
    // MARK: Empty files

    @Test("an empty file is E007 at 1:1")
    func emptyFile() throws {
        let parsed = parse("")
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .emptyFile)
        #expect(diagnostic.range.startPosition == Position(0, 1, 1))
    }

    @Test("a file of comments and blank lines is E007 at 1:1")
    func commentOnlyFile() throws {
        let parsed = parse("# Enrichment for checkout events.\n\n   # TODO: add the agents.\n\t\n")
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .emptyFile)
        #expect(diagnostic.range.startPosition == Position(0, 1, 1))
    }

    @Test("a file holding only a document marker is E007")
    func documentMarkerOnly() throws {
        #expect(parse("---\n# nothing\n").codes == [.emptyFile])
    }

    // MARK: Encoding

    /// Line 1 is `k: é` (é is 2 bytes), line 2 starts at byte 6 with `v: ü` (10 bytes
    /// so far); the bad bytes follow at byte 11, the 5th character of line 2.
    static let prefix = Array("k: é\nv: ü".utf8)

    static let invalidSequences: [(name: String, bytes: [UInt8])] = [
        ("0xFF", [0xFF]),
        ("a truncated 3-byte sequence", [0xE2, 0x82]),
        ("a truncated 3-byte sequence before ASCII", [0xE2, 0x82, 0x41]),
        ("an overlong encoding of `/`", [0xC0, 0xAF]),
        ("a UTF-16 surrogate", [0xED, 0xA0, 0x80]),
        ("a lone continuation byte", [0x80]),
        ("a code point above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
    ]

    @Test("invalid UTF-8 is E002 at the exact byte, line and column", arguments: invalidSequences.indices)
    func invalidUTF8(index: Int) throws {
        let (name, bad) = Self.invalidSequences[index]
        let parsed = parse(bytes: Self.prefix + bad + Array(" tail\nw: 1\n".utf8))
        #expect(parsed.root == nil, "\(name)")
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .invalidUTF8, "\(name)")
        #expect(diagnostic.range.startPosition == Position(11, 2, 5), "\(name)")
        #expect(diagnostic.range.end.offset == 12, "\(name)")
        #expect(diagnostic.message.contains(String(bad[0], radix: 16, uppercase: true)), "\(name)")
    }

    @Test("invalid UTF-8 as the very first byte is E002 at 1:1")
    func invalidFirstByte() throws {
        let diagnostic = try parse(bytes: [0xFE, 0x0A]).single()
        #expect(diagnostic.code == .invalidUTF8)
        #expect(diagnostic.range.startPosition == Position(0, 1, 1))
    }

    @Test("a control character is E001 at its exact position")
    func controlCharacter() throws {
        let parsed = parse("a: 1\nb: x\u{01}y\n")
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .yamlSyntax)
        #expect(diagnostic.range.startPosition == Position(9, 2, 5))
    }

    // MARK: Syntax

    @Test("tab indentation is E008 at the tab")
    func tabIndentation() throws {
        let parsed = parse("agents:\n- name: tag\n  output:\n\tchannel: x\n")
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .tabIndentation)
        #expect(diagnostic.range.startPosition == Position(30, 4, 1))
        #expect(diagnostic.range.endPosition == Position(31, 4, 2))
    }

    @Test("a tab after leading spaces is E008 at the tab")
    func tabAfterSpaces() throws {
        let diagnostic = try parse("a:\n  b: 1\n  \tc: 2\n").single()
        #expect(diagnostic.code == .tabIndentation)
        #expect(diagnostic.range.startPosition == Position(12, 3, 3))
    }

    @Test("an unterminated double-quoted string is E001 with a note where it starts")
    func unterminatedDoubleQuote() throws {
        let parsed = parse("a: 1\nurl: \"https://crm.example/{event.id}\nb: 2\n")
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .yamlSyntax)
        #expect(diagnostic.message.contains("quoted scalar"))
        let note = try #require(diagnostic.notes.first)
        #expect(note.range?.startPosition == Position(10, 2, 6))
        #expect(diagnostic.range.start.offset > 10)
        #expect(!diagnostic.help.isEmpty)
    }

    @Test("an unterminated single-quoted string is E001 with a note where it starts")
    func unterminatedSingleQuote() throws {
        let parsed = parse("name: 'café\ntype: expr\n")
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .yamlSyntax)
        let note = try #require(diagnostic.notes.first)
        #expect(note.range?.startPosition == Position(6, 1, 7))
    }

    @Test("an unclosed flow sequence is E001")
    func unclosedFlowSequence() throws {
        let parsed = parse("hosts: [a, b\nnext: 1\n")
        #expect(parsed.root == nil)
        #expect(try parsed.single().code == .yamlSyntax)
    }

    // MARK: Aliases

    /// A "billion laughs" document: each level holds ten aliases of the one before.
    static func aliasBomb(levels: Int) -> String {
        var text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1..<levels {
            let aliases = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            text += "l\(level): &l\(level) [\(aliases)]\n"
        }
        return text
    }

    @Test("a billion-laughs alias bomb is E005 at the alias that would pass the node limit", arguments: [9, 10])
    func billionLaughs(levels: Int) throws {
        let parsed = parse(Self.aliasBomb(levels: levels))
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .aliasLimit)
        #expect(diagnostic.message.contains("4000000"))
        // `l5` expands to 1,111,111 nodes and the six lines above hold 1,234,573: the third
        // `*l5` on line 7 would take the document past 4,000,000.
        #expect(parsed.text(diagnostic.range) == "*l5")
        #expect(diagnostic.range.start.line == 7)
        let lineStart = parsed.file.lineStarts[6]
        #expect(diagnostic.range.start.offset == lineStart + "l6: &l6 [*l5, *l5, ".utf8.count)
        // The note points at the anchored node, on line 6.
        #expect(diagnostic.notes.first?.range?.start.line == 6)
    }

    @Test("more aliases than the limit is E005 at the first alias past it")
    func tooManyAliases() throws {
        let count = YAMLLimits.default.maxAliases + 1
        let text = "x: &x 1\nl: [" + Array(repeating: "*x", count: count).joined(separator: ",") + "]\n"
        let parsed = parse(text)
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .aliasLimit)
        #expect(diagnostic.range.start.offset == 12 + 3 * (count - 1))
        #expect(parsed.text(diagnostic.range) == "*x")
    }

    @Test("exactly the maximum number of aliases is accepted")
    func aliasesAtTheLimit() throws {
        let count = YAMLLimits.default.maxAliases
        let text = "x: &x 1\nl: [" + Array(repeating: "*x", count: count).joined(separator: ",") + "]\n"
        let parsed = parse(text)
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.root?["l"]?.sequence?.count == count)
    }

    // MARK: Nesting

    @Test("20,000 nested `[` is E004 at the first bracket past the limit")
    func deepFlowNesting() throws {
        let depth = 20_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let parsed = parse(text)
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .nestingTooDeep)
        let limit = YAMLLimits.default.maxDepth
        #expect(diagnostic.range.startPosition == Position(limit, 1, limit + 1))
    }

    @Test("20,000 nested `{a:` is E004")
    func deepFlowMappingNesting() throws {
        let depth = 20_000
        let text = String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth) + "\n"
        let diagnostic = try parse(text).single()
        #expect(diagnostic.code == .nestingTooDeep)
        let limit = YAMLLimits.default.maxDepth
        #expect(diagnostic.range.startPosition == Position(4 * limit, 1, 4 * limit + 1))
    }

    @Test("20,000 nested block mappings is E004 at the first key past the limit")
    func deepBlockMappingNesting() throws {
        // Line i is i spaces and `k:`. Twenty thousand levels need 200 MB of indentation,
        // past the default file size limit, so the limit is raised for this test only.
        let depth = 20_000
        var starts: [Int] = []
        var total = 0
        for level in 0..<depth {
            starts.append(total + level)
            total += level + 3
        }
        var bytes = [UInt8](repeating: UInt8(ascii: " "), count: total)
        for level in 0..<depth {
            bytes[starts[level]] = UInt8(ascii: "k")
            bytes[starts[level] + 1] = UInt8(ascii: ":")
            bytes[starts[level] + 2] = UInt8(ascii: "\n")
        }
        let limits = YAMLLimits(maxFileBytes: bytes.count)
        let parsed = parse(bytes: bytes, limits: limits)
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .nestingTooDeep)
        let limit = limits.maxDepth
        #expect(diagnostic.range.startPosition == Position(starts[limit], limit + 1, limit + 1))
    }

    @Test("20,000 nested compact block sequences (`- - - …`) is E004")
    func deepBlockSequenceNesting() throws {
        let depth = 20_000
        let text = String(repeating: "- ", count: depth) + "x\n"
        let diagnostic = try parse(text).single()
        #expect(diagnostic.code == .nestingTooDeep)
        let limit = YAMLLimits.default.maxDepth
        #expect(diagnostic.range.startPosition == Position(2 * limit, 1, 2 * limit + 1))
    }

    @Test("nesting exactly at the limit is accepted")
    func nestingAtTheLimit() throws {
        let depth = YAMLLimits.default.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let parsed = parse(text)
        #expect(parsed.diagnostics.isEmpty)
        var node = try #require(parsed.root)
        var levels = 1
        while let inner = node[0] {
            node = inner
            levels += 1
        }
        #expect(levels == depth)
    }

    // MARK: Size

    @Test("a 50 MB file is E003 without being read whole")
    func fiftyMegabyteFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("huge.yaml")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        // A valid pipeline followed by 50 MB of comments: only the size is wrong.
        try handle.write(contentsOf: Data("agents:\n- name: tag\n  type: expr\n  output:\n    channel: \"'x'\"\n".utf8))
        let line = "#" + String(repeating: " ", count: 1022) + "\n"  // 1 KiB
        let chunk = Data(String(repeating: line, count: 1024).utf8)  // 1 MiB
        for _ in 0..<50 { try handle.write(contentsOf: chunk) }
        try handle.close()
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size > 50 << 20)

        let result = try Linter.lint(path: path)
        let file = result.file
        let diagnostics = result.diagnostics
        #expect(diagnostics.map(\.code) == [.fileTooLarge])
        #expect(diagnostics.first?.range.startPosition == Position(0, 1, 1))
        #expect(diagnostics.first?.range.file == path)
        #expect(diagnostics.first?.message.contains("32 MiB") == true)
        // The loader stopped at the limit and kept nothing.
        #expect(file.bytes.isEmpty)
    }

    @Test("SourceLoader answers a too-large file with E003 and no bytes")
    func sourceLoaderRefusesLargeFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("big.yaml")
        try Data(repeating: UInt8(ascii: "#"), count: 4097).write(to: URL(fileURLWithPath: path))
        let limits = YAMLLimits(maxFileBytes: 4096)
        guard case .tooLarge(let diagnostic) = try SourceLoader.load(path: path, limits: limits) else {
            Issue.record("the file was loaded")
            return
        }
        #expect(diagnostic.code == .fileTooLarge)
        #expect(diagnostic.message.contains("4 KiB"))
        // One byte less fits.
        try Data(repeating: UInt8(ascii: "#"), count: 4096).write(to: URL(fileURLWithPath: path))
        guard case .file(let file) = try SourceLoader.load(path: path, limits: limits) else {
            Issue.record("a file at the limit was refused")
            return
        }
        #expect(file.bytes.count == 4096)
    }

    @Test("a missing file or a directory throws instead of reporting a diagnostic")
    func unreadablePaths() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: SourceLoader.ReadError.self) { try SourceLoader.load(path: directory.path("missing.yaml")) }
        #expect(throws: SourceLoader.ReadError.self) { try SourceLoader.load(path: directory.url.path) }
    }
}
