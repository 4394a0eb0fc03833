import EventJSON
import Testing

@Suite struct LineErrorTests {
    func error(_ bytes: [UInt8]) -> JSONLineError? {
        let parser = JSONLineParser()
        do {
            _ = try parser.parseObject(bytes)
            return nil
        } catch {
            // Extraction reports the same error.
            do {
                _ = try parser.extract(bytes, paths: ExtractionPaths([["a"]]))
                Issue.record("extract accepted what parseObject rejected")
            } catch let again {
                #expect(again == error)
            }
            return error
        }
    }

    func error(_ text: String) -> JSONLineError? { error(Array(text.utf8)) }

    @Test func unterminatedString() throws {
        let e = try #require(error(#"{"a":"abc}"#))
        #expect(e.kind == .malformed)
        #expect(e.reason == "malformed JSON: unclosed string")
        #expect(e.offset == 5)
        #expect(e.engineMessage == "A string is opened, but never closed.")
        #expect(e.description == "malformed JSON: unclosed string at byte 5")
    }

    @Test func trailingGarbage() throws {
        let e = try #require(error(#"{"a":1} x"#))
        #expect(e.kind == .malformed)
        #expect(e.reason.hasPrefix("malformed JSON: trailing characters after the JSON value"))
        #expect(e.offset == 8)
        #expect(error(#"{"a":1}{"b":2}"#)?.offset == 7)
    }

    @Test func emptyAndBlankLines() throws {
        for line in ["", "   ", "\t\r\n"] {
            let e = try #require(error(line))
            #expect(e.kind == .emptyLine)
            #expect(e.reason == "empty line")
        }
    }

    @Test func topLevelThatIsNotAnObject() throws {
        let cases: [(String, String, Int)] = [
            ("[1,2]", "line is a JSON array, not an object", 0),
            ("  \"s\"", "line is a JSON string, not an object", 2),
            ("42", "line is a JSON number, not an object", 0),
            ("true", "line is a JSON boolean, not an object", 0),
            ("null", "line is JSON null, not an object", 0),
        ]
        for (line, reason, offset) in cases {
            let e = try #require(error(line))
            #expect(e.kind == .notAnObject)
            #expect(e.reason == reason)
            #expect(e.offset == offset)
        }
    }

    @Test func invalidUTF8() throws {
        let e = try #require(error(Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)))
        #expect(e.kind == .invalidUTF8)
        #expect(e.reason == "malformed JSON: invalid UTF-8")
        #expect(e.offset == 6)
        #expect(error(Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8))?.kind == .invalidUTF8) // surrogate
        #expect(error(Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8))?.kind == .invalidUTF8)       // overlong
        #expect(error([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))?.kind == .malformed)                      // BOM
    }

    @Test func otherMalformedLinesHaveClearReasonsAndOffsets() throws {
        let cases: [(String, String, Int)] = [
            (#"{"a":1,}"#, "malformed JSON: unexpected '}' (expected a string key)", 7),
            (#"{"a" 1}"#, "malformed JSON: unexpected '1' (expected ':' after the object key)", 5),
            (#"{"a":1"#, "malformed JSON: unexpected end of input (expected ',' or '}' after an object member)", 6),
            (#"{"a":tru}"#, "malformed JSON: invalid literal (expected true, false or null)", 5),
            (#"{"a":01}"#, "malformed JSON: invalid number (expected no leading zeros)", 5),
            (#"{"a":1.}"#, "malformed JSON: invalid number (expected a digit after '.')", 5),
            (#"{"a":"\x"}"#, #"malformed JSON: invalid escape '\x' in string"#, 6),
            (#"{"a":"\ud800"}"#, #"malformed JSON: unpaired UTF-16 surrogate \uD800 in string"#, 6),
            ("{\"a\":\"\t\"}", "malformed JSON: unescaped control character U+0009 in string", 6),
            (#"{"a":[1,2}"#, "malformed JSON: unexpected '}' (expected ',' or ']' after an array element)", 9),
            (#"{a:1}"#, "malformed JSON: unexpected 'a' (expected a string key)", 1),
        ]
        for (line, reason, offset) in cases {
            let e = try #require(error(line), "\(line)")
            #expect(e.kind == .malformed, "\(line)")
            #expect(e.reason == reason, "\(line)")
            #expect(e.offset == offset, "\(line)")
            #expect(e.engineMessage != nil)
        }
    }

    @Test func lineLongerThanTheLimit() throws {
        let parser = JSONLineParser(maxLineBytes: 16)
        #expect(throws: JSONLineError(kind: .tooLarge, reason: "line is 20 bytes, longer than the limit of 16", engineMessage: "line is longer than the parser's limit")) {
            try parser.parseObject(Array(#"{"a":"0123456789ab"}"#.utf8))
        }
        #expect(try parser.parseObject(Array(#"{"a":"0123456"}"#.utf8)) == .object(JSONObject([("a", .string("0123456"))])))
    }

    @Test func parserRecoversAfterAnError() throws {
        let parser = JSONLineParser()
        #expect(throws: JSONLineError.self) { try parser.parseObject(Array("[".utf8)) }
        #expect(try parser.parseObject(Array(#"{"ok":true}"#.utf8)) == .object(JSONObject([("ok", .bool(true))])))
    }
}
