import Diagnostics
import Testing
@testable import YAMLSource

/// Every node carries the exact range it was written at: byte offsets into the file, and
/// 1-based lines and columns (columns count Unicode scalars, as an editor shows them).
@Suite("Node ranges")
struct NodeRangeTests {
    @Test("a block mapping's keys and values carry their offsets, lines and columns")
    func blockMappingRanges() throws {
        let parsed = parse("name: crm\ntype: http\n")
        let root = try #require(parsed.root)
        let pairs = try #require(root.mapping)
        #expect(pairs.count == 2)
        #expect(pairs[0].key.range.startPosition == Position(0, 1, 1))
        #expect(pairs[0].key.range.endPosition == Position(4, 1, 5))
        #expect(pairs[0].value.range.startPosition == Position(6, 1, 7))
        #expect(pairs[0].value.range.endPosition == Position(9, 1, 10))
        #expect(pairs[1].key.range.startPosition == Position(10, 2, 1))
        #expect(pairs[1].value.range.startPosition == Position(16, 2, 7))
        #expect(parsed.text(pairs[1].value.range) == "http")
        // A block collection runs from its first key to the end of its last value.
        #expect(root.range.startPosition == Position(0, 1, 1))
        #expect(root.range.endPosition == Position(20, 2, 11))
        #expect(root.range.file == "test.yaml")
    }

    @Test("offsets are bytes and columns are characters after multi-byte UTF-8 text")
    func rangesAfterMultiByteCharacters() throws {
        // é and ü are 2 bytes, € is 3, 😀 is 4: libyaml reports character indices, which
        // the parser must turn back into byte offsets.
        let text = "café: €5\nname: \"😀 ü\"\nnext: x\n"
        let parsed = parse(text)
        #expect(parsed.diagnostics.isEmpty)
        let root = try #require(parsed.root)
        let pairs = try #require(root.mapping)

        #expect(pairs[0].key.text == "café")
        #expect(pairs[0].key.range.endPosition == Position(5, 1, 5))
        #expect(pairs[0].value.text == "€5")
        #expect(pairs[0].value.range.startPosition == Position(7, 1, 7))
        #expect(pairs[0].value.range.endPosition == Position(11, 1, 9))

        // Line 2 starts at byte 12.
        #expect(pairs[1].key.range.startPosition == Position(12, 2, 1))
        #expect(pairs[1].value.text == "😀 ü")
        #expect(pairs[1].value.range.startPosition == Position(18, 2, 7))
        #expect(pairs[1].value.range.endPosition == Position(27, 2, 12))
        #expect(parsed.text(pairs[1].value.range) == "\"😀 ü\"")

        #expect(pairs[2].key.range.startPosition == Position(28, 3, 1))
        #expect(pairs[2].value.range.startPosition == Position(34, 3, 7))
        #expect(parsed.text(pairs[2].value.range) == "x")
    }

    @Test("every node's location agrees with the file's own line table")
    func locationsAgreeWithSourceFile() throws {
        let text = """
            # comment with ünïcode
            pipeline: "naïve-€"
            event: {user_id: string, 名前: string?}
            agents:
            - name: geo   # 🌍 trailing comment
              type: geoip
              tags: [α, β, "γ δ", 'ε']
              description: |
                multi-line ✓
                literal text
              folded: >
                one
                two
            - {name: b, type: expr, output: {x: "'ü'"}}

            """
        for variant in [text, text.replacingOccurrences(of: "\n", with: "\r\n")] {
            let parsed = parse(variant)
            #expect(parsed.diagnostics.isEmpty)
            let root = try #require(parsed.root)
            let nodes = root.allNodes
            #expect(nodes.count > 30)
            for node in nodes {
                #expect(Position(node.range.start) == Position(parsed.file.location(ofOffset: node.range.start.offset)))
                #expect(Position(node.range.end) == Position(parsed.file.location(ofOffset: node.range.end.offset)))
                #expect(node.range.start.offset <= node.range.end.offset)
            }
            // Scalars' ranges cover exactly what was written.
            let tags = try #require(root["agents"]?[0]?["tags"]?.sequence)
            #expect(tags.map { parsed.text($0.range) } == ["α", "β", "\"γ δ\"", "'ε'"])
        }
    }

    @Test("in ASCII files libyaml's own lines and columns are used, and agree with the line table")
    func asciiLocationsAgreeWithSourceFile() throws {
        // All ASCII with `\n` line ends: the parser takes libyaml's marks as they are
        // (no walk over the bytes), so they must match the line table exactly, including
        // after tabs inside values, block scalars, flow collections and a last line with
        // no line break.
        let text = """
            # comment
            pipeline: "quoted\tvalue"
            event: {user_id: string, plan: string?}
            agents:
            - name: geo   # trailing comment
              type: geoip
              note: a\tb
              tags: [a, b, "c d", 'e']
              description: |
                multi-line
                literal text
              folded: >
                one
                two
            - {name: b, type: expr, output: {x: "'u'"}}
            last: value
            """
        #expect(MarkOffsets.isASCIIWithoutCarriageReturn(Array(text.utf8)))
        let parsed = parse(text)
        #expect(parsed.diagnostics.isEmpty)
        let root = try #require(parsed.root)
        let nodes = root.allNodes
        #expect(nodes.count > 30)
        for node in nodes {
            #expect(Position(node.range.start) == Position(parsed.file.location(ofOffset: node.range.start.offset)))
            #expect(Position(node.range.end) == Position(parsed.file.location(ofOffset: node.range.end.offset)))
        }
        let tags = try #require(root["agents"]?[0]?["tags"]?.sequence)
        #expect(tags.map { parsed.text($0.range) } == ["a", "b", "\"c d\"", "'e'"])
        #expect(try #require(root["last"]).range.endPosition == Position(text.utf8.count, 16, 12))
    }

    @Test("the ASCII fast path is taken only for ASCII without carriage returns")
    func asciiDetection() {
        #expect(MarkOffsets.isASCIIWithoutCarriageReturn([]))
        #expect(MarkOffsets.isASCIIWithoutCarriageReturn(Array("a: b\n".utf8)))
        // Every position of a \r or a non-ASCII byte, inside and after the 8-byte words.
        for length in [1, 7, 8, 9, 16, 23] {
            for position in 0..<length {
                var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: length)
                #expect(MarkOffsets.isASCIIWithoutCarriageReturn(bytes))
                bytes[position] = UInt8(ascii: "\r")
                #expect(!MarkOffsets.isASCIIWithoutCarriageReturn(bytes))
                bytes[position] = 0xC3
                #expect(!MarkOffsets.isASCIIWithoutCarriageReturn(bytes))
                bytes[position] = 0x0C  // form feed: one below \r, still ASCII
                #expect(MarkOffsets.isASCIIWithoutCarriageReturn(bytes))
            }
        }
    }

    @Test("a byte-order mark counts as one character, so later offsets stay exact")
    func byteOrderMark() throws {
        let parsed = parse(bytes: [0xEF, 0xBB, 0xBF] + Array("a: b\nc: d\n".utf8))
        #expect(parsed.diagnostics.isEmpty)
        let pairs = try #require(parsed.root?.mapping)
        #expect(pairs[0].key.range.start.offset == 3)
        #expect(pairs[0].key.range.start == parsed.file.location(ofOffset: 3))
        #expect(parsed.text(pairs[0].key.range) == "a")
        #expect(parsed.text(pairs[0].value.range) == "b")
        #expect(pairs[1].key.range.startPosition == Position(8, 2, 1))
        #expect(parsed.text(pairs[1].value.range) == "d")
    }

    @Test("after a byte-order mark, errors still point at the exact byte")
    func errorsAfterByteOrderMark() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let tab = try parse(bytes: bom + Array("a:\n\tb: 1\n".utf8)).single()
        #expect(tab.code == .tabIndentation)
        #expect(tab.range.startPosition == Position(6, 2, 1))
        let control = try parse(bytes: bom + Array("a: \u{01}\n".utf8)).single()
        #expect(control.code == .yamlSyntax)
        #expect(control.range.start.offset == 6)
        let alias = try parse(bytes: bom + Array("a: *b\n".utf8)).single()
        #expect(alias.code == .yamlSyntax)
        #expect(alias.range.start.offset == 6)
        #expect(parse(bytes: bom + Array("# only a comment\n".utf8)).codes == [.emptyFile])
    }

    @Test("flow collections span their brackets; their items carry their own ranges")
    func flowCollectionRanges() throws {
        let parsed = parse("list: [1, two, {k: v}]\n")
        let list = try #require(parsed.root?["list"])
        #expect(parsed.text(list.range) == "[1, two, {k: v}]")
        #expect(list.range.startPosition == Position(6, 1, 7))
        #expect(list.range.endPosition == Position(22, 1, 23))
        let inner = try #require(list[2])
        #expect(parsed.text(inner.range) == "{k: v}")
        #expect(inner["k"]?.range.startPosition == Position(19, 1, 20))
    }

    @Test("a block sequence's range runs from its first dash to the end of its last item")
    func blockSequenceRange() throws {
        let parsed = parse("items:\n- a\n- b: 1\n  c: 2\n")
        let items = try #require(parsed.root?["items"])
        #expect(items.range.startPosition == Position(7, 2, 1))
        #expect(items.range.endPosition == Position(24, 4, 7))
        let second = try #require(items[1])
        #expect(parsed.text(second.range) == "b: 1\n  c: 2")
    }
}
