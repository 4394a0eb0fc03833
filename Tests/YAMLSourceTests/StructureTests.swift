import Diagnostics
import Testing
@testable import YAMLSource

/// The YAML features pipeline files use, and the ones they may not.
@Suite("YAML structure")
struct StructureTests {
    // MARK: Collections and scalars

    @Test("flow and block collections build the same tree")
    func flowAndBlockCollections() throws {
        let block = parse("""
            a:
              b: [1, 2]
              c:
              - x
              - {y: z}
            """)
        let flow = parse("{a: {b: [1, 2], c: [x, {y: z}]}}")
        for parsed in [block, flow] {
            #expect(parsed.diagnostics.isEmpty)
            let a = try #require(parsed.root?["a"])
            #expect(a.keys == ["b", "c"])
            #expect(a["b"]?.sequence?.compactMap(\.text) == ["1", "2"])
            #expect(a["c"]?[0]?.text == "x")
            #expect(a["c"]?[1]?["y"]?.text == "z")
        }
    }

    @Test("mapping pairs keep their source order")
    func pairsInSourceOrder() throws {
        let parsed = parse("zeta: 1\nalpha: 2\nmid: 3\n")
        #expect(parsed.root?.keys == ["zeta", "alpha", "mid"])
    }

    @Test("scalar styles are recorded and quotes are removed from the value")
    func scalarStyles() throws {
        let parsed = parse("""
            plain: true
            single: 'it''s'
            double: "tab\\there \\u00e9"
            literal: |
              line one
              line two
            folded: >
              one
              two
            empty:
            tilde: ~
            quoted_null: "null"
            """)
        #expect(parsed.diagnostics.isEmpty)
        let root = try #require(parsed.root)
        #expect(root["plain"]?.scalar == YAMLScalar(value: "true", style: .plain))
        #expect(root["single"]?.scalar == YAMLScalar(value: "it's", style: .singleQuoted))
        #expect(root["double"]?.scalar == YAMLScalar(value: "tab\there é", style: .doubleQuoted))
        #expect(root["literal"]?.scalar == YAMLScalar(value: "line one\nline two\n", style: .literal))
        #expect(root["folded"]?.scalar == YAMLScalar(value: "one two\n", style: .folded))
        #expect(root["empty"]?.scalar?.isNull == true)
        #expect(root["tilde"]?.scalar?.isNull == true)
        #expect(root["quoted_null"]?.scalar?.isNull == false)
        #expect(root["single"]?.scalar?.isQuoted == true)
        #expect(root["plain"]?.scalar?.isQuoted == false)
        // The range covers the quotes as written.
        #expect(parsed.text(try #require(root["single"]).range) == "'it''s'")
    }

    @Test("standard tags are accepted and recorded")
    func standardTags() throws {
        let parsed = parse("a: !!str 123\nb: !!int 4\n")
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.root?["a"]?.tag == "tag:yaml.org,2002:str")
        #expect(parsed.root?["a"]?.text == "123")
        #expect(parsed.root?["b"]?.tag == "tag:yaml.org,2002:int")
    }

    @Test("a leading `---` and a trailing `...` still make one document")
    func explicitDocumentMarkers() throws {
        let parsed = parse("---\na: 1\n...\n")
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.root?["a"]?.text == "1")
    }

    // MARK: Anchors, aliases and merge keys

    @Test("an alias is expanded to a copy of its anchor's node, located at the alias")
    func aliasesAreExpanded() throws {
        let parsed = parse("""
            base: &b {x: 1, y: [2, 3]}
            copy: *b
            item: &i hello
            again: *i
            """)
        #expect(parsed.diagnostics.isEmpty)
        let root = try #require(parsed.root)
        let copy = try #require(root["copy"])
        #expect(copy.keys == ["x", "y"])
        #expect(copy["y"]?.sequence?.compactMap(\.text) == ["2", "3"])
        #expect(parsed.text(copy.range) == "*b")
        #expect(copy.range.startPosition == Position(33, 2, 7))
        #expect(root["again"]?.text == "hello")
        #expect(parsed.text(try #require(root["again"]).range) == "*i")
    }

    @Test("merge keys copy the anchored pairs and explicit keys win")
    func mergeKeysExplicitKeysWin() throws {
        let parsed = parse("""
            defaults: &defaults
              timeout: 1s
              retry: 2
            agent:
              <<: *defaults
              retry: 5
              name: crm
            """)
        #expect(parsed.diagnostics.isEmpty)
        let agent = try #require(parsed.root?["agent"])
        #expect(agent.keys == ["retry", "name", "timeout"])
        #expect(agent["retry"]?.text == "5")
        #expect(agent["timeout"]?.text == "1s")
        #expect(!agent.keys.contains("<<"))
    }

    @Test("an explicit key written before the merge key also wins")
    func mergeKeyAfterExplicitKey() throws {
        let parsed = parse("d: &d {a: 1, b: 2}\nm:\n  a: 9\n  <<: *d\n")
        #expect(parsed.diagnostics.isEmpty)
        let m = try #require(parsed.root?["m"])
        #expect(m.keys == ["a", "b"])
        #expect(m["a"]?.text == "9")
        #expect(m["b"]?.text == "2")
    }

    @Test("merging a list of mappings: earlier sources win")
    func mergeListEarlierWins() throws {
        let parsed = parse("x: &x {a: 1}\ny: &y {a: 2, b: 2}\nz:\n  <<: [*x, *y]\n  c: 3\n")
        #expect(parsed.diagnostics.isEmpty)
        let z = try #require(parsed.root?["z"])
        #expect(z.keys == ["c", "a", "b"])
        #expect(z["a"]?.text == "1")
        #expect(z["b"]?.text == "2")
    }

    @Test("a quoted `<<` is an ordinary key, not a merge")
    func quotedMergeKeyIsOrdinary() throws {
        let parsed = parse("d: &d {a: 1}\nm:\n  '<<': *d\n")
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.root?["m"]?.keys == ["<<"])
    }

    @Test("merging a scalar is E012 at the merged value")
    func mergingAScalar() throws {
        let parsed = parse("m:\n  <<: 5\n  a: 1\n")
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .wrongValueType)
        #expect(diagnostic.range.startPosition == Position(9, 2, 7))
    }

    @Test("an alias to an anchor that is not defined is E001 at the alias")
    func unknownAlias() throws {
        let parsed = parse("a: 1\nb: *nowhere\n")
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .yamlSyntax)
        #expect(diagnostic.message.contains("*nowhere"))
        #expect(diagnostic.range.startPosition == Position(8, 2, 4))
        #expect(diagnostic.range.endPosition == Position(16, 2, 12))
    }

    @Test("an alias used before its anchor is E001")
    func aliasBeforeAnchor() throws {
        let parsed = parse("a: *later\nb: &later 1\n")
        #expect(try parsed.single().code == .yamlSyntax)
        #expect(try parsed.single().range.startPosition == Position(3, 1, 4))
    }

    // MARK: Duplicate keys

    @Test("a duplicate key is E006 at the second one, with a note at the first; the first value is kept")
    func duplicateKey() throws {
        let parsed = parse("name: a\ntype: expr\nname: b\n")
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .duplicateKey)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.range.startPosition == Position(19, 3, 1))
        #expect(diagnostic.range.endPosition == Position(23, 3, 5))
        #expect(diagnostic.notes.count == 1)
        #expect(diagnostic.notes.first?.range?.startPosition == Position(0, 1, 1))
        #expect(parsed.root?["name"]?.text == "a")
        #expect(parsed.root?.keys == ["name", "type"])
    }

    @Test("a duplicate key in a flow mapping is E006")
    func duplicateKeyInFlowMapping() throws {
        let parsed = parse("{a: 1, b: 2, a: 3}")
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .duplicateKey)
        #expect(diagnostic.range.startPosition == Position(13, 1, 14))
        #expect(diagnostic.notes.first?.range?.startPosition == Position(1, 1, 2))
    }

    @Test("duplicates are found in large mappings too (past the linear-scan size)")
    func duplicateKeyInLargeMapping() throws {
        var text = ""
        for index in 0..<40 { text += "key\(index): \(index)\n" }
        let duplicateOffset = text.utf8.count
        text += "key7: again\nkey39: again\nnew: 1\n"
        let parsed = parse(text)
        #expect(parsed.codes == [.duplicateKey, .duplicateKey])
        #expect(parsed.diagnostics[0].range.start.offset == duplicateOffset)
        #expect(parsed.diagnostics[0].range.start.line == 41)
        #expect(parsed.diagnostics[0].notes.first?.range?.start.line == 8)
        #expect(parsed.diagnostics[1].notes.first?.range?.start.line == 40)
        #expect(parsed.root?.keys.count == 41)
        #expect(parsed.root?["key7"]?.text == "7")
    }

    @Test("keys that differ in case or spacing are distinct")
    func similarKeysAreDistinct() throws {
        let parsed = parse("a: 1\nA: 2\n'a ': 3\n")
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.root?.keys == ["a", "A", "a "])
    }

    @Test("keys written with different but canonically equivalent characters are duplicates")
    func canonicallyEquivalentKeysAreDuplicates() throws {
        // `é` precomposed and `e` + combining acute look identical; two such keys would be
        // two keys that nobody can tell apart.
        let parsed = parse("\"\\u00e9\": 1\n\"e\\u0301\": 2\n")
        #expect(parsed.codes == [.duplicateKey])
    }

    // MARK: Unsupported YAML

    @Test("a sequence used as a key is E009 at the key; the rest of the mapping is kept")
    func sequenceKey() throws {
        let parsed = parse("? [a, b]\n: 1\nc: 2\n")
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .unsupportedYAML)
        #expect(diagnostic.range.startPosition == Position(2, 1, 3))
        #expect(parsed.text(diagnostic.range) == "[a, b]")
        #expect(parsed.root?.keys == ["c"])
    }

    @Test("a mapping used as a key in a flow mapping is E009")
    func mappingKeyInFlowMapping() throws {
        let parsed = parse("{{x: 1}: y, z: 2}")
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .unsupportedYAML)
        #expect(diagnostic.range.startPosition == Position(1, 1, 2))
        #expect(parsed.root?.keys == ["z"])
    }

    @Test("a second document is E009 at its `---`")
    func multipleDocuments() throws {
        let parsed = parse("a: 1\n---\nb: 2\n")
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .unsupportedYAML)
        #expect(diagnostic.range.startPosition == Position(5, 2, 1))
        #expect(parsed.text(diagnostic.range) == "---")
    }

    @Test("a custom tag on a scalar is E009 at the tag")
    func customTagOnScalar() throws {
        let parsed = parse("a: 1\nb: !python/object:os.system ls\n")
        #expect(parsed.root == nil)
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .unsupportedYAML)
        #expect(diagnostic.message.contains("!python/object:os.system"))
        #expect(diagnostic.range.startPosition == Position(8, 2, 4))
    }

    @Test("a custom tag on a collection is E009 at the tag")
    func customTagOnCollection() throws {
        let parsed = parse("a: !thing {b: 1}\n")
        let diagnostic = try parsed.single()
        #expect(diagnostic.code == .unsupportedYAML)
        #expect(diagnostic.range.startPosition == Position(3, 1, 4))
    }
}
