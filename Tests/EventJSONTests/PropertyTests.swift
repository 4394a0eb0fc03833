import EventJSON
import Testing

/// Seeded generator loops (bounded, reproducible): random objects spelled with random
/// whitespace and escapes, checked against JSONReader as the oracle.
@Suite struct PropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 0xE7E7]
    static let iterations = 300

    @Test(arguments: seeds)
    func simdjsonTreesAndExtractionMatchTheReader(seed: UInt64) throws {
        var random = RandomJSON(seed: seed)
        let parser = JSONLineParser()
        for _ in 0..<PropertyTests.iterations {
            let expected = JSONValue.object(random.object(depth: 0))
            let line = Array(random.text(expected).utf8)
            let tree = try parser.parseObject(line)
            #expect(tree == expected, "\(String(decoding: line, as: UTF8.self))")
            #expect(try JSONReader.parse(line) == expected)
            let pathList = random.paths(in: expected)
            let values = try parser.extract(line, paths: ExtractionPaths(pathList))
            for (path, value) in zip(pathList, values) {
                #expect(value == expected[path: path], "path \(path) in \(String(decoding: line, as: UTF8.self))")
            }
        }
    }

    @Test(arguments: seeds)
    func spliceEqualsOriginalPlusNewFields(seed: UInt64) throws {
        var random = RandomJSON(seed: seed &+ 100)
        let parser = JSONLineParser()
        let writer = EventLineWriter(parser: parser)
        var spliced = 0, merged = 0
        for _ in 0..<PropertyTests.iterations {
            let original = random.object(depth: 0)
            let text = random.whitespace() + random.text(.object(original)) + random.whitespace()
            let line = Array(text.utf8)
            var additions: [(String, JSONValue)] = []
            for _ in 0..<Int.random(in: 0...5, using: &random.rng) {
                additions.append((random.chance(80) ? "enriched_" + random.string(maxLength: 4) : random.key(), random.value(depth: 1)))
            }
            var expected = original
            for (name, value) in additions { expected[name] = value }

            // Sometimes the parser already holds this line (as after extract), sometimes not.
            if random.chance(50) { _ = try parser.extract(line, paths: ExtractionPaths([["id"]])) }
            var output: [UInt8] = Array("previous\n".utf8)
            try writer.append(line, adding: additions, to: &output)

            #expect(output.starts(with: Array("previous\n".utf8)))
            let written = Array(output.dropFirst(9))
            #expect(written.last == UInt8(ascii: "\n"))
            let body = Array(written.dropLast())
            #expect(try JSONReader.parse(body) == .object(expected), "\(text) + \(additions)")
            #expect(try parser.parseObject(body) == .object(expected))

            let newNames = Set(additions.map(\.0))
            let isSplice = newNames.count == additions.count && newNames.allSatisfy { original[$0] == nil }
            if isSplice {
                // Verbatim prefix: everything before the original's closing brace.
                let close = line.lastIndex(of: UInt8(ascii: "}"))!
                #expect(Array(body[..<close]) == Array(line[..<close]))
                spliced += 1
            } else {
                merged += 1
            }
        }
        #expect(spliced > 0 && merged > 0)
    }

    @Test(arguments: seeds)
    func writerOutputReadsBackAsTheSameValue(seed: UInt64) throws {
        var random = RandomJSON(seed: seed &+ 200)
        for _ in 0..<PropertyTests.iterations {
            let value = random.value(depth: 0)
            var bytes: [UInt8] = []
            JSONWriter.write(value, into: &bytes)
            #expect(try JSONReader.parse(bytes) == value, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(value.jsonText == String(decoding: bytes, as: UTF8.self))
        }
    }
}
