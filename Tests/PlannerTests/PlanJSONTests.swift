import Testing

@testable import Planner

@Suite("plan JSON text")
struct PlanJSONTests {
    @Test func stringsWithEscapesRoundTrip() throws {
        let value = PlanJSON.object(["k": .string("quote \" backslash \\ tab \t newline \n bell \u{07} é 😀")])
        #expect(try PlanJSONReader.read(PlanJSONWriter.write(value)) == value)
        #expect(try PlanJSONReader.read(Array(#""\ud83d\ude00 \u00e9""#.utf8)) == .string("😀 é"))
    }

    @Test func integersAndFloatsStayApart() throws {
        let value = PlanJSON.array([.int(5), .float(5), .float(0.1), .int(.min), .float(1e300)])
        #expect(try PlanJSONReader.read(PlanJSONWriter.write(value)) == value)
    }

    @Test func longContainersSpreadOverLines() {
        let long = PlanJSON.array((0..<40).map { .int(Int64($0)) })
        let text = String(decoding: PlanJSONWriter.write(.object(["numbers": long])), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"numbers\": [\n    0,\n    1,\n"))
        let short = String(decoding: PlanJSONWriter.write(.object(["b": .int(1), "a": .array([])])), as: UTF8.self)
        #expect(short == "{\"a\": [], \"b\": 1}\n")
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        #expect(throws: PlanJSONReader.SyntaxError(message: "expected `,` or `}` at line 2, column 9")) {
            try PlanJSONReader.read(Array("{\"a\": 1,\n \"b\": 2 \"c\": 3}".utf8))
        }
        #expect(throws: PlanJSONReader.SyntaxError(message: "key `a` appears twice at line 1, column 10")) {
            try PlanJSONReader.read(Array(#"{"a": 1, "a": 2}"#.utf8))
        }
        #expect(throws: PlanJSONReader.SyntaxError(message: "unexpected text after the end of the document at line 1, column 4")) {
            try PlanJSONReader.read(Array("{} x".utf8))
        }
    }
}
