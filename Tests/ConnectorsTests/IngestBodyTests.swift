import Connectors
import EventJSON
import Testing

/// The three body shapes are read into events; the first bad event is named by line and column.
@Suite struct IngestBodyTests {
    func events(_ text: String) -> Result<[String], IngestBodyError> {
        IngestBody.events(in: Array(text.utf8), parser: JSONLineParser()).map { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    @Test func oneObjectIsOneEventEvenPrettyPrinted() throws {
        #expect(try events(#"{"n":1}"#).get() == [#"{"n":1}"#])
        #expect(try events("{\n  \"n\": 1,\n  \"s\": \"a b\"\n}\n").get() == [#"{   "n": 1,   "s": "a b" }"#])
    }

    @Test func arrayOfObjectsIsOneEventEach() throws {
        #expect(try events(#"[{"n":1}, {"n":[2,{"x":"]"}]} ,{"s":"a,b}"}]"#).get() == [#"{"n":1}"#, #"{"n":[2,{"x":"]"}]}"#, #"{"s":"a,b}"}"#])
        #expect(try events("[\n{\"n\":1},\n{\"n\":2}\n]").get() == [#"{"n":1}"#, #"{"n":2}"#])
        #expect(try events(" [ ] ").get() == [])
    }

    @Test func ndjsonSkipsBlankLinesAndCarriageReturns() throws {
        #expect(try events("{\"n\":1}\r\n\n  \n{\"n\":2}\n{\"n\":3}").get() == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
    }

    @Test func badNDJSONLineIsNamedByLineAndColumn() {
        guard case .failure(let error) = events("{\"n\":1}\n{\"n\":2}\n{\"n\":3,,}\n{\"n\":4}") else {
            Issue.record("a bad third line was accepted")
            return
        }
        #expect(error.line == 3)
        #expect(error.column == 8)
        #expect(error.reason.contains("malformed JSON"))
        guard case .failure(let scalar) = events("{\"n\":1}\n42\n") else {
            Issue.record("a number line was accepted")
            return
        }
        #expect(scalar.line == 2)
        #expect(scalar.reason.contains("not an object"))
    }

    @Test func badArrayElementIsNamedWithItsPosition() {
        guard case .failure(let notObject) = events("[{\"n\":1},\n 7]") else {
            Issue.record("an array holding a number was accepted")
            return
        }
        #expect(notObject.element == 2)
        #expect(notObject.line == 2 && notObject.column == 2)
        guard case .failure(let malformed) = events("[{\"n\":1},{\"n\":tru}]") else {
            Issue.record("a malformed element was accepted")
            return
        }
        #expect(malformed.element == 2)
        #expect(malformed.line == 1)
        guard case .failure(let unclosed) = events("[{\"n\":1}") else {
            Issue.record("an unclosed array was accepted")
            return
        }
        #expect(unclosed.reason.contains("not closed"))
        guard case .failure(let trailing) = events("[{\"n\":1}] x") else {
            Issue.record("content after the array was accepted")
            return
        }
        #expect(trailing.column == 11)
    }

    @Test func emptyOrScalarBodiesAreRefused() {
        guard case .failure(let empty) = events("  \n") else {
            Issue.record("an empty body was accepted")
            return
        }
        #expect(empty.reason == "the body is empty")
        guard case .failure(let scalar) = events("\n\"text\"") else {
            Issue.record("a string body was accepted")
            return
        }
        #expect(scalar.line == 2 && scalar.column == 1)
    }

    @Test func errorRendersAsJSONWithLineAndColumn() {
        let error = IngestBodyError(reason: "bad", line: 3, column: 4, element: nil)
        var bytes: [UInt8] = []
        JSONWriter.write(error.json, into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"error":"bad","line":3,"column":4}"#)
    }
}
