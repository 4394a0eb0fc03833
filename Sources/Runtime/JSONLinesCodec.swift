import EventJSON
import Planner

/// JSON Lines over simdjson: reads only the event fields the plan uses, splices output.
///
/// The plan says which `event.` paths any expression reads; each line is parsed once
/// and just those values are extracted (plus `type` for routing and `id` for the
/// audit). A plan that reads the whole event (`event` alone) gets full parses.
public struct JSONLinesCodec: EventCodec {
    let paths: ExtractionPaths?
    /// Names the runtime may add to events; extracting them tells whether an event
    /// already has one (then the write merges instead of splicing).
    let addedNames: [String]

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
        emittedNames = plan.agents.filter(\.emit).flatMap { $0.outputs.map(\.name) }
        var added = Set(emittedNames)
        added.insert("_enrichment")
        addedNames = added.sorted()
        paths = wholeEvent ? nil : ExtractionPaths(needed.sorted { $0.lexicographicallyPrecedes($1) } + addedNames.map { [$0] })
        extractedCount = wholeEvent ? 0 : needed.count
    }

    /// How many of `paths` are event fields (the rest are the collision checks).
    let extractedCount: Int
    /// The outputs events may get, in plan order (the order of an event's fields).
    let emittedNames: [String]

    public func makeLineCodec() -> any EventLineCodec {
        SimdjsonLineCodec(paths: paths, extractedCount: extractedCount, addedNames: addedNames, emittedNames: emittedNames)
    }
}

/// One worker's parser and writer.
struct SimdjsonLineCodec: EventLineCodec {
    let paths: ExtractionPaths?
    let extractedCount: Int
    let addedNames: [String]
    let parser = JSONLineParser()
    let writer: EventLineWriter
    var values: [JSONValue?] = []
    var members: [UInt8] = []

    /// The top-level names among the extracted paths, in order.
    let topLevelKeys: [String]
    /// The plan's emitted output names in order, and each as `"name":` bytes, so names
    /// are not escaped again for every event.
    let emittedNames: [String]
    let encodedNames: PackedByteStrings

    init(paths: ExtractionPaths?, extractedCount: Int, addedNames: [String], emittedNames: [String]) {
        self.emittedNames = emittedNames
        encodedNames = PackedByteStrings(emittedNames.map { name in
            var bytes: [UInt8] = []
            JSONWriter.writeString(name, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            return bytes
        })
        self.paths = paths
        self.extractedCount = extractedCount
        topLevelKeys = paths.map { $0.paths[..<extractedCount].filter { $0.count == 1 }.map { $0[0] } } ?? []
        self.addedNames = addedNames
        writer = EventLineWriter(parser: parser)
    }

    mutating func decode(_ line: [UInt8]) -> Result<DecodedEvent, EventDecodeFailure> {
        do throws(JSONLineError) {
            guard let paths else {
                let event = try parser.parseObject(line)
                guard case .object(let object) = event else { return .success(DecodedEvent(value: event, fieldsMayCollide: true)) }
                return .success(DecodedEvent(value: event, fieldsMayCollide: addedNames.contains { object.member($0) != nil }))
            }
            let parser = self.parser
            // Move the buffer out so extraction reuses it instead of copying it.
            var values: [JSONValue?] = []
            swap(&values, &self.values)
            let extracted: Result<Void, JSONLineError> = line.withUnsafeBytes { raw in
                do throws(JSONLineError) {
                    try parser.extract(raw, paths: paths, into: &values)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            self.values = values
            try extracted.get()
            // Top-level fields (the usual case) go straight into one object; nested paths
            // are inserted afterwards. Inserting one by one would copy the object each time.
            // Paths are unique, so keys are. When every top-level field is present (the usual
            // case) the object shares one keys array instead of building its own.
            var keys: [String] = []
            var fieldValues: [JSONValue] = []
            fieldValues.reserveCapacity(extractedCount)
            var nested: [Int] = []
            var missing = false
            for index in 0..<extractedCount {
                let path = paths.paths[index]
                guard let value = values[index] else {
                    if path.count == 1, !missing {
                        missing = true
                        keys.reserveCapacity(extractedCount)
                        for earlier in paths.paths[..<index] where earlier.count == 1 { keys.append(earlier[0]) }
                    }
                    continue
                }
                if path.count == 1 {
                    if missing { keys.append(path[0]) }
                    fieldValues.append(value)
                } else {
                    nested.append(index)
                }
            }
            var event = JSONValue.object(JSONObject(uniqueKeys: missing ? keys : topLevelKeys, values: fieldValues))
            for index in nested {
                if let value = values[index] { event.insert(value, at: paths.paths[index][...]) }
            }
            let collides = values[extractedCount...].contains { $0 != nil }
            return .success(DecodedEvent(value: event, fieldsMayCollide: collides))
        } catch {
            return .failure(EventDecodeFailure(error.description))
        }
    }

    mutating func appendEnriched(line: [UInt8], event: DecodedEvent, fields: [(String, JSONValue)], metadata: [UInt8], to output: inout [UInt8]) {
        if !event.fieldsMayCollide {
            members.removeAll(keepingCapacity: true)
            // Fields come in plan order, a subsequence of the emitted names.
            var next = 0
            encodedNames.withReader { encoded in
                for index in fields.indices {
                    if let found = emittedNames[next...].firstIndex(of: fields[index].0) {
                        encoded.append(found, to: &members)
                        next = found + 1
                    } else {
                        JSONWriter.writeString(fields[index].0, into: &members)
                        members.append(UInt8(ascii: ":"))
                    }
                    JSONWriter.write(fields[index].1, into: &members)
                    members.append(UInt8(ascii: ","))
                }
            }
            members.appendStatic("\"_enrichment\":")
            members.append(contentsOf: metadata)
            line.withUnsafeBytes { writer.appendValidated($0, members: members, to: &output) }
            return
        }
        do throws(JSONLineError) {
            let tail = (try? JSONReader.parse(metadata)) ?? .null
            try writer.append(line, adding: fields + [("_enrichment", tail)], to: &output)
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
        // Let go of our reference first, so mutating the object does not copy it.
        self = .null
        var child = object[first] ?? .object(JSONObject())
        child.insert(value, at: path.dropFirst())
        object[first] = child
        self = .object(object)
    }
}
