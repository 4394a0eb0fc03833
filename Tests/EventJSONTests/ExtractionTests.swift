import EventJSON
import Testing

@Suite struct ExtractionTests {
    let event = #"""
    {"id":"e-1","type":"click","user_id":42,"geo":{"ip":"203.0.113.9","city":{"name":"Lyon"}},
     "tags":["a",{"k":"v"},3],"score":0.25,"ok":true,"nothing":null,"big":18446744073709551615}
    """#

    @Test func nestedPathsAndAllValueKinds() throws {
        let parser = JSONLineParser()
        let paths = ExtractionPaths([
            ["id"], ["user_id"], ["geo", "ip"], ["geo", "city", "name"], ["score"], ["ok"],
            ["nothing"], ["absent"], ["geo", "absent"], ["tags", "1", "k"], ["tags", "2"], ["tags", "9"],
            ["geo", "city"], ["tags"], ["id", "deeper"], ["big"],
        ])
        let values = try parser.extract(Array(event.utf8), paths: paths)
        #expect(values.count == paths.count)
        #expect(values[0] == .string("e-1"))
        #expect(values[1] == .int(42))
        #expect(values[2] == .string("203.0.113.9"))
        #expect(values[3] == .string("Lyon"))
        #expect(values[4] == .double(0.25))
        #expect(values[5] == .bool(true))
        #expect(values[6] == .null)          // present and null
        #expect(values[7] == nil)            // missing
        #expect(values[8] == nil)
        #expect(values[9] == .string("v"))
        #expect(values[10] == .int(3))
        #expect(values[11] == nil)           // index out of range
        #expect(values[12] == .object(JSONObject([("name", .string("Lyon"))])))
        #expect(values[13] == .array([.string("a"), .object(JSONObject([("k", .string("v"))])), .int(3)]))
        #expect(values[14] == nil)           // stepping into a string
        #expect(values[15] == .double(18446744073709551615.0))
    }

    @Test func extractionAgreesWithTheTreeAndSubscript() throws {
        let parser = JSONLineParser()
        let line = Array(event.utf8)
        let tree = try parser.parseObject(line)
        let pathList: [[String]] = [["geo", "city", "name"], ["tags", "0"], ["missing"], ["score"], []]
        let values = try parser.extract(line, paths: ExtractionPaths(pathList))
        for (path, value) in zip(pathList, values) {
            #expect(value == tree[path: path], "path \(path)")
        }
        #expect(try JSONReader.parse(line) == tree)
    }

    @Test func repeatedKeysLastOccurrenceWins() throws {
        let parser = JSONLineParser()
        let line = Array(#"{"a":1,"b":2,"a":3}"#.utf8)
        #expect(try parser.extract(line, paths: ExtractionPaths([["a"]])) == [.int(3)])
        let tree = try parser.parseObject(line)
        #expect(tree == .object(JSONObject([("a", .int(3)), ("b", .int(2))])))
        #expect(try JSONReader.parse(line) == tree)
    }

    @Test func escapedKeysMatchUnescapedNames() throws {
        let parser = JSONLineParser()
        let line = Array(#"{"caf\u00e9":"ok","a\"b":1,"x\/y":2}"#.utf8)
        let values = try parser.extract(line, paths: ExtractionPaths([["café"], ["a\"b"], ["x/y"]]))
        #expect(values == [.string("ok"), .int(1), .int(2)])
    }

    @Test func dottedPathsAndReuse() throws {
        let parser = JSONLineParser()
        let paths = ExtractionPaths(dotted: ["geo.ip", "id"])
        #expect(paths.paths == [["geo", "ip"], ["id"]])
        var out: [JSONValue?] = []
        for n in 0..<100 {
            let line = Array(#"{"id":\#(n),"geo":{"ip":"10.0.0.\#(n)"}}"#.utf8)
            try line.withUnsafeBytes { raw in try parser.extract(raw, paths: paths, into: &out) }
            #expect(out == [.string("10.0.0.\(n)"), .int(Int64(n))])
        }
    }

    @Test func manyPathsGrowTheScratch() throws {
        let parser = JSONLineParser()
        let names = (0..<40).map { "f\($0)" }
        let line = "{" + names.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + "}"
        let values = try parser.extract(Array(line.utf8), paths: ExtractionPaths(names.map { [$0] }))
        #expect(values == (0..<40).map { .int(Int64($0)) })
    }

    @Test func oneSharedPathsObjectAcrossThreads() async throws {
        let paths = ExtractionPaths([["n"]])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let parser = JSONLineParser()
                    for n in 0..<500 {
                        let value = try parser.extract(Array(#"{"n":\#(worker * 1000 + n)}"#.utf8), paths: paths)
                        #expect(value == [.int(Int64(worker * 1000 + n))])
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
