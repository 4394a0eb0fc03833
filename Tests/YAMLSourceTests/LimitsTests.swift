import Diagnostics
import Testing
@testable import YAMLSource

/// Each limit of ``YAMLLimits``, set small: the input at the limit passes, one more trips it.
@Suite("Custom limits")
struct LimitsTests {
    @Test("the defaults are the documented ones")
    func defaults() {
        let limits = YAMLLimits.default
        #expect(limits.maxFileBytes == 32 << 20)
        #expect(limits.maxDepth == 256)
        #expect(limits.maxAliases == 10_000)
        #expect(limits.maxNodes == 4_000_000)
    }

    @Test("maxFileBytes: a file one byte over is E003 at 1:1")
    func fileSize() throws {
        let limits = YAMLLimits(maxFileBytes: 16)
        #expect(parse("a: 123456789012\n", limits: limits).diagnostics.isEmpty)  // 16 bytes
        let parsed = parse("a: 1234567890123\n", limits: limits)  // 17 bytes
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .fileTooLarge)
        #expect(diagnostic.range.startPosition == Position(0, 1, 1))
        #expect(diagnostic.message.contains("16 bytes"))
    }

    @Test("maxDepth: one level more is E004 at the collection that goes too deep")
    func depth() throws {
        let limits = YAMLLimits(maxDepth: 3)
        #expect(parse("a: {b: [1]}\n", limits: limits).diagnostics.isEmpty)
        let parsed = parse("a: {b: [{c: 1}]}\n", limits: limits)
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .nestingTooDeep)
        #expect(diagnostic.message.contains("3 levels"))
        #expect(diagnostic.range.startPosition == Position(8, 1, 9))
    }

    @Test("maxDepth counts block collections too")
    func blockDepth() throws {
        let limits = YAMLLimits(maxDepth: 2)
        #expect(parse("a:\n  b: 1\n", limits: limits).diagnostics.isEmpty)
        let diagnostic = try parse("a:\n  b:\n    c: 1\n", limits: limits).single()
        #expect(diagnostic.code == .nestingTooDeep)
        #expect(diagnostic.range.startPosition == Position(12, 3, 5))
    }

    @Test("maxAliases: one alias more is E005 at that alias")
    func aliases() throws {
        let limits = YAMLLimits(maxAliases: 2)
        #expect(parse("x: &x 1\ny: [*x, *x]\n", limits: limits).diagnostics.isEmpty)
        let parsed = parse("x: &x 1\ny: [*x, *x, *x]\n", limits: limits)
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .aliasLimit)
        #expect(diagnostic.message.contains("2 aliases"))
        #expect(diagnostic.range.startPosition == Position(20, 2, 13))
    }

    @Test("maxNodes: a document with one node too many is E005")
    func nodes() throws {
        let limits = YAMLLimits(maxNodes: 5)
        // A mapping, a key and a sequence of two items: five nodes.
        #expect(parse("a: [1, 2]\n", limits: limits).diagnostics.isEmpty)
        let parsed = parse("a: [1, 2, 3]\n", limits: limits)
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .aliasLimit)
        #expect(diagnostic.range.startPosition == Position(10, 1, 11))
    }

    @Test("maxNodes counts the nodes an alias expands to")
    func nodesThroughAliases() throws {
        let limits = YAMLLimits(maxNodes: 20)
        // The anchored list is 4 nodes: with the mapping and keys, it and two copies fit (16
        // nodes); a third copy would make 21.
        let base = "a: &a [1, 2, 3]\n"
        #expect(parse(base + "b: *a\nc: *a\n", limits: limits).diagnostics.isEmpty)
        let parsed = parse(base + "b: *a\nc: *a\nd: *a\ne: *a\n", limits: limits)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .aliasLimit)
        #expect(parsed.text(diagnostic.range) == "*a")
        #expect(diagnostic.range.start.line == 4)
        #expect(diagnostic.notes.first?.range?.startPosition == Position(3, 1, 4))
    }
}
