import CSV
import EventJSON
import Foundation

/// A CSV file read whole: its header and rows of raw cells, each row with the line it
/// starts on (for error messages).
///
/// Parsing is done by yaslab/CSV.swift 2.5.2. Both candidate libraries handle RFC 4180
/// quoting (quoted fields holding commas, doubled quotes, line breaks and CRLF); CSV.swift
/// was chosen because it is the faster of the two here (10,000 rows × 5 quoted fields:
/// 15 ms against 37 ms for swiftcsv/SwiftCSV 0.10.0, release build) and because it keeps
/// cells verbatim, where SwiftCSV drops the leading spaces of unquoted cells and splits on
/// `Character`s. Its one weakness, lenience about a stray quote after a closing quote
/// (`"a"b`), is covered by the field-count check below: such a row swallows the rest of its
/// record and is reported with its line.
struct CSVTable {
    var columns: [String]
    var rows: [[String]]
    /// The 1-based line each row starts on.
    var lines: [Int]

    /// Reads and parses `url`; `display` is the path used in messages.
    static func read(_ url: URL, display: String) throws(AgentLoadError) -> CSVTable {
        try parse(try TextFiles.read(url, display: display), file: display)
    }

    /// Parses CSV text with a header row. Blank lines are skipped; a row whose field count
    /// differs from the header's is an error; header names must be non-empty and unique.
    static func parse(_ text: String, file: String) throws(AgentLoadError) -> CSVTable {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw AgentLoadError(file: file, line: 1, "is empty: expected a header row of column names")
        }
        guard let header = reader.headerRow, header != [""] else {
            throw AgentLoadError(file: file, line: 1, "is empty: expected a header row of column names")
        }
        var seen: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            if name.isEmpty {
                throw AgentLoadError(file: file, line: 1, "column \(index + 1) of the header has no name")
            }
            if let first = seen[name] {
                throw AgentLoadError(file: file, line: 1, "column `\(name)` appears twice in the header (columns \(first + 1) and \(index + 1))")
            }
            seen[name] = index
        }
        var table = CSVTable(columns: header, rows: [], lines: [])
        var line = 2 + newlineCount(header)
        while let row = reader.next() {
            let rowLine = line
            line += 1 + newlineCount(row)
            if row == [""] { continue }  // blank line
            guard row.count == header.count else {
                throw AgentLoadError(
                    file: file, line: rowLine,
                    "row has \(row.count) field\(row.count == 1 ? "" : "s"), the header has \(header.count) (a quote not closed, or a comma in an unquoted value?)"
                )
            }
            table.rows.append(row)
            table.lines.append(rowLine)
        }
        return table
    }

    private static func newlineCount(_ fields: [String]) -> Int {
        var count = 0
        for field in fields { for byte in field.utf8 where byte == UInt8(ascii: "\n") { count += 1 } }
        return count
    }

    /// The JSON value of a cell: empty → `null`; JSON number syntax → `int` (when it fits
    /// Int64) or `float`; anything else, including `007`, `+5`, ` 5`, `1e` or `NaN`, stays
    /// the string it is, so identifiers with leading zeros (ZIP codes) are not mangled.
    /// Integers beyond Int64 also stay strings, to keep them exact, as do floats beyond Double.
    static func value(ofCell cell: String) -> JSONValue {
        if cell.isEmpty { return .null }
        switch numberKind(cell.utf8) {
        case .none: return .string(cell)
        case .integer: return Int64(cell).map(JSONValue.int) ?? .string(cell)
        case .float:
            guard let number = Double(cell), number.isFinite else { return .string(cell) }
            return .double(number)
        }
    }

    enum NumberKind { case none, integer, float }

    /// Classifies `bytes` by the JSON number grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func numberKind(_ bytes: String.UTF8View) -> NumberKind {
        var index = bytes.startIndex
        let end = bytes.endIndex
        func isDigit(_ i: String.UTF8View.Index) -> Bool { i < end && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) }
        if index < end, bytes[index] == UInt8(ascii: "-") { bytes.formIndex(after: &index) }
        guard isDigit(index) else { return .none }
        if bytes[index] == UInt8(ascii: "0") {
            bytes.formIndex(after: &index)
        } else {
            while isDigit(index) { bytes.formIndex(after: &index) }
        }
        var kind = NumberKind.integer
        if index < end, bytes[index] == UInt8(ascii: ".") {
            bytes.formIndex(after: &index)
            guard isDigit(index) else { return .none }
            while isDigit(index) { bytes.formIndex(after: &index) }
            kind = .float
        }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            bytes.formIndex(after: &index)
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { bytes.formIndex(after: &index) }
            guard isDigit(index) else { return .none }
            while isDigit(index) { bytes.formIndex(after: &index) }
            kind = .float
        }
        return index == end ? kind : .none
    }
}
