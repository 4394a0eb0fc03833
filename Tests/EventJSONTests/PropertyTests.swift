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

/// Random corruptions of valid lines: simdjson and JSONReader must agree on what is valid, and
/// every rejection must carry a reason (and, from the reader, an offset).
@Suite struct MutationTests {
    @Test(arguments: [11, 12, 13] as [UInt64])
    func simdjsonAndReaderAgreeOnCorruptedLines(seed: UInt64) throws {
        var random = RandomJSON(seed: seed)
        let parser = JSONLineParser()
        let alphabet = Array(#"{}[]:,"\ 0123456789.eE+-tfnul"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xE2, 0xF0, 0xFF]
        var rejected = 0
        for _ in 0..<400 {
            var line = Array(random.text(.object(random.object(depth: 0))).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &random.rng) {
                let at = Int.random(in: 0...line.count, using: &random.rng)
                switch Int.random(in: 0..<3, using: &random.rng) {
                case 0 where at < line.count: line[at] = alphabet.randomElement(using: &random.rng)!
                case 1 where at < line.count: line.remove(at: at)
                default: line.insert(alphabet.randomElement(using: &random.rng)!, at: at)
                }
            }
            let reader = try? JSONReader.parse(line)
            let readerObject: JSONValue? = if case .object = reader { reader } else { nil }
            do {
                let tree = try parser.parseObject(line)
                #expect(tree == readerObject, "simdjson accepted, reader did not: \(String(decoding: line, as: UTF8.self))")
            } catch {
                rejected += 1
                #expect(!error.reason.isEmpty)
                if readerObject != nil {
                    // The one known difference: integers beyond UInt64.
                    let digitsRun = String(decoding: line, as: UTF8.self).split(whereSeparator: { !$0.isNumber }).map(\.count).max() ?? 0
                    #expect(digitsRun >= 20, "reader accepted, simdjson did not (\(error)): \(String(decoding: line, as: UTF8.self))")
                } else if error.kind == .malformed || error.kind == .invalidUTF8 {
                    #expect(error.offset != nil, "\(error)")
                }
            }
        }
        #expect(rejected > 100)
    }
}
