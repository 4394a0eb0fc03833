import EventJSON
import Testing

@Suite struct StringAndNumberTests {
    func field(_ json: String) throws -> JSONValue? {
        let parser = JSONLineParser()
        let viaSimdjson = try parser.extract(Array("{\"v\":\(json)}".utf8), paths: ExtractionPaths([["v"]]))[0]
        let viaReader = try JSONReader.parse("{\"v\":\(json)}")[path: ["v"]]
        #expect(viaSimdjson == viaReader, "\(json): simdjson and JSONReader disagree")
        return viaSimdjson
    }

    @Test func unicodeEscapesAndSurrogatePairs() throws {
        #expect(try field(#""\u00e9\u4e2d\u0041""#) == .string("é中A"))
        #expect(try field(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try field(#""\uD834\uDD1E clef""#) == .string("𝄞 clef"))
        #expect(try field(#""raw é 中 😀""#) == .string("raw é 中 😀"))
        #expect(try field(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{08}\u{0C}\n\r\t"))
        #expect(try field(#""\u0000nul""#) == .string("\u{0}nul"))
        #expect(try field(#""""#) == .string(""))
        let long = String(repeating: "abcdefghij", count: 50)
        #expect(try field("\"\(long)\"") == .string(long))
    }

    @Test func integersAtTheEdges() throws {
        #expect(try field("0") == .int(0))
        #expect(try field("-0") == .int(0))
        #expect(try field("9223372036854775807") == .int(.max))
        #expect(try field("-9223372036854775808") == .int(.min))
        // Beyond Int64 but within UInt64: rounded to the nearest double.
        #expect(try field("9223372036854775808") == .double(9223372036854775808.0))
        #expect(try field("18446744073709551615") == .double(18446744073709551615.0))
    }

    @Test func doublesAndExponents() throws {
        #expect(try field("0.5") == .double(0.5))
        #expect(try field("-0.0") == .double(-0.0))
        #expect(try field("1.0") == .double(1.0))
        #expect(try field("1e2") == .double(100))
        #expect(try field("1E+2") == .double(100))
        #expect(try field("-2.5e-3") == .double(-0.0025))
        #expect(try field("1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
        #expect(try field("5e-324") == .double(.leastNonzeroMagnitude))
        #expect(try field("1e-400") == .double(0))
        #expect(try field("0.1") == .double(0.1))
        #expect(try field("123456789012345678901234567890e-10") == .double(12345678901234567890.123456789))
    }

    @Test func numbersSimdjsonRejects() {
        let parser = JSONLineParser()
        // Integers beyond UInt64: JSONReader reads them as doubles, simdjson refuses them.
        #expect(throws: JSONLineError.self) { try parser.parseObject(Array(#"{"v":18446744073709551616}"#.utf8)) }
        #expect((try? JSONReader.parse(#"{"v":18446744073709551616}"#)) == .object(JSONObject([("v", .double(18446744073709551616.0))])))
        // Overflowing doubles: both refuse.
        #expect(throws: JSONLineError.self) { try parser.parseObject(Array(#"{"v":1e400}"#.utf8)) }
        #expect(throws: JSONReaderError.self) { try JSONReader.parse(#"{"v":1e400}"#) }
    }

    @Test func deepNestingUpTo512Levels() throws {
        let parser = JSONLineParser()
        func nested(_ arrays: Int) -> [UInt8] {
            Array(("{\"a\":" + String(repeating: "[", count: arrays) + String(repeating: "]", count: arrays) + "}").utf8)
        }
        let ok = nested(511) // 512 levels with the object
        let tree = try parser.parseObject(ok)
        #expect(try JSONReader.parse(ok) == tree)
        #expect(throws: JSONLineError.self) { try parser.parseObject(nested(512)) }
        #expect(throws: JSONReaderError.self) { try JSONReader.parse(nested(512)) }
    }
}
