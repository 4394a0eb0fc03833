import EventJSON

/// Why an ingest request body was refused, and where: `line` and `column` (1-based, column
/// in bytes) of the first problem, and for an array the 1-based `element`.
public struct IngestBodyError: Error, Sendable, Equatable {
    public var reason: String
    public var line: Int
    public var column: Int
    public var element: Int?

    public init(reason: String, line: Int, column: Int, element: Int? = nil) {
        self.reason = reason
        self.line = line
        self.column = column
        self.element = element
    }

    /// `{"error": ..., "line": k, "column": c[, "element": e]}`.
    public var json: JSONValue {
        var object = JSONObject()
        object["error"] = .string(reason)
        object["line"] = .int(Int64(line))
        object["column"] = .int(Int64(column))
        if let element { object["element"] = .int(Int64(element)) }
        return .object(object)
    }
}

/// Splits an ingest request body into events: one JSON object, a JSON array of objects, or
/// NDJSON (one object per line; blank lines are skipped).
///
/// Every event is validated by simdjson (``JSONLineParser``) before any is accepted; the
/// first bad one refuses the whole body. A body starting with `{` that parses whole as one
/// object is one event (pretty-printed is fine); otherwise it is read as NDJSON. Events are
/// returned as their own bytes with line breaks (which valid JSON only has as whitespace)
/// turned into spaces, so each is one line of the run's input.
public enum IngestBody {
    public static func events(in body: [UInt8], parser: JSONLineParser) -> Result<[[UInt8]], IngestBodyError> {
        guard let first = body.firstIndex(where: { !isSpace($0) }) else {
            return .failure(IngestBodyError(reason: "the body is empty", line: 1, column: 1))
        }
        switch body[first] {
        case UInt8(ascii: "["): return array(body, from: first, parser: parser)
        case UInt8(ascii: "{"):
            if case .success = validate(body[...], parser: parser) { return .success([oneLine(body[first...])]) }
            return lines(body, parser: parser)
        default:
            return .failure(error(in: body, at: first, "expected a JSON object, an array of objects, or NDJSON"))
        }
    }

    /// NDJSON: each non-blank line one object.
    private static func lines(_ body: [UInt8], parser: JSONLineParser) -> Result<[[UInt8]], IngestBodyError> {
        var events: [[UInt8]] = []
        var start = 0
        var lineNumber = 1
        while start < body.count {
            let end = body[start...].firstIndex(of: UInt8(ascii: "\n")) ?? body.count
            var line = body[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if !line.allSatisfy(isSpace) {
                if case .failure(let problem) = validate(line, parser: parser) {
                    return .failure(IngestBodyError(reason: problem.reason, line: lineNumber, column: (problem.offset ?? 0) + 1))
                }
                events.append(Array(line))
            }
            start = end + 1
            lineNumber += 1
        }
        return .success(events)
    }

    /// A JSON array: its elements found by a scan that tracks strings and nesting, then each
    /// validated by simdjson on its own.
    private static func array(_ body: [UInt8], from open: Int, parser: JSONLineParser) -> Result<[[UInt8]], IngestBodyError> {
        var events: [[UInt8]] = []
        var index = open + 1
        func skipSpace() { while index < body.count, isSpace(body[index]) { index += 1 } }
        skipSpace()
        if index < body.count, body[index] == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                skipSpace()
                let start = index
                var depth = 0
                var inString = false
                scan: while index < body.count {
                    let byte = body[index]
                    if inString {
                        if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                    } else {
                        switch byte {
                        case UInt8(ascii: "\""): inString = true
                        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                        case UInt8(ascii: "}"), UInt8(ascii: "]"):
                            if depth == 0 { break scan }
                            depth -= 1
                        case UInt8(ascii: ","): if depth == 0 { break scan }
                        default: break
                        }
                    }
                    index += 1
                }
                let element = events.count + 1
                guard index < body.count else {
                    var problem = error(in: body, at: body.count, "the array is not closed")
                    problem.element = element
                    return .failure(problem)
                }
                var end = index
                while end > start, isSpace(body[end - 1]) { end -= 1 }
                guard end > start else {
                    var problem = error(in: body, at: start, "expected a value")
                    problem.element = element
                    return .failure(problem)
                }
                guard body[start] == UInt8(ascii: "{") else {
                    var problem = error(in: body, at: start, "element \(element) is not a JSON object")
                    problem.element = element
                    return .failure(problem)
                }
                if case .failure(let lineError) = validate(body[start..<end], parser: parser) {
                    var problem = error(in: body, at: start + (lineError.offset ?? 0), lineError.reason)
                    problem.element = element
                    return .failure(problem)
                }
                events.append(oneLine(body[start..<end]))
                let separator = body[index]
                index += 1
                if separator == UInt8(ascii: "]") { break }
                if separator != UInt8(ascii: ",") {
                    return .failure(error(in: body, at: index - 1, "unexpected `\(Character(UnicodeScalar(separator)))` in the array"))
                }
            }
        }
        skipSpace()
        if index < body.count { return .failure(error(in: body, at: index, "unexpected content after the array")) }
        return .success(events)
    }

    private static func validate(_ bytes: ArraySlice<UInt8>, parser: JSONLineParser) -> Result<Void, JSONLineError> {
        bytes.withUnsafeBytes { raw in
            do throws(JSONLineError) {
                try parser.validate(raw)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
    }

    /// The event on one line: CR and LF (whitespace wherever valid JSON has them) become spaces.
    private static func oneLine(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var line = Array(bytes)
        while let last = line.last, isSpace(last) { line.removeLast() }
        for index in line.indices where line[index] == 0x0A || line[index] == 0x0D { line[index] = 0x20 }
        return line
    }

    private static func error(in body: [UInt8], at offset: Int, _ reason: String) -> IngestBodyError {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, body.count) where body[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        return IngestBodyError(reason: reason, line: line, column: offset - lineStart + 1)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}
