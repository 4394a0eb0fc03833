import EventJSON
import Testing

@Suite struct SpliceTests {
    func splice(_ line: String, _ fields: [(String, JSONValue)]) throws -> String {
        let writer = EventLineWriter(parser: JSONLineParser())
        var output: [UInt8] = []
        try writer.append(Array(line.utf8), adding: fields, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func appendsBeforeTheClosingBraceVerbatim() throws {
        #expect(try splice(#"{"id":1, "n": 1.50e1 ,"s":"\u00e9"}"#, [("score", .double(0.5)), ("tag", .string("x"))])
            == #"{"id":1, "n": 1.50e1 ,"s":"\u00e9","score":0.5,"tag":"x"}"# + "\n")
    }

    @Test func emptyObjectsAndWhitespace() throws {
        #expect(try splice("{}", [("a", .int(1))]) == "{\"a\":1}\n")
        #expect(try splice(" { \t } \r\n", [("a", .int(1)), ("b", .null)]) == " { \t \"a\":1,\"b\":null}\n")
        #expect(try splice(#"{"a":{}}  "#, [("b", .bool(true))]) == #"{"a":{},"b":true}"# + "\n")
        #expect(try splice(#"{"a":[]}"#, []) == #"{"a":[]}"# + "\n")
        #expect(try splice("{}", []) == "{}\n")
    }

    @Test func existingNameFallsBackToReserialisationAndTheNewValueWins() throws {
        let out = try splice(#"{"id":1,"score":0.1,"x":"y"}"#, [("score", .double(0.9)), ("new", .int(2))])
        #expect(out == #"{"id":1,"score":0.9,"x":"y","new":2}"# + "\n")
        // A name repeated among the new fields: the last value wins.
        #expect(try splice(#"{"id":1}"#, [("a", .int(1)), ("a", .int(2))]) == #"{"id":1,"a":2}"# + "\n")
        // An existing key spelled with escapes in the original is still recognised.
        #expect(try splice(#"{"\u0061":1}"#, [("a", .int(2))]) == #"{"a":2}"# + "\n")
    }

    @Test func nestedNamesAreNotTopLevelNames() throws {
        #expect(try splice(#"{"ctx":{"score":1}}"#, [("score", .int(2))]) == #"{"ctx":{"score":1},"score":2}"# + "\n")
    }

    @Test func jsonObjectFields() throws {
        let writer = EventLineWriter(parser: JSONLineParser())
        var output: [UInt8] = []
        let line = Array(#"{"a":1}"#.utf8)
        try line.withUnsafeBytes { raw in
            try writer.append(raw, adding: JSONObject([("b", .int(2)), ("c", .string("\u{1}"))]), to: &output)
            try writer.append(raw, adding: JSONObject([("a", .int(3))]), to: &output)
        }
        #expect(String(decoding: output, as: UTF8.self) == "{\"a\":1,\"b\":2,\"c\":\"\\u0001\"}\n{\"a\":3}\n")
    }

    @Test func invalidLinesAreRejectedNotCopied() {
        let writer = EventLineWriter(parser: JSONLineParser())
        var output: [UInt8] = []
        #expect(throws: JSONLineError.self) { try writer.append(Array(#"{"a":1"#.utf8), adding: [("b", .int(1))], to: &output) }
        #expect(throws: JSONLineError.self) { try writer.append(Array("[1]".utf8), adding: [("b", .int(1))], to: &output) }
        #expect(output.isEmpty)
    }

    @Test func aStaleDocumentIsNotTrusted() throws {
        // The parser last saw a different line of the same length at another address.
        let parser = JSONLineParser()
        let writer = EventLineWriter(parser: parser)
        _ = try parser.parseObject(Array(#"{"a":1}"#.utf8))
        var output: [UInt8] = []
        try writer.append(Array(#"{"b":1}"#.utf8), adding: [("b", .int(2))], to: &output)
        #expect(String(decoding: output, as: UTF8.self) == #"{"b":2}"# + "\n")
    }
}

@Suite struct PreparedNameTests {
    @Test func preparedNamesSpliceAndMerge() throws {
        let parser = JSONLineParser()
        let writer = EventLineWriter(parser: parser)
        let names = SpliceFieldNames(["score", "tag\"q"])
        #expect(names.count == 2 && !names.hasRepeatedName)
        var output: [UInt8] = []
        try Array(#"{"id":1}"#.utf8).withUnsafeBytes { raw in
            try writer.append(raw, names: names, values: [.double(0.5), .string("x")], to: &output)
        }
        try Array(#"{"score":0,"id":1}"#.utf8).withUnsafeBytes { raw in
            try writer.append(raw, names: names, values: [.int(9), .null], to: &output)
        }
        #expect(String(decoding: output, as: UTF8.self) == """
            {"id":1,"score":0.5,"tag\\"q":"x"}
            {"score":9,"id":1,"tag\\"q":null}

            """)
        #expect(SpliceFieldNames(["a", "b", "a"]).hasRepeatedName)
    }

    @Test func changingNamesBetweenCallsIsHonoured() throws {
        let writer = EventLineWriter(parser: JSONLineParser())
        var output: [UInt8] = []
        let line = Array(#"{"a":1}"#.utf8)
        try writer.append(line, adding: [("b", .int(2))], to: &output)
        try writer.append(line, adding: [("a", .int(3))], to: &output)
        try writer.append(line, adding: [("b", .int(4)), ("c", .int(5))], to: &output)
        try writer.append(line, adding: [("b", .int(6))], to: &output)
        #expect(String(decoding: output, as: UTF8.self) == """
            {"a":1,"b":2}
            {"a":3}
            {"a":1,"b":4,"c":5}
            {"a":1,"b":6}

            """)
    }

    @Test func keyChecksAgainstTheCurrentDocument() throws {
        let parser = JSONLineParser()
        _ = try parser.parseObject(Array(#"{"user_id":1,"context":{"ip":2},"\u00e9":3}"#.utf8))
        #expect(parser.currentDocumentHasKey("user_id"))
        #expect(parser.currentDocumentHasKey("é"))
        #expect(!parser.currentDocumentHasKey("ip"))      // nested, not top level
        #expect(!parser.currentDocumentHasKey("user_i"))
        let long = String(repeating: "k", count: 100)
        _ = try parser.parseObject(Array("{\"\(long)\":1}".utf8))
        #expect(parser.currentDocumentHasKey(long))
        #expect(!parser.currentDocumentHasKey(long + "k"))
    }
}
