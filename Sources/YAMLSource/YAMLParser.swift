import CYAML
import Diagnostics

/// Builds a located ``YAMLNode`` tree from a file with libyaml's event API.
///
/// The walk is iterative (no recursion), so nesting depth costs no stack, and every
/// limit in ``YAMLLimits`` is enforced while parsing. Problems are reported to the
/// collector; the result is nil when the file holds no usable document.
public enum YAMLParser {
    public static func parse(_ file: SourceFile, limits: YAMLLimits = .default, diagnostics: inout DiagnosticCollector) -> YAMLNode? {
        if file.bytes.count > limits.maxFileBytes {
            diagnostics.emit(Diagnostic(.fileTooLarge, "file is larger than the \(ByteCountText.describe(limits.maxFileBytes)) limit for pipeline files", at: .startOf(file: file.path)))
            return nil
        }
        if let bad = UTF8Validation.firstInvalidOffset(in: file.bytes) {
            let byte = String(file.bytes[bad], radix: 16, uppercase: true)
            diagnostics.emit(Diagnostic(
                .invalidUTF8, "file is not valid UTF-8: byte 0x\(byte) cannot appear here",
                at: file.range(from: bad, to: bad + 1),
                help: ["save the file as UTF-8 (for example `iconv -f latin1 -t utf-8 in.yaml > out.yaml`)"]))
            return nil
        }
        if isBlank(file.bytes) {
            diagnostics.emit(Diagnostic(
                .emptyFile, "file holds no pipeline (it is empty or only comments)",
                at: .startOf(file: file.path),
                help: ["a pipeline needs at least an `agents:` list"]))
            return nil
        }
        var builder = TreeBuilder(file: file, limits: limits)
        let root = builder.run()
        diagnostics.emit(contentsOf: builder.diagnostics)
        return root
    }

    private static func isBlank(_ bytes: [UInt8]) -> Bool {
        var inComment = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): inComment = false
            case _ where inComment: continue
            case UInt8(ascii: "#"): inComment = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0xEF, 0xBB, 0xBF: continue
            case UInt8(ascii: "-"), UInt8(ascii: "."): continue  // bare document markers
            default: return false
            }
        }
        return true
    }
}

/// One open collection while the event stream is walked.
private struct Frame {
    enum Kind { case sequence, mapping }
    let kind: Kind
    let start: SourceLocation
    let anchor: String?
    let tag: String?
    let isFlow: Bool
    var items: [YAMLNode] = []
    var pairs: [YAMLPair] = []
    /// Key text → index in `pairs`, built once the mapping grows past `indexThreshold`
    /// (smaller mappings find duplicates by a linear scan, cheaper than hashing).
    var keyIndex: [String: Int]?
    var pendingKey: YAMLNode?
    /// The pending key was not a scalar (already reported): its value is dropped.
    var pendingKeyIsInvalid = false
    var merges: [(YAMLNode, SourceRange)] = []
    var nodeCount = 1

    static let indexThreshold = 16

    init(kind: Kind, start: SourceLocation, anchor: String?, tag: String?, isFlow: Bool) {
        self.kind = kind
        self.start = start
        self.anchor = anchor
        self.tag = tag
        self.isFlow = isFlow
    }

    /// The index in `pairs` of the pair whose key is `key`, if any.
    func index(ofKey key: String) -> Int? {
        if let keyIndex { return keyIndex[key] }
        for index in pairs.indices {
            if case .scalar(let scalar) = pairs[index].key.content, scalar.value == key { return index }
        }
        return nil
    }

    mutating func append(_ pair: YAMLPair, key: String) {
        if keyIndex != nil {
            keyIndex![key] = pairs.count
        } else if pairs.count == Self.indexThreshold {
            var index: [String: Int] = [:]
            index.reserveCapacity(pairs.count * 2)
            for (position, existing) in pairs.enumerated() where index[existing.keyText] == nil {
                index[existing.keyText] = position
            }
            index[key] = pairs.count
            keyIndex = index
        }
        pairs.append(pair)
    }
}

private struct TreeBuilder {
    let file: SourceFile
    let limits: YAMLLimits
    var diagnostics: [Diagnostic] = []
    var offsets: MarkOffsets
    /// The open collections, innermost last (a stack, so depth costs no call stack).
    var frames: [Frame] = []
    var anchors: [String: (node: YAMLNode, count: Int)] = [:]
    var aliasCount = 0
    var totalNodes = 0
    var root: YAMLNode?
    var documents = 0

    init(file: SourceFile, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
        self.offsets = MarkOffsets(file: file)
    }

    mutating func run() -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            diagnostics.append(Diagnostic(.yamlSyntax, "libyaml could not be initialised (out of memory?)", at: .startOf(file: file.path)))
            return nil
        }
        defer { yaml_parser_delete(&parser) }
        return file.bytes.withUnsafeBufferPointer { buffer -> YAMLNode? in
            // A byte-order mark is not given to libyaml: with the encoding set explicitly it
            // would read it as a character on the first line and misjudge its indentation.
            let start = offsets.firstCharacterOffset
            yaml_parser_set_input_string(&parser, buffer.baseAddress.map { $0 + start }, buffer.count - start)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    reportParserError(parser)
                    return nil
                }
                defer { yaml_event_delete(&event) }
                switch handle(&event) {
                case .proceed: continue
                case .stop: return root
                case .abort: return nil
                }
            }
        }
    }

    enum Step { case proceed, stop, abort }

    private mutating func location(_ mark: yaml_mark_t) -> Int {
        offsets.byteOffset(ofCharacter: Int(mark.index))
    }

    /// Offset, line and column of a mark, without a search in the line table.
    private mutating func sourceLocation(_ mark: yaml_mark_t) -> SourceLocation {
        offsets.location(of: mark)
    }

    private func range(_ start: SourceLocation, _ end: SourceLocation) -> SourceRange {
        SourceRange(path: file.sourcePath, start: start, end: end.offset >= start.offset ? end : start)
    }

    private mutating func handle(_ event: inout yaml_event_t) -> Step {
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return .stop
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                let start = location(event.start_mark)
                diagnostics.append(Diagnostic(
                    .unsupportedYAML, "a pipeline file holds one YAML document; a second one starts here",
                    at: file.range(from: start, to: start + 3),
                    help: ["put each pipeline in its own file"]))
                return .stop
            }
            return .proceed
        case YAML_SCALAR_EVENT:
            let start = sourceLocation(event.start_mark)
            let end = sourceLocation(event.end_mark)
            let value = String(decoding: UnsafeBufferPointer(start: event.data.scalar.value, count: Int(event.data.scalar.length)), as: UTF8.self)
            let style: YAMLScalar.Style =
                switch event.data.scalar.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
            guard let tag = checkedTag(event.data.scalar.tag, at: start.offset) else { return .abort }
            let node = YAMLNode(content: .scalar(YAMLScalar(value: value, style: style)), range: range(start, end), tag: tag.value)
            return add(node, count: 1, anchor: string(event.data.scalar.anchor))
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let start = sourceLocation(event.start_mark)
            if frames.count >= limits.maxDepth {
                diagnostics.append(Diagnostic(
                    .nestingTooDeep, "nesting is deeper than the limit of \(limits.maxDepth) levels",
                    at: file.range(from: start.offset, to: start.offset + 1),
                    help: ["pipeline files never need this depth; check for a generated or corrupted file"]))
                return .abort
            }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let rawTag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
            let rawAnchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            let isFlow = isMapping
                ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
            guard let tag = checkedTag(rawTag, at: start.offset) else { return .abort }
            frames.append(Frame(kind: isMapping ? .mapping : .sequence, start: start, anchor: string(rawAnchor), tag: tag.value, isFlow: isFlow))
            return countNodes(1, at: start.offset)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard var frame = frames.popLast() else { return .abort }
            let eventEnd = sourceLocation(event.end_mark)
            var end = eventEnd
            if !frame.isFlow {
                // A block collection ends with its last item, not at the next token.
                let lastEnd = frame.kind == .mapping ? frame.pairs.last?.value.range.end : frame.items.last?.range.end
                end = lastEnd ?? eventEnd
                if end.offset < frame.start.offset + 1 { end = file.location(ofOffset: frame.start.offset + 1) }
            }
            let range = range(frame.start, end)
            let node: YAMLNode
            switch frame.kind {
            case .sequence:
                node = YAMLNode(content: .sequence(frame.items), range: range, tag: frame.tag)
            case .mapping:
                if !frame.merges.isEmpty { applyMerges(&frame) }
                node = YAMLNode(content: .mapping(frame.pairs), range: range, tag: frame.tag)
            }
            // The collection's own node was counted at its start; its children add theirs.
            return add(node, count: frame.nodeCount, anchor: frame.anchor, alreadyCounted: true)
        case YAML_ALIAS_EVENT:
            let start = sourceLocation(event.start_mark)
            let end = sourceLocation(event.end_mark)
            let aliasRange = range(start, end)
            let name = string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                diagnostics.append(Diagnostic(
                    .yamlSyntax, "alias `*\(name)` refers to no anchor defined before it",
                    at: aliasRange,
                    help: ["define `&\(name)` on a node above this alias"]))
                return .abort
            }
            aliasCount += 1
            if aliasCount > limits.maxAliases {
                diagnostics.append(Diagnostic(
                    .aliasLimit, "more than \(limits.maxAliases) aliases in one file",
                    at: aliasRange,
                    help: ["this looks like an alias bomb; pipeline files need few aliases"]))
                return .abort
            }
            if anchored.count > limits.maxNodes - totalNodes {
                diagnostics.append(Diagnostic(
                    .aliasLimit, "expanding alias `*\(name)` would grow the document past \(limits.maxNodes) nodes",
                    at: aliasRange,
                    notes: [DiagnosticNote("the anchor is defined here", at: anchored.node.range)],
                    help: ["aliases that nest other aliases grow exponentially (a \"billion laughs\" document); expand them by hand or restructure"]))
                return .abort
            }
            var node = anchored.node
            node.range = aliasRange
            return add(node, count: anchored.count, anchor: nil)
        default:
            return .proceed
        }
    }

    private mutating func countNodes(_ count: Int, at offset: Int) -> Step {
        totalNodes += count
        if totalNodes > limits.maxNodes {
            diagnostics.append(Diagnostic(
                .aliasLimit, "the document grows past \(limits.maxNodes) nodes",
                at: file.range(from: offset, to: offset + 1)))
            return .abort
        }
        return .proceed
    }

    /// Attaches a finished node to the enclosing collection (or makes it the root).
    private mutating func add(_ node: YAMLNode, count: Int, anchor: String?, alreadyCounted: Bool = false) -> Step {
        if !alreadyCounted, case .abort = countNodes(count, at: node.range.start.offset) {
            return .abort
        }
        if let anchor { anchors[anchor] = (node, count) }
        guard !frames.isEmpty else {
            root = node
            return .proceed
        }
        // Mutate the parent in place (an inout access to the array element, no copy).
        Self.attach(node, count: count, to: &frames[frames.count - 1], diagnostics: &diagnostics)
        return .proceed
    }

    private static func attach(_ node: YAMLNode, count: Int, to parent: inout Frame, diagnostics: inout [Diagnostic]) {
        parent.nodeCount += count
        switch parent.kind {
        case .sequence:
            parent.items.append(node)
        case .mapping:
            guard let key = parent.pendingKey else {
                if parent.pendingKeyIsInvalid {
                    parent.pendingKeyIsInvalid = false  // the value of a rejected key
                    return
                }
                guard case .scalar = node.content else {
                    diagnostics.append(Diagnostic(
                        .unsupportedYAML, "mapping keys must be plain text, not \(node.kindDescription)",
                        at: node.range))
                    parent.pendingKeyIsInvalid = true
                    return
                }
                parent.pendingKey = node
                return
            }
            parent.pendingKey = nil
            guard case .scalar(let keyScalar) = key.content else { return }
            let keyText = keyScalar.value
            if keyText == "<<", keyScalar.style == .plain {
                parent.merges.append((node, key.range))
                return
            }
            if let first = parent.index(ofKey: keyText) {
                diagnostics.append(Diagnostic(
                    .duplicateKey, "duplicate key `\(keyText)` in this mapping",
                    at: key.range,
                    notes: [DiagnosticNote("`\(keyText)` was first set here; that value is the one kept", at: parent.pairs[first].key.range)],
                    help: ["remove one of the two, or merge their contents"]))
                return
            }
            parent.append(YAMLPair(key: key, value: node), key: keyText)
        }
    }

    /// Applies YAML merge keys (`<<: *defaults`): explicit keys win, earlier sources win.
    private mutating func applyMerges(_ frame: inout Frame) {
        for (source, keyRange) in frame.merges {
            let sources: [YAMLNode]
            switch source.content {
            case .mapping: sources = [source]
            case .sequence(let items): sources = items
            case .scalar:
                diagnostics.append(Diagnostic(.wrongValueType, "a merge key `<<` needs a mapping or a list of mappings, found \(source.kindDescription)", at: source.range, notes: [DiagnosticNote("merge key here", at: keyRange)]))
                continue
            }
            for mergeSource in sources {
                guard let pairs = mergeSource.mapping else {
                    diagnostics.append(Diagnostic(.wrongValueType, "a merge key `<<` needs mappings, found \(mergeSource.kindDescription)", at: mergeSource.range))
                    continue
                }
                for pair in pairs where frame.index(ofKey: pair.keyText) == nil {
                    frame.append(pair, key: pair.keyText)
                }
            }
        }
    }

    private static let standardTags: Set<String> = [
        "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge",
        "tag:yaml.org,2002:timestamp",
    ]

    private mutating func checkedTag(_ raw: UnsafeMutablePointer<yaml_char_t>?, at offset: Int) -> (value: String?, Void)? {
        guard let tag = string(raw) else { return (nil, ()) }
        guard Self.standardTags.contains(tag) else {
            diagnostics.append(Diagnostic(
                .unsupportedYAML, "custom YAML tag `\(tag)` is not supported in pipeline files",
                at: file.range(from: offset, to: tagEnd(from: offset)),
                help: ["remove the tag; pipeline files hold plain data (standard tags like `!!str` are fine)"]))
            return nil
        }
        return (tag, ())
    }

    /// The end of the tag token written at `offset` (up to the next blank).
    private func tagEnd(from offset: Int) -> Int {
        var index = offset
        while index < file.bytes.count, ![UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(file.bytes[index]) {
            index += 1
        }
        return max(index, offset + 1)
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    private mutating func reportParserError(_ parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
        let context = parser.context.map { String(cString: $0) }
        // Reader errors (a control character, say) carry a byte offset and no mark.
        let problemOffset = parser.error == YAML_READER_ERROR
            ? min(offsets.firstCharacterOffset + Int(parser.problem_offset), file.bytes.count)
            : min(location(parser.problem_mark), file.bytes.count)
        if let tab = firstIndentationTab(upToLineOf: problemOffset) {
            diagnostics.append(Diagnostic(
                .tabIndentation, "tab character used for indentation",
                at: file.range(from: tab, to: tab + 1),
                notes: [DiagnosticNote("libyaml stopped here: \(problem)", at: file.range(from: problemOffset, to: problemOffset))],
                help: ["YAML indents with spaces only; replace the tabs with spaces"]))
            return
        }
        var notes: [DiagnosticNote] = []
        if context != nil, parser.context_mark.index != parser.problem_mark.index || parser.context_mark.line != parser.problem_mark.line {
            let contextOffset = min(location(parser.context_mark), file.bytes.count)
            notes.append(DiagnosticNote("\(context!) that starts here", at: file.range(from: contextOffset, to: contextOffset + 1)))
        }
        let message = context.map { "\(problem) \($0)" } ?? problem
        var help: [String] = []
        if problem.contains("end of stream"), context?.contains("quoted scalar") == true {
            help.append("close the string with the same quote it was opened with")
        }
        let end = min(problemOffset + 1, file.bytes.count)
        diagnostics.append(Diagnostic(.yamlSyntax, message, at: file.range(from: problemOffset, to: end), notes: notes, help: help))
    }

    /// The byte offset of a tab in the leading whitespace of a line up to `limit`'s line.
    private func firstIndentationTab(upToLineOf limit: Int) -> Int? {
        let lastLine = file.line(ofOffset: limit)
        for line in 1...lastLine {
            var index = file.lineStarts[line - 1]
            while index < file.bytes.count {
                let byte = file.bytes[index]
                if byte == UInt8(ascii: "\t") { return index }
                if byte != UInt8(ascii: " ") { break }
                index += 1
            }
        }
        return nil
    }
}
