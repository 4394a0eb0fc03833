import Diagnostics
import EventJSON
import Foundation

/// `type: lookup`: key → row of a CSV file or SQLite table, loaded once into memory.
///
/// Settings: `table` (a `.csv` file, or a `.sqlite`/`.sqlite3`/`.db` database), `key` (the
/// column to index by), `sql_table` (the table or view inside a database; optional when the
/// database holds exactly one). Input `key` is the value looked up.
///
/// - Result: the row as an object, columns in table order (the key column included). CSV
///   cells are typed as ``CSVTable/value(ofCell:)`` says (numbers → int/float, empty → null);
///   SQLite values keep their storage class.
/// - Not found is not a failure: an unknown key, a `null` key or no `key` input at all
///   returns `{}`, so the agent's outputs are missing and the pipeline's `??` defaults apply.
///   A key that is an array or an object fails (not retryable).
/// - Keys compare as text: a CSV key cell as written, a SQLite value as its text
///   (INTEGER `42` → `42`, REAL `2.5` → `2.5`, `3.0` → `3`). An input key that is a number
///   is written the same way, a bool as `true`/`false`, so `42` and `"42"` find the same row.
/// - Duplicate keys: the first row wins; later ones are counted in ``duplicateKeyCount`` and
///   described in ``warnings``. Rows whose key cell is empty or NULL are skipped and counted.
///
/// The index is a pre-hashed ``StringIndex`` into prebuilt result values, so a call hashes
/// the key's bytes once and returns a shared object (no allocation).
public final class LookupAgent: InProcessAgent {
    /// The table as named in messages (the path as resolved).
    public let source: String
    public let keyColumn: String
    /// Column names in table order.
    public let columns: [String]
    /// Rows reachable by key.
    public var rowCount: Int { results.count }
    /// Rows ignored because an earlier row had the same key.
    public let duplicateKeyCount: Int
    /// Rows ignored because their key was empty (CSV) or NULL (SQLite).
    public let keylessRowCount: Int
    /// Load-time notes worth showing once (duplicates, keyless rows).
    public let warnings: [String]

    private let index: StringIndex
    private let results: [JSONValue]

    /// Loads `table` (a CSV file, or a SQLite database when the extension is `.sqlite`,
    /// `.sqlite3` or `.db`). `display` names the file in messages (default: its path).
    public convenience init(table: URL, sqlTable: String? = nil, keyColumn: String, display: String? = nil) throws(AgentLoadError) {
        let display = display ?? table.path
        if Self.isSQLite(table) {
            let sqlite = try SQLiteTable.read(table, display: display, table: sqlTable)
            try self.init(
                source: display, keyColumn: keyColumn, columns: sqlite.columns, rows: sqlite.rows,
                keyTexts: nil, lines: nil
            )
        } else {
            if let sqlTable {
                throw AgentLoadError(file: display, "`sql_table: \(sqlTable)` is only for SQLite tables (.sqlite, .sqlite3, .db), and this is read as CSV")
            }
            try self.init(csv: try CSVTable.read(table, display: display), keyColumn: keyColumn, source: display)
        }
    }

    /// Builds the index from CSV text (a header row, then rows); `source` names it in messages.
    public convenience init(csvText: String, keyColumn: String, source: String = "<csv>") throws(AgentLoadError) {
        try self.init(csv: try CSVTable.parse(csvText, file: source), keyColumn: keyColumn, source: source)
    }

    private convenience init(csv: CSVTable, keyColumn: String, source: String) throws(AgentLoadError) {
        let rows = csv.rows.map { $0.map(CSVTable.value(ofCell:)) }
        try self.init(
            source: source, keyColumn: keyColumn, columns: csv.columns, rows: rows,
            keyTexts: csv.columns.firstIndex(of: keyColumn).map { column in csv.rows.map { $0[column] } },
            lines: csv.lines
        )
    }

    /// `keyTexts`: the key cell of each row as written (CSV); nil derives it from the value.
    /// `lines`: the line of each row (CSV), for warnings.
    private init(
        source: String, keyColumn: String, columns: [String], rows: [[JSONValue]], keyTexts: [String]?, lines: [Int]?
    ) throws(AgentLoadError) {
        guard let keyIndex = columns.firstIndex(of: keyColumn) else {
            var message = "has no column `\(keyColumn)` (the `key` setting); its columns are: "
                + columns.map { "`\($0)`" }.joined(separator: ", ")
            if let guess = DidYouMean.suggestion(for: keyColumn, among: columns) { message += "\nhelp: did you mean `\(guess)`?" }
            throw AgentLoadError(file: source, line: lines == nil ? nil : 1, message)
        }
        var index: [String: Int] = [:]
        index.reserveCapacity(rows.count)
        var keys: [String] = []
        keys.reserveCapacity(rows.count)
        var results: [JSONValue] = []
        results.reserveCapacity(rows.count)
        var duplicates = 0
        var keyless = 0
        var firstDuplicate: String?
        var firstKeyless: String?
        var firstRow: [String: Int] = [:]  // key → row number, only to describe the first duplicate
        func place(_ row: Int) -> String {
            if let lines { "line \(lines[row])" } else { "row \(row + 1)" }
        }
        for (rowNumber, row) in rows.enumerated() {
            let key: String? = keyTexts.map { $0[rowNumber].isEmpty ? nil : $0[rowNumber] } ?? Self.keyText(row[keyIndex])
            guard let key else {
                keyless += 1
                if firstKeyless == nil { firstKeyless = place(rowNumber) }
                continue
            }
            if index[key] != nil {
                duplicates += 1
                if firstDuplicate == nil, let first = firstRow[key] {
                    firstDuplicate = "`\(key)` at \(place(rowNumber)), first seen at \(place(first))"
                }
                continue
            }
            if firstDuplicate == nil { firstRow[key] = rowNumber }
            index[key] = results.count
            keys.append(key)
            results.append(.object(JSONObject(Array(zip(columns, row)))))
        }
        var warnings: [String] = []
        if duplicates > 0 {
            warnings.append("\(source): \(duplicates) row\(duplicates == 1 ? "" : "s") ignored for a duplicate `\(keyColumn)` (the first row wins); the first: \(firstDuplicate ?? "?")")
        }
        if keyless > 0 {
            warnings.append("\(source): \(keyless) row\(keyless == 1 ? "" : "s") ignored for an empty `\(keyColumn)`; the first at \(firstKeyless ?? "?")")
        }
        self.source = source
        self.keyColumn = keyColumn
        self.columns = columns
        self.duplicateKeyCount = duplicates
        self.keylessRowCount = keyless
        self.warnings = warnings
        self.index = StringIndex(keys)
        self.results = results
    }

    public func call(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue {
        guard let value = inputs["key"] else { return .emptyObject }
        switch value {
        case .string(let key):
            let row = index.find(key)
            return row < 0 ? .emptyObject : results[row]
        case .null:
            return .emptyObject
        case .array, .object:
            throw .invalidInput("lookup key must be a string or a number, got \(value.typeName)")
        case .int, .double, .bool:
            guard let key = Self.keyText(value) else { return .emptyObject }
            let row = index.find(key)
            return row < 0 ? .emptyObject : results[row]
        }
    }

    /// The row whose key is `key`, if any.
    public func row(forKey key: String) -> JSONObject? {
        let row = index.find(key)
        guard row >= 0, case .object(let object) = results[row] else { return nil }
        return object
    }

    /// The text a scalar compares as: strings as they are, integers in decimal, floats
    /// without a fraction as integers (`3.0` → `3`), other floats in Swift's shortest form,
    /// bools as `true`/`false`; nil for null, arrays and objects.
    public static func keyText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let string): string
        case .int(let int): String(int)
        case .double(let double):
            if double == double.rounded(), abs(double) < 9_007_199_254_740_992 { String(Int64(double)) } else { "\(double)" }
        case .bool(let bool): bool ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    static func isSQLite(_ url: URL) -> Bool {
        ["sqlite", "sqlite3", "db"].contains(url.pathExtension.lowercased())
    }
}
