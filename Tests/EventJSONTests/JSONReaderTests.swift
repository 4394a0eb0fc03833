import EventJSON
import Testing

@Suite struct JSONReaderTests {
    @Test func scalarsAtTopLevelAndWhitespace() throws {
        #expect(try JSONReader.parse(" 1 ") == .int(1))
        #expect(try JSONReader.parse("\"x\"") == .string("x"))
        #expect(try JSONReader.parse("\t\r\nnull\n") == .null)
        #expect(try JSONReader.parse("[true,false]") == .array([.bool(true), .bool(false)]))
        #expect(try JSONReader.parse(#"{"a":[{"b":[]}]}"#) == .object(JSONObject([("a", .array([.object(JSONObject([("b", .array([]))]))]))])))
    }

    @Test func errorsCarryKindReasonAndOffset() {
        func failure(_ text: String) -> JSONReaderError? {
            do { _ = try JSONReader.parse(text); return nil } catch { return error }
        }
        #expect(failure("") == JSONReaderError(kind: .empty, offset: 0, reason: "empty input"))
        #expect(failure("  ")?.kind == .empty)
        #expect(failure("[1 2]") == JSONReaderError(kind: .unexpectedCharacter, offset: 3, reason: "unexpected '2' (expected ',' or ']' after an array element)"))
        #expect(failure(#"["abc"#)?.kind == .unclosedString)
        #expect(failure(#"["\u12"]"#)?.kind == .invalidEscape)
        #expect(failure(#""\udc00""#)?.kind == .unpairedSurrogate)
        #expect(failure(#""\ud800\ud800""#)?.kind == .unpairedSurrogate)
        #expect(failure("-")?.kind == .invalidNumber)
        #expect(failure(".5")?.kind == .unexpectedCharacter)
        #expect(failure("1e")?.kind == .invalidNumber)
        #expect(failure("2x")?.kind == .invalidNumber)
        #expect(failure("nul")?.kind == .invalidLiteral)
        #expect(failure("nullx")?.kind == .invalidLiteral)
        #expect(failure("1 2") == JSONReaderError(kind: .trailingCharacters, offset: 2, reason: "trailing characters after the JSON value ('2')"))
        #expect(failure("[1e999]")?.kind == .numberOutOfRange)
        #expect(failure(#"{"a":1"#)?.kind == .unexpectedEnd)
        #expect(failure("[" + String(repeating: "[", count: 600))?.kind == .tooDeep)
        #expect(failure("[[]]")?.description == nil)
        #expect(failure("[1,]")?.description == "unexpected ']' (expected a value) at byte 3")
    }

    @Test func depthLimitIsConfigurable() throws {
        #expect(try JSONReader.parse("[[1]]", maxDepth: 2) == .array([.array([.int(1)])]))
        #expect(throws: JSONReaderError.self) { try JSONReader.parse("[[[1]]]", maxDepth: 2) }
    }

    @Test func invalidUTF8Offsets() throws {
        let bytes: [UInt8] = Array("[\"ab".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("\"]".utf8) // above U+10FFFF
        #expect(throws: JSONReaderError(kind: .invalidUTF8, offset: 4, reason: "invalid UTF-8")) { try JSONReader.parse(bytes) }
        bytes.withUnsafeBytes { #expect(JSONReader.firstInvalidUTF8Offset($0) == 4) }
        Array("ok é 😀".utf8).withUnsafeBytes { #expect(JSONReader.firstInvalidUTF8Offset($0) == nil) }
    }

    @Test func repeatedKeysKeepFirstPositionAndLastValue() throws {
        let value = try JSONReader.parse(#"{"a":1,"b":2,"a":3}"#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["a", "b"])
        #expect(object.values == [.int(3), .int(2)])
        // Many keys take the hashed duplicate check.
        let many = "{" + (0..<40).map { "\"k\($0 % 30)\":\($0)" }.joined(separator: ",") + "}"
        guard case .object(let big) = try JSONReader.parse(many) else { Issue.record("not an object"); return }
        #expect(big.count == 30)
        #expect(big["k0"] == .int(30))
    }
}
