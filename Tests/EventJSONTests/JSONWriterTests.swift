import EventJSON
import Testing

@Suite struct JSONWriterTests {
    func text(_ value: JSONValue) -> String { value.jsonText }

    @Test func stringEscapes() throws {
        #expect(text(.string("a\"b\\c/d")) == #""a\"b\\c/d""#)
        #expect(text(.string("\n\r\t\u{08}\u{0C}")) == #""\n\r\t\b\f""#)
        #expect(text(.string("\u{0}\u{1}\u{1F}\u{7F}")) == "\"\\u0000\\u0001\\u001f\u{7F}\"")
        #expect(text(.string("é中😀\u{2028}")) == "\"é中😀\u{2028}\"")
        for sample in ["", "plain", "a\"b", "\u{0}x\u{1F}", "😀\\n", String(repeating: "ab\"", count: 100)] {
            #expect(try JSONReader.parse(text(.string(sample))) == .string(sample))
        }
    }

    @Test func numbers() throws {
        #expect(text(.int(0)) == "0")
        #expect(text(.int(7)) == "7")
        #expect(text(.int(-7)) == "-7")
        #expect(text(.int(.max)) == "9223372036854775807")
        #expect(text(.int(.min)) == "-9223372036854775808")
        #expect(text(.double(1)) == "1.0")
        #expect(text(.double(-0.0)) == "-0.0")
        #expect(text(.double(0.1)) == "0.1")
        #expect(text(.double(1e300)) == "1e+300")
        #expect(text(.double(.nan)) == "null")
        #expect(text(.double(.infinity)) == "null")
        for number in [0.1, -2.5e-8, 1e15, 1e16, 123456789.125, .greatestFiniteMagnitude, .leastNonzeroMagnitude, -0.0] {
            #expect(try JSONReader.parse(text(.double(number))) == .double(number))
        }
        for number: Int64 in [0, 1, -1, 10, -10, 1234567890123, .max, .min] {
            #expect(try JSONReader.parse(text(.int(number))) == .int(number))
        }
    }

    @Test func containersKeepOrder() throws {
        let value = JSONValue.object(JSONObject([("z", .int(1)), ("a", .array([.null, .bool(false), .object(JSONObject())])), ("m", .string("x"))]))
        #expect(text(value) == #"{"z":1,"a":[null,false,{}],"m":"x"}"#)
        #expect(try JSONReader.parse(text(value)) == value)
    }
}

@Suite struct ShortDecimalTests {
    @Test func shortDecimalsReadBackExactly() throws {
        let samples: [Double] = [0.734, -0.5, 0.000001, -0.000123, 12.5, 999_999_999.999999, 0.1 + 0.2, 1.0 / 3.0, 2.675, -1e-7, 5e-7]
        for number in samples {
            let text = JSONValue.double(number).jsonText
            #expect(try JSONReader.parse(text) == .double(number), "\(number) → \(text)")
            #expect(Double(text) == number)
        }
        #expect(JSONValue.double(0.734).jsonText == "0.734")
        #expect(JSONValue.double(-0.000123).jsonText == "-0.000123")
        #expect(JSONValue.double(0.1 + 0.2).jsonText == "0.30000000000000004")
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<20_000 {
            let number = Double(Int64.random(in: -10_000_000...10_000_000, using: &rng)) / [1, 10, 100, 1000, 1e6, 3, 7][Int.random(in: 0..<7, using: &rng)]
            let text = JSONValue.double(number).jsonText
            #expect(Double(text) == number, "\(number) → \(text)")
            // Never longer than Swift's shortest spelling (ignoring the exponent form).
            if !number.description.contains("e") {
                #expect(text.count <= number.description.count, "\(number): \(text) vs \(number.description)")
            }
        }
    }
}
