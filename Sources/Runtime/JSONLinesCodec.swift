import EventJSON
import Planner

/// JSON Lines over simdjson: reads only the event fields the plan uses, splices output.
///
/// The plan says which `event.` paths any expression reads; each line is parsed once
/// and just those values are extracted (plus `type` for routing and `id` for the
/// audit). A plan that reads the whole event (`event` alone) gets full parses.
public struct JSONLinesCodec: EventCodec {
    let paths: ExtractionPaths?

    public init(plan: Plan) {
        var needed: Set<[String]> = [["type"], ["id"]]
        var wholeEvent = false
        for expression in plan.expressions {
            expression.visit { node in
                if case .event(let path) = node {
                    if path.isEmpty { wholeEvent = true } else { needed.insert(path) }
                }
            }
        }
        paths = wholeEvent ? nil : ExtractionPaths(needed.sorted { $0.lexicographicallyPrecedes($1) })
    }

    public func makeLineCodec() -> any EventLineCodec {
        SimdjsonLineCodec(paths: paths)
    }
}

/// One worker's parser and writer.
struct SimdjsonLineCodec: EventLineCodec {
    let paths: ExtractionPaths?
    let parser = JSONLineParser()
    let writer: EventLineWriter
    var values: [JSONValue?] = []

    init(paths: ExtractionPaths?) {
        self.paths = paths
        writer = EventLineWriter(parser: parser)
    }

    mutating func decode(_ line: [UInt8]) -> Result<JSONValue, EventDecodeFailure> {
        do throws(JSONLineError) {
            guard let paths else { return .success(try parser.parseObject(line)) }
            values = try parser.extract(line, paths: paths)
            var event = JSONValue.object(JSONObject())
            for (path, value) in zip(paths.paths, values) {
                if let value { event.insert(value, at: path[...]) }
            }
            return .success(event)
        } catch {
            return .failure(EventDecodeFailure(error.description))
        }
    }

    mutating func appendEnriched(line: [UInt8], fields: [(String, JSONValue)], to output: inout [UInt8]) {
        do throws(JSONLineError) {
            try writer.append(line, adding: fields, to: &output)
        } catch {
            // The line parsed moments ago; failing now means memory corruption or a bug.
            preconditionFailure("a decoded event could not be written back: \(error)")
        }
    }
}

extension JSONValue {
    /// Sets the value at `path`, creating objects along the way.
    mutating func insert(_ value: JSONValue, at path: ArraySlice<String>) {
        guard let first = path.first else {
            self = value
            return
        }
        guard case .object(var object) = self else { return }
        var child = object[first] ?? .object(JSONObject())
        child.insert(value, at: path.dropFirst())
        object[first] = child
        self = .object(object)
    }
}
