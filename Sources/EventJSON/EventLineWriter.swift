/// Writes enriched events as JSON Lines by splicing new top-level fields into the original bytes.
///
/// For a line `{"id":1,"type":"click"}` and fields `[("score", .double(0.5))]` it appends
/// `{"id":1,"type":"click","score":0.5}` and a newline to the output. The original object is
/// copied verbatim up to its closing brace (its whitespace, key order, number spellings and
/// escapes survive); only the new fields are serialised. Whitespace after the closing brace is
/// dropped and `{}` (with any inner whitespace) gets no leading comma.
///
/// **Names that already exist.** The splice is only used when every new name is absent from the
/// original's top level and the new names are distinct. Otherwise the new value must win, and
/// appending a second member with the same name would leave the winner up to each reader; so the
/// writer falls back to a full re-serialisation: the line is parsed to a tree
/// (`JSONLineParser.parseObject`), each field is assigned in order (an existing key keeps its
/// position and takes the new value; a repeated new name keeps its last value), and the tree is
/// written with `JSONWriter`. That path is slower and normalises the original's formatting, but
/// it always yields one member per name.
///
/// The line must be a valid JSON object: the writer validates it with its parser unless that
/// parser's current document already is this exact line (as after `extract` on the same bytes),
/// in which case the earlier validation is reused. Like its parser, a writer belongs to one
/// thread.
public struct EventLineWriter {
    public let parser: JSONLineParser
    private let cache = NameCache()

    /// The names of the last tuple-list call, so a stable set of names is prepared only once.
    private final class NameCache {
        var names: SpliceFieldNames?
    }

    /// A writer that validates lines with `parser`; pass the worker's own parser so a line that
    /// was just extracted from is not parsed twice.
    public init(parser: JSONLineParser) {
        self.parser = parser
    }

    /// Appends `line` with `values` added under the prepared `names` (same count, same order)
    /// before its closing brace, then "\n", to `output`. The fastest form.
    public func append(
        _ line: UnsafeRawBufferPointer, names: SpliceFieldNames, values: [JSONValue], to output: inout [UInt8]
    ) throws(JSONLineError) {
        precondition(values.count == names.count, "EventLineWriter.append: one value per name")
        try append(line, names: names, to: &output) { values[$0] }
    }

    /// The shared core: splice when every name is new, otherwise merge.
    private func append(
        _ line: UnsafeRawBufferPointer, names: SpliceFieldNames, to output: inout [UInt8],
        value: (Int) -> JSONValue
    ) throws(JSONLineError) {
        if !parser.isCurrentDocument(line) { try parser.validate(line) }
        if names.hasRepeatedName || parser.currentDocumentHasAnyKey(bytes: names.raw, lengths: names.rawLengths) {
            try merge(line, names: names.names, values: (0..<names.count).map(value), into: &output)
            return
        }
        names.encoded.withUnsafeBufferPointer { encoded in
            splice(line, count: names.count, into: &output) { index, output in
                let start = index == 0 ? 0 : names.encodedEnds[index - 1]
                output.append(contentsOf: UnsafeBufferPointer(rebasing: encoded[start..<names.encodedEnds[index]]))
                JSONWriter.write(value(index), into: &output)
            }
        }
    }

    /// Appends `line` with `fields` added before its closing brace, then "\n", to `output`.
    ///
    /// The names are prepared as `SpliceFieldNames` and cached while successive calls pass the
    /// same names in the same order, which is the usual case for one pipeline.
    public func append(
        _ line: UnsafeRawBufferPointer, adding fields: [(String, JSONValue)], to output: inout [UInt8]
    ) throws(JSONLineError) {
        let names: SpliceFieldNames
        if let cached = cache.names, cached.matches(fields) {
            names = cached
        } else {
            names = SpliceFieldNames(fields.map(\.0))
            cache.names = names
        }
        try append(line, names: names, to: &output) { fields[$0].1 }
    }

    /// Appends `line` with the members of `fields` added, then "\n", to `output`.
    public func append(_ line: UnsafeRawBufferPointer, adding fields: JSONObject, to output: inout [UInt8]) throws(JSONLineError) {
        let names: SpliceFieldNames
        if let cached = cache.names, cached.names == fields.keys {
            names = cached
        } else {
            names = SpliceFieldNames(fields.keys)
            cache.names = names
        }
        try append(line, names: names, to: &output) { fields.values[$0] }
    }

    public func append(_ line: [UInt8], adding fields: [(String, JSONValue)], to output: inout [UInt8]) throws(JSONLineError) {
        let result: Result<Void, JSONLineError> = line.withUnsafeBytes { raw in
            do throws(JSONLineError) {
                return .success(try append(raw, adding: fields, to: &output))
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Appends `line` with already serialised members (`"a":1,"b":true`, no leading comma)
    /// spliced in before its closing brace, then "\n", without parsing `line` again.
    ///
    /// For hot paths that validated the line themselves (it was extracted from by this
    /// writer's parser) and know none of the new names is among its top-level keys; with
    /// either unknown, use the `append` overloads, which check.
    public func appendValidated(_ line: UnsafeRawBufferPointer, members: [UInt8], to output: inout [UInt8]) {
        splice(line, count: members.isEmpty ? 0 : 1, into: &output) { _, output in
            output.append(contentsOf: members)
        }
    }

    // MARK: internals

    /// The re-serialising path: parse to a tree, assign each field in order, write it all.
    private func merge(
        _ line: UnsafeRawBufferPointer, names: [String], values: [JSONValue], into output: inout [UInt8]
    ) throws(JSONLineError) {
        guard case .object(var object) = try parser.parseObject(line) else {
            preconditionFailure("parseObject returns objects")
        }
        for index in 0..<names.count { object[names[index]] = values[index] }
        JSONWriter.write(.object(object), into: &output)
        output.append(UInt8(ascii: "\n"))
    }

    /// Copies the validated object up to its closing brace, lets `writeField` append each new
    /// member, and closes the object and the line.
    private func splice(
        _ line: UnsafeRawBufferPointer, count: Int, into output: inout [UInt8],
        writeField: (Int, inout [UInt8]) -> Void
    ) {
        var close = line.count - 1
        while isWhitespace(line[close]) { close -= 1 }
        // line[close] is the object's closing brace; it is empty iff the previous non-blank is '{'.
        var previous = close - 1
        while isWhitespace(line[previous]) { previous -= 1 }
        var needsComma = line[previous] != UInt8(ascii: "{")
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[0..<close]))
        for index in 0..<count {
            if needsComma { output.append(UInt8(ascii: ",")) }
            needsComma = true
            writeField(index, &output)
        }
        output.append(UInt8(ascii: "}"))
        output.append(UInt8(ascii: "\n"))
    }

    @inline(__always)
    private func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
